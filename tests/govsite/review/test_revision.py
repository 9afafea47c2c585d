"""二审 审核、修改 (issue 13, point 10; Art. 17): a reviewer may correct the page and sign their own tier; the
earlier tiers' approvals still count for a change made only by reviewers who then sign, and the later tiers
see the diff. The author of the original text still signs 一审 only."""

from __future__ import annotations

from .conftest import failures_for, verify_repository
from .test_cli import govsite

TYPO = "大昌镇召开森林防火工作布署会。"
FIXED = "大昌镇召开森林防火工作部署会。"


def _written_and_one(county, author="liming") -> str:
    page = county.write_page(body=TYPO)
    county.commit_all("稿件", who=author)
    county.approve(author, "1", [page])
    return page


def test_a_section_head_who_corrects_a_typo_signs_two_without_help(county):
    page = county.write_page(body=TYPO)
    county.commit_all("稿件", who="liming")
    assert govsite(county, "approve", "--tier", "1", "--all-changed", who="liming", key=True).returncode == 0
    county.write_page(body=FIXED)
    county.commit_all("改正错别字", who="zhangke")
    two = govsite(county, "approve", "--tier", "2", "--all-changed", who="zhangke", key=True)
    assert two.returncode == 0, two.stderr
    status = govsite(county, "review", "status")
    assert "修改：zhangke 在一审之后修改了稿件；一审针对修改前的版本" in status.stdout
    assert f"-{TYPO}" in status.stdout and f"+{FIXED}" in status.stdout
    assert "一审：已通过 liming" in status.stdout and "二审：已通过 zhangke" in status.stdout
    assert govsite(county, "approve", "--tier", "3", "--all-changed", who="zhaozhen", key=True).returncode == 0
    assert govsite(county, "review", "status", "--strict").returncode == 0
    report = verify_repository(county.root, base="main")
    assert page in report.verified
    [rev] = report.results[page].revisions
    assert rev["tier"] == "1" and rev["by"] == ["zhangke"]


def test_the_leader_may_revise_after_two_and_both_earlier_tiers_still_count(county):
    page = _written_and_one(county)
    county.approve("zhangke", "2", [page])
    county.write_page(body=FIXED)
    county.commit_all("签发前修改", who="zhaozhen")
    county.approve("zhaozhen", "3", [page])
    report = verify_repository(county.root, base="main")
    assert page in report.verified
    assert [r["tier"] for r in report.results[page].revisions] == ["1", "2"]


def test_a_revision_by_someone_who_does_not_sign_after_it_voids_the_earlier_tier(county):
    page = _written_and_one(county)
    county.write_page(body=FIXED)
    county.commit_all("另一名信息员修改", who="sunli")
    county.approve("zhangke", "2", [page])
    county.approve("zhaozhen", "3", [page])
    report = verify_repository(county.root, base="main")
    assert page not in report.verified and report.results[page].revisions == []
    [reason] = failures_for(report, page, "1")
    assert "针对的是该稿件的另一版本内容" in reason


def test_the_original_author_still_signs_only_one(county):
    page = _written_and_one(county, author="both")  # editor and section head: wrote it, signed 一审
    county.write_page(body=FIXED)
    county.commit_all("作者自己再改", who="both")
    county.approve("both", "2", [page])
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root, base="main"), page, "2")
    assert reasons and "是这一版内容的作者" in reasons[0] and "第十七条" in reasons[0]
