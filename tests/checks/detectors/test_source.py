from tests.conftest import findings_for

FRONT = "title: 转载稿件\nformed: 2026-11-20\n"


def test_body_says_repost_but_front_matter_is_silent(repo):
    found = [f for f in findings_for(repo, "本文转载自某某公众号。\n", FRONT) if f.category == "source"]
    assert [f.rule for f in found] == ["source.repost-missing"]
    assert found[0].line == 5 and found[0].severity == "error"


def test_own_unit_as_source_is_not_a_repost(repo):
    assert not [f for f in findings_for(repo, "来源：巫山县测试镇人民政府\n", FRONT) if f.category == "source"]


def test_repost_without_url_names_the_missing_field(repo):
    found = findings_for(repo, "正文。\n", FRONT + "repost:\n  from: 新华社\n")
    f = next(f for f in found if f.rule == "source.repost-incomplete")
    assert f.line == 4 and "url" in f.message


def test_unauthoritative_source_is_a_warning(repo):
    found = findings_for(repo, "正文。\n", FRONT + "repost: {from: 某某生活号, url: 'https://www.gov.cn/a'}\n")
    f = next(f for f in found if f.rule == "source.unauthoritative")
    assert f.severity == "warning" and "某某生活号" in f.message


def test_authoritative_repost_is_clean(repo):
    found = findings_for(repo, "来源：新华社\n", FRONT + "repost: {from: 新华社, url: 'https://www.news.cn/a.htm'}\n")
    assert not [f for f in found if f.category == "source"]
