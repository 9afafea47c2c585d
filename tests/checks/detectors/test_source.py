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


# -- WeChat articles (issue 19): a repost with a source, not an advert ------------------------------------
WECHAT = "详见[原文](https://mp.weixin.qq.com/s/AbCdEf123456)。\n"


def _unit_with_account(repo, name="巫山测试"):
    from tests.conftest import UNIT_YML

    repo.unit("town", UNIT_YML.format(uid="town") + f"new_media:\n  - platform: 微信公众号\n    name: {name}\n"
              "    account: wstest\n    approval: 巫山府办函〔2023〕15号\n    opened: 2023-03-01\n")


def test_an_article_of_the_units_own_account_is_clean(repo):
    _unit_with_account(repo)
    found = findings_for(repo, WECHAT, FRONT + "repost: {from: 巫山测试, url: 'https://mp.weixin.qq.com/s/AbCdEf123456'}\n")
    assert not [f for f in found if f.category in ("source", "ad")], found


def test_an_article_of_an_authoritative_account_is_clean(repo):
    found = findings_for(repo, WECHAT, FRONT + "repost: {from: 人民日报, url: 'https://mp.weixin.qq.com/s/AbCdEf123456'}\n")
    assert not [f for f in found if f.category in ("source", "ad")], found


def test_a_county_can_list_an_account_and_its_biz_id(repo):
    (repo.root / "site_config" / "lists").mkdir()
    (repo.root / "site_config" / "lists" / "sources.yml").write_text(
        "wechat_accounts:\n  - {name: 巫山文旅, biz: MzA5NDY2OTQ1Mg==}\n", encoding="utf-8")
    by_biz = findings_for(repo, "详见[原文](https://mp.weixin.qq.com/s?__biz=MzA5NDY2OTQ1Mg==&mid=1)。\n", FRONT)
    assert not [f for f in by_biz if f.category in ("source", "ad")], by_biz
    by_name = findings_for(repo, WECHAT, FRONT + "repost: {from: 巫山文旅, url: 'https://mp.weixin.qq.com/s/AbCdEf123456'}\n")
    assert not [f for f in by_name if f.category in ("source", "ad")], by_name


def test_an_unknown_account_is_a_warning_for_the_section_head_not_an_advert(repo):
    found = findings_for(repo, WECHAT, FRONT + "repost: {from: 某某生活圈, url: 'https://mp.weixin.qq.com/s/AbCdEf123456'}\n")
    assert not [f for f in found if f.category == "ad"]
    [f] = [f for f in found if f.rule == "source.wechat-account"]
    assert f.severity == "warning" and "“某某生活圈”" in f.message and "科室负责人" in f.message
    assert f.line == 6


def test_an_article_linked_without_naming_its_account_asks_for_the_name(repo):
    [f] = [f for f in findings_for(repo, WECHAT, FRONT) if f.category in ("source", "ad")]
    assert f.rule == "source.wechat-account" and "未写明公众号名称" in f.message and "repost.from" in f.message
