"""The ``govsite check`` command as users run it: exit codes, output formats, --changed, --fix, bad input."""

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses

SCHEMAS = REPO / "tests" / "schemas"
SARIF_SCHEMA = REPO / "build" / "schemas" / "sarif-2.1.0.json"


def test_clean_page_exits_0(repo):
    repo.page("town/gzdt/a.md", "本镇召开冬季森林防火工作会议。\n")
    proc = repo.govsite("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "错误 0 个" in proc.stdout


def test_error_finding_exits_1_with_file_line_and_advice(repo):
    repo.page("town/gzdt/a.md", "会议材料为机密★1年。\n")
    proc = repo.govsite("check")
    assert proc.returncode == 1
    assert "content/town/gzdt/a.md:5:" in proc.stdout and "secrecy" in proc.stdout
    assert "提交/发布已被阻止" in proc.stdout


def test_gbk_file_exits_2_and_other_files_are_still_checked(repo):
    repo.page("town/gzdt/gbk.md", raw="---\ntitle: 测试\nformed: 2026-11-20\n---\n工作动态\n".encode("gbk"))
    repo.page("town/gzdt/b.md", "会议材料为机密★1年。\n")
    code, findings = repo.check_json()
    assert code == 2
    rules = {(f["path"], f["rule"]) for f in findings}
    assert ("content/town/gzdt/gbk.md", "schema.encoding") in rules
    assert ("content/town/gzdt/b.md", "secrecy.classification-mark") in rules


def test_broken_unit_yaml_is_reported_with_line_not_a_traceback(repo):
    repo.unit("town", "id: town\nname: [oops\n")
    repo.page("town/gzdt/a.md")
    proc = repo.govsite("check")
    assert "Traceback" not in proc.stderr
    assert "units/town.yml:" in proc.stdout and "YAML 格式错误" in proc.stdout
    assert proc.returncode == 2


def test_missing_path_is_a_usage_error(repo):
    proc = repo.govsite("check", "content/nope.md")
    assert proc.returncode == 2 and "路径不存在" in proc.stderr


def test_a_folder_without_pages_is_a_usage_error_not_zero_files_checked(repo):
    repo.page("town/gzdt/a.md")
    (repo.root / "content" / "town" / "gzdt" / "b.md").mkdir()  # a folder that looks like a page
    proc = repo.govsite("check", "content/town/gzdt/b.md")
    assert proc.returncode == 2 and "content/town/gzdt/b.md 是一个文件夹，其中没有稿件" in proc.stderr
    assert repo.govsite("check", "content/town").returncode == 0


def test_json_report_matches_its_schema_and_suppressed_findings_stay(repo):
    jsonschema = pytest.importorskip("jsonschema")
    repo.page("town/gzdt/a.md", "机密★1年 <!-- govsite: allow secrecy 历史档案说明 -->\n会议强调,要抓好落实。\n")
    code, _ = repo.check_json()
    doc = json.loads(repo.govsite("check", "--format", "json").stdout)
    jsonschema.validate(doc, json.loads((SCHEMAS / "findings.schema.json").read_text()))
    assert code == 0  # the only error is suppressed; the norm finding is a warning
    sup = [f for f in doc["findings"] if f.get("suppressed")]
    assert sup and sup[0]["suppression_reason"] == "历史档案说明"


def test_sarif_report_validates_against_sarif_2_1_0(repo):
    jsonschema = pytest.importorskip("jsonschema")
    repo.page("town/gzdt/a.md", "会议材料为机密★1年。会议强调,要抓好落实。\n")
    doc = json.loads(repo.govsite("check", "--format", "sarif").stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(doc)
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"secrecy.classification-mark", "norm.halfwidth-punctuation"}
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 5


def test_codequality_report_validates(repo):
    jsonschema = pytest.importorskip("jsonschema")
    repo.page("town/gzdt/a.md", "会议材料为机密★1年。\n")
    doc = json.loads(repo.govsite("check", "--format", "codequality").stdout)
    jsonschema.validate(doc, json.loads((SCHEMAS / "codequality.schema.json").read_text()))
    assert doc[0]["severity"] == "critical" and doc[0]["location"]["lines"]["begin"] == 5
    assert len({d["fingerprint"] for d in doc}) == len(doc)


def test_fix_applies_safe_norm_fixes_and_keeps_bom_and_crlf(repo):
    page = repo.page("town/gzdt/a.md", raw=b"\xef\xbb\xbf" + (
        "---\r\ntitle: t\r\nformed: 2026-11-20\r\n---\r\n会议强调,要抓好落实;确保安全。\r\n").encode())
    proc = repo.govsite("check", "--fix")
    assert proc.returncode == 0, proc.stdout
    raw = page.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert "会议强调，要抓好落实；确保安全。" in raw.decode("utf-8-sig")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def _init_git(root: Path) -> None:
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.email", "t@example.gov.cn")
    _git(root, "config", "user.name", "测试")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "init")


