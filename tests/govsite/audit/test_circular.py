"""The 通报 the county office circulates (issue 18): stable finding ids, the 整改 follow-up across circulars,
the Word circular, its PDF and the Excel problem list — on a real git history with chosen dates, including
the 2026 National Day make-up workday (Saturday 10 October)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest
from hypothesis import given, strategies as st

from govsite.audit.model import AuditFinding
from govsite.audit.period import parse_period
from govsite.audit.rectification import Ledger, assign_ids
from govsite.cli.main import main
from govsite.core.errors import GovsiteError
from tests.govsite.audit.repo import Repo, page, unit_yml

D = dt.date
COLUMNS = [("gzdt", "工作动态", "news", "weekly"), ("tzgg", "通知公告", "notice", "realtime")]


# -- periods ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key, start, end, name, previous", [
    ("2026Q4", D(2026, 10, 1), D(2026, 12, 31), "2026年第四季度", "2026Q3"),
    ("2026q1", D(2026, 1, 1), D(2026, 3, 31), "2026年第一季度", "2025Q4"),
    ("2026H1", D(2026, 1, 1), D(2026, 6, 30), "2026年上半年", "2025H2"),
    ("2026-02", D(2026, 2, 1), D(2026, 2, 28), "2026年2月", "2026-01"),
    ("2026-01", D(2026, 1, 1), D(2026, 1, 31), "2026年1月", "2025-12"),
    ("2026", D(2026, 1, 1), D(2026, 12, 31), "2026年", "2025"),
])
def test_periods(key, start, end, name, previous):
    p = parse_period(key)
    assert (p.start, p.end, p.name, p.previous().key) == (start, end, name, previous)
    assert p.audit_day(D(2026, 11, 30)) == min(end, D(2026, 11, 30))


@pytest.mark.parametrize("bad", ["2026Q5", "2026-13", "26Q4", "第四季度", ""])
def test_a_period_that_is_not_one_says_how_to_write_it(bad):
    with pytest.raises(GovsiteError, match="2026Q4"):
        parse_period(bad)


# -- stable ids ---------------------------------------------------------------------------------------------
def _link(message="死链", line=3, href="files/a.pdf", path="content/ceshi/gzdt/p.md"):
    return AuditFinding("links", "audit.links.attachment", "error", "ceshi", message, "第二十六条", "改正",
                        path=path, column="gzdt", evidence={"page": "x", "href": href, "line": line})


@given(st.text(max_size=40), st.integers(1, 10_000))
def test_an_id_does_not_depend_on_the_wording_or_the_line(message, line):
    a, b = _link(), _link(message=message, line=line)
    assign_ids([a])
    assign_ids([b])
    assert a.id == b.id and len(a.id) == 8


def test_different_problems_get_different_ids_and_repeats_are_numbered():
    found = [_link(), _link(href="files/b.pdf"), _link(path="content/ceshi/gzdt/q.md"), _link()]
    assign_ids(found)
    assert len({f.id for f in found}) == 4
    assert found[3].id == found[0].id + "-2"


def test_a_ledger_that_is_not_json_is_a_message(tmp_path):
    bad = tmp_path / "rectification.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(GovsiteError, match="整改台账"):
        Ledger.read(bad)


# -- two circulars on one history ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """ceshi publishes weekly news until 1 September 2026, then stops; after the Q3 circular (9 October) it
    resumes on 12 October and keeps weekly. The unit never sets up the disclosure column it is required to have
    (a coverage problem that stays, so it becomes overdue)."""
    repo = Repo(tmp_path_factory.mktemp("circular") / "county")
    repo.commit("2026-06-01", {"units/ceshi.yml": unit_yml(columns=COLUMNS),
                               "content/ceshi/tzgg/open.md": page("测试镇网页开通公告", "2026-06-01")})
    day = D(2026, 6, 1)
    while day <= D(2026, 9, 1):
        repo.commit(day, {f"content/ceshi/gzdt/{day}.md": page(f"测试镇{day.month}月{day.day}日工作动态", day)})
        day += dt.timedelta(days=7)
    repo.commit("2026-10-12", {"content/ceshi/gzdt/2026-10-12.md": page("测试镇恢复更新", "2026-10-12")})
    day = D(2026, 10, 19)
    while day <= D(2026, 11, 30):
        repo.commit(day, {f"content/ceshi/gzdt/{day}.md": page(f"测试镇{day.month}月{day.day}日工作动态", day)})
        day += dt.timedelta(days=7)
    return repo


def _issue(repo, period, issued_on, *extra):
    out = repo.root / "reports" / period
    code = main(["--root", str(repo.root), "audit", "--report", "tongbao", "--period", period,
                 "--issued-on", issued_on, "--no-checks", "--no-pdf", *extra])
    assert code == 0
    return out, Ledger.read(repo.root / "reports" / "rectification.json")


@pytest.fixture(scope="module")
def q3(county):
    return _issue(county, "2026Q3", "2026-10-09")


@pytest.fixture(scope="module")
def q4(county, q3):
    return _issue(county, "2026Q4", "2026-11-30")


def _docx_text(path):
    import docx

    doc = docx.Document(str(path))
    return [p.text for p in doc.paragraphs], doc


def test_q3_circular_lists_the_stale_column_with_a_deadline_counted_over_the_holiday(q3):
    out, ledger = q3
    [stale] = [i for i in ledger.items.values() if i.rule == "audit.freshness.stale"]
    # 5 working days after Friday 9 October: Sat 10 Oct is a make-up workday, so the 5th is Thu 15 Oct
    assert (stale.deadline, stale.status, stale.circular) == (D(2026, 10, 15), "open", "巫山府办〔2026〕1号")
    paras, doc = _docx_text(out / "通报-2026Q3.docx")
    assert paras[0] == "巫山县人民政府办公室" and paras[2] == "巫山府办〔2026〕1号"
    assert "关于2026年第三季度全县政府网站和政务新媒体检查情况的通报" in paras[4]
    for heading in ("一、总体情况", "二、排名情况", "三、存在问题", "四、整改要求"):
        assert heading in paras
    assert any(stale.id in p and "整改期限 2026年10月15日" in p for p in paras)
    assert "2026年10月9日" in paras and doc.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)
    assert doc.tables[0].rows[0].cells[0].text == "排名" and doc.tables[0].rows[1].cells[1].text == "巫山县测试镇人民政府"


def test_q4_marks_the_fixed_item_with_the_day_it_was_fixed_and_the_rest_overdue_first(q3, q4):
    stale_id = next(i.id for i in q3[1].items.values() if i.rule == "audit.freshness.stale")
    out, ledger = q4
    fixed = ledger.items[stale_id]
    assert (fixed.status, fixed.fixed_on) == ("fixed", D(2026, 10, 12))  # the column's next new page
    overdue = [i for i in ledger.items.values() if i.status == "overdue"]
    assert overdue and all(i.rule.startswith("audit.coverage.") and i.deadline < D(2026, 11, 30) for i in overdue)
    assert [c["number"] for c in ledger.circulars] == ["巫山府办〔2026〕1号", "巫山府办〔2026〕2号"]
    paras, doc = _docx_text(out / "通报-2026Q4.docx")
    first_section = next(p for p in paras if p.startswith("（一）"))
    assert first_section.startswith("（一）前期通报逾期未整改的问题")
    assert any("已整改 1 条" in p and "逾期未整改" in p for p in paras)
    ranking = doc.tables[0].rows[1].cells
    assert (ranking[5].text, ranking[6].text) == ("1", "持平")  # compared with what Q3 circulated


def test_the_problem_list_puts_overdue_items_first(q4):
    from openpyxl import load_workbook

    out, ledger = q4
    ws = load_workbook(out / "问题清单-2026Q4.xlsx").active
    header = [c.value for c in ws[2]]
    assert header[:3] == ["序号", "问题编号", "单位"] and "整改期限" in header and "状态" in header
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    status = header.index("状态")
    assert rows and rows[0][status] == "逾期未整改"
    assert rows[0][2] == "巫山县测试镇人民政府" and rows[0][1] in ledger.items
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref.startswith("A2:")


def test_issuing_the_same_period_again_keeps_its_number(county, q4):
    _, ledger = _issue(county, "2026Q4", "2026-11-30")
    assert [c["number"] for c in ledger.circulars] == ["巫山府办〔2026〕1号", "巫山府办〔2026〕2号"]


def test_the_circular_refuses_a_period_not_yet_begun(county, capsys):
    assert main(["--root", str(county.root), "audit", "--report", "tongbao", "--period", "2027Q1",
                 "--issued-on", "2026-11-30", "--no-checks", "--no-pdf"]) == 2
    assert "尚未开始" in capsys.readouterr().err


def test_period_without_the_circular_is_a_usage_error(county, capsys):
    assert main(["--root", str(county.root), "audit", "--period", "2026Q4"]) == 2
    assert "--report tongbao" in capsys.readouterr().err


# -- the documents as a county office opens them --------------------------------------------------------------
def _pdf(path):
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(path)], capture_output=True,
                                                                 text=True, check=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pages, "".join(text.split())  # CJK text wraps anywhere: compare without white space


@pytest.mark.slow
def test_chromium_prints_the_circular_as_pdf(county, q4, tmp_path):
    out = tmp_path / "pdf"
    assert main(["--root", str(county.root), "audit", "--report", "tongbao", "--period", "2026Q4",
                 "--issued-on", "2026-11-30", "--no-checks", "-o", str(out),
                 "--ledger", str(tmp_path / "ledger.json")]) == 0
    pages, text = _pdf(out / "通报-2026Q4.pdf")
    assert 2 <= pages <= 6
    assert "巫山府办〔2026〕1号" in text and "四、整改要求" in text and "—1—" in text  # page numbers printed


@pytest.mark.slow
def test_libreoffice_opens_the_circular_and_the_problem_list(q4, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is missing: `make test` installs it (make test-deps)"
    out, _ = q4
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out / "通报-2026Q4.docx"), str(out / "问题清单-2026Q4.xlsx")],
                   check=True, capture_output=True, timeout=180)
    pages, text = _pdf(tmp_path / "通报-2026Q4.pdf")
    assert 2 <= pages <= 6
    for words in ("巫山县人民政府办公室", "巫山府办〔2026〕2号", "一、总体情况", "前期通报逾期未整改的问题", "2026年11月30日印发"):
        assert words in text, words
    pages, text = _pdf(tmp_path / "问题清单-2026Q4.pdf")
    assert pages >= 1 and "逾期未整改" in text and "问题编号" in text


def test_the_ledger_is_json_a_person_can_read(q4):
    raw = (q4[0].parent / "rectification.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert data["version"] == 1 and [c["period"] for c in data["circulars"]] == ["2026Q3", "2026Q4"]
    assert "测试镇" in raw  # messages kept as written, not as \\u escapes
    assert all({"id", "unit", "deadline", "status", "circular"} <= set(i) for i in data["items"])
