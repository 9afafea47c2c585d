from tests.conftest import findings_for


def test_halfwidth_punctuation_between_chinese_with_fullwidth_suggestion(repo):
    found = [f for f in findings_for(repo, "会议强调,要抓好落实;确保安全.\n") if f.rule == "norm.halfwidth-punctuation"]
    assert [(f.column, f.end_column, f.suggestion) for f in found] == [(5, 6, "，"), (11, 12, "；")]


def test_halfwidth_parentheses_around_chinese(repo):
    found = [f for f in findings_for(repo, "国内生产总值(GDP)增长6%。\n") if f.rule == "norm.halfwidth-punctuation"]
    assert found and found[0].suggestion == "（GDP）"


def test_times_urls_and_numbers_are_not_punctuation_errors(repo):
    body = "办公时间9:00—12:00，网址 https://www.gov.cn/a,b 。共1,200人。\n"
    assert not [f for f in findings_for(repo, body) if f.rule == "norm.halfwidth-punctuation"]


def test_image_without_alt_text(repo):
    found = [f for f in findings_for(repo, "![](files/a.png)\n\n![会场](files/b.png)\n") if f.rule == "norm.image-alt"]
    assert [f.line for f in found] == [5]
