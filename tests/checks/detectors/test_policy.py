"""Policy documents and their interpretations: validity (效力) and interprets (解读文件), one rule at a time."""

from __future__ import annotations

import pytest

from checks.references import candidates, is_path, number_key
from tests.conftest import UNIT_YML, findings_for

POLICY_RULES = ("schema.validity-missing", "schema.validity-status", "schema.validity-date",
                "schema.interprets-missing", "link.policy-target-missing", "link.policy-number-unknown")
HEAD = "title: 测试镇关于某某事项的通知\nformed: 2026-03-01\n"
DOC = "title: 测试镇关于某某事项的通知\nformed: 2026-01-05\ndoc_number: 测试府发〔2026〕1号\nvalidity: 有效\n"


@pytest.fixture
def county(repo):
    """The test township with a 政策文件 column (one document, 测试府发〔2026〕1号) and a 政策解读 column."""
    repo.unit("town", UNIT_YML.format(uid="town").replace(
        "people:", "  - {id: zcwj, title: 政策文件, category: policy, update: semiannual}\n"
                   "  - {id: zcjd, title: 政策解读, category: interpretation, update: realtime}\npeople:"))
    repo.page("town/zcwj/doc.md", "正文。\n", DOC)
    return repo


def policy(repo, front: str, rel: str = "town/zcwj/a.md"):
    return [(f.rule, f.severity, f.line) for f in findings_for(repo, "正文。\n", front, rel) if f.rule in POLICY_RULES]


def test_a_policy_document_without_validity_is_a_warning_on_its_title(county):
    assert policy(county, HEAD) == [("schema.validity-missing", "warning", 2)]
    assert policy(county, HEAD + "validity: 有效\n") == []


def test_a_doc_type_makes_a_page_a_policy_document_in_any_column(county):
    assert policy(county, HEAD + "doc_type: 行政规范性文件\n", "town/tzgg/a.md") == [
        ("schema.validity-missing", "warning", 2)]
    assert policy(county, HEAD, "town/tzgg/a.md") == []  # a notice is no policy document


def test_an_unknown_status_is_an_error_naming_the_allowed_ones(county):
    found = [f for f in findings_for(county, "正文。\n", HEAD + "validity: 作废\n", "town/zcwj/a.md")
             if f.rule == "schema.validity-status"]
    assert [(f.severity, f.line) for f in found] == [("error", 4)]
    assert "“作废”" in found[0].message and "有效、已修改、已废止、已失效" in found[0].message
    assert policy(county, HEAD + "validity:\n  status: 废止\n  date: 2026-08-01\n") == [
        ("schema.validity-status", "error", 5)]


@pytest.mark.parametrize("status", ["已修改", "已废止", "已失效"])
def test_a_document_no_longer_simply_in_force_needs_its_date(county, status):
    found = [f for f in findings_for(county, "正文。\n", HEAD + f"validity: {{status: {status}}}\n", "town/zcwj/a.md")
             if f.rule in POLICY_RULES]
    assert [(f.rule, f.severity) for f in found] == [("schema.validity-date", "error")]
    assert f"“{status}”" in found[0].message and "date: 2026-08-01" in found[0].message
    assert policy(county, HEAD + f"validity: {{status: {status}, date: 2026-08-01}}\n") == []


def test_a_date_written_wrong_is_reported_once_by_the_parser(county):
    found = findings_for(county, "正文。\n", HEAD + "validity: {status: 已废止, date: 8月1日}\n", "town/zcwj/a.md")
    assert [f.rule for f in found if f.rule.startswith("schema.")] == ["schema.date"]


def test_an_interpretation_names_its_document(county):
    assert policy(county, "title: 《某某事项的通知》解读\nformed: 2026-03-02\n", "town/zcjd/j.md") == [
        ("schema.interprets-missing", "warning", 2)]
    assert policy(county, "title: 解读\nformed: 2026-03-02\ninterprets: 测试府发〔2026〕1号\n", "town/zcjd/j.md") == []