def test_changed_checks_only_pages_changed_against_base(repo):
    repo.page("town/gzdt/old.md", "会议材料为机密★1年。\n")  # already on main: not re-checked
    _init_git(repo.root)
    _git(repo.root, "checkout", "-q", "-b", "mr")
    repo.page("town/gzdt/new.md", "联系电话13912345678。\n")
    code, findings = repo.check_json("--changed", "--base", "main")
    assert code == 1
    assert {f["path"] for f in findings} == {"content/town/gzdt/new.md"}


def test_new_creates_a_page_that_passes(repo):
    proc = repo.govsite("new", "town/gzdt", "测试镇召开冬季森林防火工作会议", "--formed", "2026-11-20")
    assert proc.returncode == 0, proc.stderr
    created = repo.root / proc.stdout.strip()
    assert created.read_text(encoding="utf-8").startswith('---\ntitle: "测试镇召开冬季森林防火工作会议"\nformed: 2026-11-20')
    assert repo.govsite("check", str(created)).returncode == 0
    bad = repo.govsite("new", "town/nope", "标题")
    assert bad.returncode == 2 and "gzdt（工作动态）" in bad.stderr


def test_rules_lists_every_category():
    proc = subprocess.run(["python", "-m", "govsite", "rules"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0
    for category in ("secrecy", "privacy", "political", "sensitive", "typo", "norm", "ad", "emotion", "source",
                     "schema", "link"):
        assert f"（{category}）" in proc.stdout


def test_unknown_command_option_is_exit_2(repo):
    assert repo.govsite("check", "--format", "xml").returncode == 2


def test_empty_binary_and_bom_crlf_pages(repo):
    repo.page("town/gzdt/empty.md", raw=b"")
    repo.page("town/gzdt/image.md", raw=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    repo.page("town/gzdt/bom.md", raw="\ufeff---\r\ntitle: 标题\r\nformed: 2026-11-20\r\n---\r\n本镇召开会议。\r\n".encode())
    code, findings = repo.check_json()
    by_path = {f["path"]: f["rule"] for f in findings}
    assert by_path["content/town/gzdt/image.md"] == "schema.binary"
    assert "content/town/gzdt/bom.md" not in by_path  # a BOM and CRLF line ends are fine
    assert any(f["path"] == "content/town/gzdt/empty.md" for f in findings)
    assert code == 2  # an unreadable (binary) file is an input problem


@pytest.mark.parametrize("target", ["missing-folder/report.json", "."])
def test_a_report_path_that_cannot_be_written_is_a_usage_error(repo, tmp_path, target) -> None:
    repo.page("town/gzdt/a.md", "本镇召开会议。\n")
    proc = repo.govsite("check", "--format", "json", "--output", str(tmp_path / target))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert ("不存在" in proc.stderr) or ("是一个目录" in proc.stderr)


def test_links_pipes_and_odd_page_names_under_content_are_errors(repo) -> None:
    import json
    import os

    base = repo.root / "content" / "town" / "gzdt"
    repo.page("town/gzdt/a.md", "本镇召开会议。\n")
    (base / "leak.md").symlink_to("/etc/passwd")
    os.mkfifo(base / "pipe.md")
    (base / "B.MD").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    proc = repo.govsite("check", "--format", "json", "--no-cache")
    assert proc.returncode == 1, proc.stderr
    found = {(f["path"], f["rule"]) for f in json.loads(proc.stdout)["findings"]}
    assert {("content/town/gzdt/leak.md", "schema.symlink"), ("content/town/gzdt/pipe.md", "schema.special-file"),
            ("content/town/gzdt/B.MD", "schema.page-name")} <= found
    one = repo.govsite("check", "--format", "json", "--no-cache", str(base / "leak.md"))  # named explicitly
    assert one.returncode == 1 and "schema.symlink" in one.stdout and "root:" not in one.stdout


def test_rules_with_an_unknown_category_and_new_with_an_empty_title_are_usage_errors(repo) -> None:
    proc = repo.govsite("rules", "nosuchcategory")
    assert proc.returncode == 2 and "privacy" in proc.stderr and "0 条" not in proc.stdout
    proc = repo.govsite("new", "town/gzdt", " ")
    assert proc.returncode == 2 and "标题不能为空" in proc.stderr
    assert not list((repo.root / "content" / "town").rglob("*.md"))


def test_a_county_rule_pack_that_is_a_list_is_reported(repo) -> None:
    import json

    (repo.root / "site_config" / "rules").mkdir()
    (repo.root / "site_config" / "rules" / "local.yml").write_text("- id: x\n  kind: existence\n", encoding="utf-8")
    repo.page("town/gzdt/a.md", "本镇召开会议。\n")
    proc = repo.govsite("check", "--format", "json", "--no-cache")
    rules = {(f["path"], f["rule"]) for f in json.loads(proc.stdout)["findings"]}
    assert ("site_config/rules/local.yml", "schema.rule-pack") in rules and proc.returncode == 1
