import datetime as dt

from govsite.core.pages import parse_page, split_front_matter
from govsite.core.units import parse_unit
from tests.conftest import UNIT_YML

UNITS = {"town": parse_unit(UNIT_YML.format(uid="town"), "units/town.yml", "town")[0],
         "fgw": parse_unit(UNIT_YML.format(uid="fgw"), "units/fgw.yml", "fgw")[0]}


def _parse(front: str, rel: str = "content/town/gzdt/a.md", body: str = "正文\n"):
    return parse_page(rel, f"---\n{front}---\n{body}", UNITS)


def test_full_front_matter():
    page, problems = _parse("title: 标题\nformed: 2026-11-20\nmajor: true\nco_units: [fgw]\n"
                            "repost: {from: 新华社, url: 'https://www.news.cn/a.htm'}\n")
    assert problems == []
    assert page.formed == dt.date(2026, 11, 20) and page.major and page.co_units == ("fgw",)
    assert page.repost.from_ == "新华社"
    assert page.source == "巫山县测试镇人民政府"  # defaults to the unit's name
    assert page.body == "正文\n"


def test_unknown_key_bad_date_and_wrong_type_name_their_lines():
    _, problems = _parse("title: 标题\nformed: 2026-13-01\nmajr: true\nco_units: 5\n")
    by_rule = {p.rule: p for p in problems}
    assert by_rule["schema.date"].line == 3
    assert by_rule["schema.unknown-key"].line == 4 and "majr" in by_rule["schema.unknown-key"].message
    assert by_rule["schema.type"].line == 5


def test_not_for_disclosure_is_an_error():
    _, problems = _parse("title: 标题\nformed: 2026-11-20\ndisclosure: 不予公开\n")
    assert any(p.rule == "schema.not-for-disclosure" and p.line == 4 for p in problems)


def test_unknown_column_and_contradicting_unit():
    _, problems = _parse("title: 标题\nformed: 2026-11-20\nunit: fgw\n", rel="content/town/nope/a.md")
    rules = {p.rule for p in problems}
    assert {"schema.unknown-column", "schema.contradiction"} <= rules


def test_unknown_unit():
    _, problems = _parse("title: 标题\nformed: 2026-11-20\n", rel="content/ghost/gzdt/a.md")
    assert [p.rule for p in problems] == ["schema.unknown-unit"]


def test_missing_and_unclosed_front_matter():
    _, problems = parse_page("content/town/gzdt/a.md", "正文\n", UNITS)
    assert problems[0].rule == "schema.front-matter"
    assert split_front_matter("---\ntitle: x\n")[2] == -1
    _, problems = parse_page("content/town/gzdt/a.md", "---\ntitle: x\n", UNITS)
    assert "结束" in problems[0].message


def test_front_matter_fences_may_carry_trailing_blanks():
    page, problems = parse_page("content/town/gzdt/a.md", "--- \ntitle: 标题\nformed: 2026-11-20\n---\t\n正文\n", UNITS)
    assert page.title == "标题" and page.body == "正文\n" and problems == []


def test_major_other_than_true_or_false_is_major_and_reported():
    page, problems = _parse("title: 标题\nformed: 2026-11-20\nmajor: 'yes'\n")
    assert page.major is True
    assert [p.rule for p in problems] == ["schema.type"]
    page, problems = _parse("title: 标题\nformed: 2026-11-20\nmajor: false\n")
    assert page.major is False and problems == []


def test_an_unknown_co_unit_is_kept_so_its_consent_is_still_required():
    page, problems = _parse("title: 标题\nformed: 2026-11-20\nco_units: [nowhere]\n")
    assert page.co_units == ("nowhere",) and [p.rule for p in problems] == ["schema.unknown-unit"]


def test_a_key_written_twice_is_reported_where_the_second_stands():
    page, problems = _parse("title: 第一个\nformed: 2026-11-20\ntitle: 第二个\n")
    [dup] = [p for p in problems if p.rule == "schema.duplicate-key"]
    assert dup.line == 4 and "第 2 行和第 4 行" in dup.message and page.title == "第二个"


def test_an_oversized_field_is_reported_not_taken_silently():
    page, problems = _parse(f"title: {'长' * 200_000}\nformed: 2026-11-20\n")
    assert [p.rule for p in problems] == ["schema.too-long"] and "200000" in problems[0].message


def test_validity_shorthand_and_mapping():
    page, problems = _parse("title: 标题\nformed: 2026-03-01\ndoc_type: 行政规范性文件\nvalidity: 有效\n")
    assert problems == [] and page.doc_type == "行政规范性文件" and page.validity.in_force
    page, problems = _parse("title: 标题\nformed: 2026-03-01\ndoc_type: 规章\n"
                            "validity: {status: 已废止, date: 2026-08-01, by: 巫山府发〔2026〕9号}\n")
    assert problems == [] and not page.validity.in_force
    assert (page.validity.date, page.validity.by) == (dt.date(2026, 8, 1), "巫山府发〔2026〕9号")


def test_validity_and_doc_type_mistakes_say_what_is_allowed():
    _, problems = _parse("title: 标题\nformed: 2026-03-01\ndoc_type: 通知\nvalidity: {status: 作废, when: 1}\n")
    messages = " ".join(p.message for p in problems)
    assert "规章、行政规范性文件、其他政策文件" in messages
    assert "“when”" in messages and "status、date、by" in messages


def test_validity_status_and_date_are_read_as_written_for_the_checks_to_judge():
    # whether the status is allowed and the date is there are rules (schema.validity-status, -date)
    page, problems = _parse("title: 标题\nformed: 2026-03-01\nvalidity: {status: 作废}\n")
    assert problems == [] and page.validity.status == "作废" and not page.validity.known
    page, problems = _parse("title: 标题\nformed: 2026-03-01\nvalidity: {status: 已废止}\n")
    assert problems == [] and page.validity.known and page.validity.date is None
    _, problems = _parse("title: 标题\nformed: 2026-03-01\nvalidity: {status: 已废止, date: 8月1日}\n")
    assert [p.rule for p in problems] == ["schema.date"] and "YYYY-MM-DD" in problems[0].message
    _, problems = _parse("title: 标题\nformed: 2026-03-01\nvalidity: [有效]\n")
    assert [p.rule for p in problems] == ["schema.type"] and "有效、已修改、已废止、已失效" in problems[0].message


def test_interprets_names_the_document_by_path_or_number():
    page, problems = _parse("title: 解读\nformed: 2026-03-02\ninterprets: ' 巫山府发〔2026〕9号 '\n")
    assert problems == [] and page.interprets == "巫山府发〔2026〕9号"
    _, problems = _parse("title: 解读\nformed: 2026-03-02\ninterprets: [a, b]\n")
    assert [p.rule for p in problems] == ["schema.type"]
