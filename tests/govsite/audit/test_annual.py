"""The annual report (政府信息公开工作年度报告, 国办公开办函〔2021〕30号 format) drafted from a real history:
counts of 规章/行政规范性文件 made, repealed and in force from the validity field, Art. 21 timeliness, and
fill-in cells that stop the draft from being published until the unit fills them."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from govsite.audit.annual import APPLICATION_ROWS, draft_annual_report, render_markdown
from govsite.cli.main import main
from govsite.core.errors import GovsiteError
from tests.govsite.audit.repo import Repo, page, unit_yml

COLUMNS = [("gzdt", "工作动态", "news", "weekly"), ("zcwj", "政策文件", "policy", "realtime"),
           ("ndbg", "政府信息公开年度报告", "annual_report", "yearly")]


def policy(title: str, formed: str, doc_type: str = "行政规范性文件", validity: str = "有效") -> str:
    return f"---\ntitle: {title}\nformed: {formed}\ndoc_type: {doc_type}\nvalidity: {validity}\n---\n{title}。\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = Repo(tmp_path_factory.mktemp("annual") / "county")
    repo.commit("2025-03-02", {"units/ceshi.yml": unit_yml(columns=COLUMNS),
                               "content/ceshi/zcwj/old.md": policy("2025年的规范性文件", "2025-03-01"),
                               "content/ceshi/zcwj/old2.md": policy("2025年的另一件", "2025-03-01")})
    repo.commit("2026-02-03", {"content/ceshi/zcwj/a.md": policy("2026年印发的规范性文件", "2026-02-02"),
                               "content/ceshi/zcwj/r.md": policy("2026年的规章", "2026-02-02", doc_type="规章"),
                               "content/ceshi/gzdt/ontime.md": page("按时发布的动态", "2026-02-02")})
    # a late page: formed 2025-09-03, published 2026-01-05 (far beyond 20 working days)
    repo.commit("2026-01-05", {"content/ceshi/gzdt/late.md": page("迟发的动态", "2025-09-03")})
    repo.commit("2026-08-03", {"content/ceshi/zcwj/old.md": policy(
        "2025年的规范性文件", "2025-03-01", validity="{status: 已废止, date: 2026-08-01, by: 测试府发〔2026〕3号}")})
    # repealed only in 2027: still in force at the end of 2026
    repo.commit("2027-01-04", {"content/ceshi/zcwj/old2.md": policy(
        "2025年的另一件", "2025-03-01", validity="{status: 已失效, date: 2027-01-01}")})
    return repo


@pytest.fixture(scope="module")
def report(repo):
    return draft_annual_report(repo.root, 2026, "ceshi", dt.date(2027, 1, 10))


def test_policy_documents_made_repealed_and_in_force(report):
    table = next(b for b in report.blocks if b.kind == "table" and b.header[0] == "第二十条第（一）项")
    assert table.rows == [["规章", "1", "0", "1"], ["行政规范性文件", "1", "1", "2"]]


def test_the_overview_counts_pages_and_timeliness_from_the_repository(report):
    text = " ".join(b.text for b in report.blocks if b.kind == "p")
    assert "主动公开政府信息 4 条" in text  # a.md, r.md, ontime.md, late.md; old.md's correction is not new
    assert "注明形成日期的 4 条中，3 条在信息形成或变更之日起20个工作日内公开，及时公开率 75.0%" in text
    assert "开设栏目 3 个" in text


def test_the_national_tables_are_all_there_in_order(report):
    heads = [b.text for b in report.blocks if b.kind == "h1"]
    assert heads == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                     "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    apps = next(b for b in report.blocks if b.kind == "table" and b.header[0] == "项目")
    assert [r[0] for r in apps.rows] == APPLICATION_ROWS and apps.header[-1] == "总计"
    assert apps.rows[0][1:] == ["【待填】"] * 7


def test_the_draft_is_a_page_of_the_annual_column_that_check_refuses_until_filled(repo, report, capsys):
    assert report.page_path.startswith("content/ceshi/ndbg/") and report.title == "巫山县测试镇人民政府2026年政府信息公开工作年度报告"
    assert main(["--root", str(repo.root), "report", "annual", "--year", "2026", "--unit", "ceshi", "--today", "2027-01-10"]) == 0
    written = repo.root / report.page_path
    assert written.read_text(encoding="utf-8") == render_markdown(report)
    assert main(["--root", str(repo.root), "check", str(written)]) == 1
    assert "norm.unfilled-placeholder" in capsys.readouterr().out
    # a second run does not overwrite the unit's filled-in draft
    assert main(["--root", str(repo.root), "report", "annual", "--year", "2026", "--unit", "ceshi", "--today", "2027-01-10"]) == 2
    assert "已存在" in capsys.readouterr().err


def test_a_unit_without_an_annual_column_is_told_how_to_add_one(tmp_path):
    repo = Repo(tmp_path / "county")
    repo.commit("2026-02-03", {"units/ceshi.yml": unit_yml()})
    with pytest.raises(GovsiteError, match="annual_report"):
        draft_annual_report(repo.root, 2026, "ceshi", dt.date(2027, 1, 10))
    with pytest.raises(GovsiteError, match="不存在"):
        draft_annual_report(repo.root, 2026, "nosuch", dt.date(2027, 1, 10))


@pytest.mark.slow
def test_libreoffice_opens_the_annual_report(repo, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is missing: `make test` installs it (make test-deps)"
    out = tmp_path / "docx"
    assert main(["--root", str(repo.root), "report", "annual", "--year", "2026", "--unit", "ceshi",
                 "--today", "2027-01-10", "-o", str(out), "--force"]) == 0
    [docx] = out.glob("*.docx")
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (docx.stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert 3 <= pages <= 10
    for words in ("2026年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", "行政规范性文件", "结转下年度继续办理"):
        assert words in text, words
