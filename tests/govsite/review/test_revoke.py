"""退回 and 撤回 (issue 13, point 13): a reviewer returns a version with an opinion, which voids its approvals
and is shown to the author; a signer withdraws their own approval. Both signed, both judged by the gate."""

from __future__ import annotations

from govsite.review.trailers import format_message

from .conftest import failures_for, verify_repository
from .test_cli import govsite

OPINION = "第二段的参会人数有误，请核实后修改"


def _page_with_tier_one(county) -> str:
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    assert govsite(county, "approve", "--tier", "1", "--all-changed", who="liming", key=True).returncode == 0
    return page


def test_a_returned_version_loses_its_approvals_and_the_author_sees_the_opinion(county):
    page = _page_with_tier_one(county)
    back = govsite(county, "review", "return", "--note", OPINION, who="zhangke", key=True)
    assert back.returncode == 0, back.stderr
    assert "已退回（退回意见 " in back.stdout and page in back.stdout
    status = govsite(county, "review", "status")
    assert "退回：zhangke（退回意见 " in status.stdout and OPINION in status.stdout
    assert "请信息员按退回意见修改稿件" in status.stdout
    [reason] = failures_for(verify_repository(county.root, base="main"), page, "1")
    assert "这一版内容已被 zhangke 退回" in reason and OPINION in reason and "第十七条" in reason
    county.write_page(body="大昌镇召开森林防火工作部署会，全镇干部 86 人参加。")  # the author revises
    county.commit_all("按退回意见修改", who="liming")
    county.three_tiers([page])
    report = verify_repository(county.root, base="main")
    assert page in report.verified and report.results[page].returns == []


def test_only_a_reviewer_above_the_author_may_return_and_an_opinion_is_required(county):
    _page_with_tier_one(county)
    editor = govsite(county, "review", "return", "--note", OPINION, who="sunli", key=True)
    assert editor.returncode == 2 and "只有单位“dachang”的科室负责人、分管负责人、主要负责人可以退回稿件" in editor.stderr
    empty = govsite(county, "review", "return", "--note", " ", who="zhangke", key=True)
    assert empty.returncode == 2 and "退回须写明意见" in empty.stderr


def test_a_return_signed_by_someone_outside_the_roster_takes_nothing_back(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.three_tiers([page])
    county.sign("stranger", format_message("return", "dachang", [(page, county.blob(page))], (), note="退回"))
    county.sign("sunli", format_message("return", "dachang", [(page, county.blob(page))], (), note="退回"))
    report = verify_repository(county.root, base="main")
    assert page in report.verified and report.results[page].returns == []


def test_a_signer_withdraws_their_own_approval(county):
    page = _page_with_tier_one(county)
    assert govsite(county, "approve", "--tier", "2", "--all-changed", who="zhangke", key=True).returncode == 0
    mine = county.git("rev-parse", "HEAD")
    taken = govsite(county, "review", "withdraw", "--note", "数据待核实", who="zhangke", key=True)
    assert taken.returncode == 0, taken.stderr
    assert f"已撤回审核意见 {mine[:10]}" in taken.stdout
    [reason] = failures_for(verify_repository(county.root, base="main"), page, "2")
    assert "签署人 zhangke 已撤回这条审核意见" in reason and "数据待核实" in reason
    assert not failures_for(verify_repository(county.root, base="main"), page, "1")  # only their own
    assert govsite(county, "approve", "--tier", "2", "--all-changed", who="zhangke", key=True).returncode == 0
    assert not failures_for(verify_repository(county.root, base="main"), page, "2")


def test_nobody_withdraws_another_persons_approval(county):
    page = _page_with_tier_one(county)
    theirs = county.git("rev-parse", "HEAD")
    refused = govsite(county, "review", "withdraw", theirs, who="zhangke", key=True)
    assert refused.returncode == 2 and "不是你签署的，只能撤回自己的审核意见" in refused.stderr
    county.sign("zhangke", format_message("withdraw", "dachang", [], (), withdraws=[theirs]))  # forged by hand
    assert not failures_for(verify_repository(county.root, base="main"), page, "1")