@pytest.mark.parametrize("target", ["town/zcwj/doc.md", "content/town/zcwj/doc.md", "/town/zcwj/doc",
                                    "../zcwj/doc.md", "测试府发〔2026〕1号", "测试府发[2026]1号", "测试府发 (2026) 1号"])
def test_interprets_by_path_or_number_resolves(county, target):
    assert policy(county, f"title: 解读\nformed: 2026-03-02\ninterprets: '{target}'\n", "town/zcjd/j.md") == []


def test_a_reference_to_no_page_is_an_error_and_an_unknown_number_a_warning(county):
    front = "title: 解读\nformed: 2026-03-02\ninterprets: ../zcwj/gone.md\n"
    found = [f for f in findings_for(county, "正文。\n", front, "town/zcjd/j.md") if f.rule in POLICY_RULES]
    assert [(f.rule, f.severity, f.line) for f in found] == [("link.policy-target-missing", "error", 4)]
    assert "“interprets”" in found[0].message and "../zcwj/gone.md" in found[0].message
    front = HEAD + "validity: {status: 已废止, date: 2026-08-01, by: 渝府发〔2026〕3号}\n"
    found = [f for f in findings_for(county, "正文。\n", front, "town/zcwj/a.md") if f.rule in POLICY_RULES]
    assert [(f.rule, f.severity, f.line) for f in found] == [("link.policy-number-unknown", "warning", 4)]
    assert "“validity.by”" in found[0].message and "渝府发〔2026〕3号" in found[0].message


def test_a_path_that_leaves_content_names_no_page(county):
    assert policy(county, "title: 解读\nformed: 2026-03-02\ninterprets: ../../../../units/town.yml\n",
                  "town/zcjd/j.md") == [("link.policy-target-missing", "error", 4)]


def test_references_are_judged_again_when_the_named_page_goes_although_the_page_is_cached(county):
    """Cross-file, like internal links: the result cache keeps the page's own findings, never these."""
    county.page("town/zcjd/j.md", "解读。\n", "title: 解读\nformed: 2026-03-02\ninterprets: ../zcwj/doc.md\n")
    code, found = county.check_json()
    assert [f["rule"] for f in found if f["rule"] in POLICY_RULES] == []
    county.govsite("check")  # fills the result cache
    (county.root / "content/town/zcwj/doc.md").unlink()
    proc = county.govsite("check", "--format", "json")
    import json

    found = json.loads(proc.stdout)["findings"]
    assert [(f["path"], f["rule"]) for f in found if f["rule"] in POLICY_RULES] == [
        ("content/town/zcjd/j.md", "link.policy-target-missing")]


def test_a_county_can_make_the_missing_validity_an_error(county):
    (county.root / "site_config" / "rules").mkdir()
    (county.root / "site_config" / "rules" / "policy.yml").write_text(
        "category: schema\nrules:\n  - id: schema.validity-missing\n    kind: code\n    detector: policy.validity\n"
        "    level: error\n    message: 规范性文件须标注效力。\n    explain: 本县要求。\n", encoding="utf-8")
    assert policy(county, HEAD) == [("schema.validity-missing", "error", 2)]


def test_reference_values():
    assert is_path("office/zcwj/x.md") and is_path("x.md") and not is_path("巫山府发〔2026〕9号")
    assert number_key(" 巫山府发［2026］9号") == number_key("巫山府发〔2026〕9号")
    page = "content/office/zcjd/j.md"
    assert candidates(page, "office/zcwj/x") == ["content/office/zcwj/x.md", "content/office/zcjd/office/zcwj/x.md"]
    assert candidates(page, "../zcwj/x.md") == ["content/office/zcwj/x.md"]
    assert candidates(page, "x.md") == ["content/office/zcjd/x.md"]
    assert candidates(page, "/office/zcwj/x.md") == candidates(page, "content/office/zcwj/x.md")
    assert candidates(page, "../../../etc/passwd") == []
