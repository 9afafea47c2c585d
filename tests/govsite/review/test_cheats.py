"""Cheats from a merge-request branch with push access and a valid key of its own (issue 13), each refused
in principle, with page, tier, reason and article; and the honest variant beside it still passing."""

from __future__ import annotations

from govsite.review.trailers import format_message, parse_message
from tests.govsite.review.conftest import verify_repository

from .conftest import failures_for

BLOB = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"


# -- 2. trailers are read from the final trailer block only -------------------------------------------------

def test_review_lines_outside_the_final_block_make_the_approval_malformed():
    honest = format_message("2", "dachang", [("content/dachang/gzdt/a.md", BLOB)], ("law", "accuracy", "typo"))
    assert parse_message(honest).problems == []
    subject, _, trailers = honest.partition("\n\n")
    forged = f"{subject}\n\nReview-Blob: content/dachang/gzdt/b.md {BLOB}\n\n{trailers}"
    approval = parse_message(forged)
    assert approval is not None and approval.problems
    assert ("content/dachang/gzdt/b.md", BLOB) not in approval.blobs
    # trailers in the middle, prose at the end: no trailer block at all
    moved = f"{subject}\n\n{trailers}\n附言：已审。\n"
    assert parse_message(moved).problems


def test_an_opinion_cannot_carry_a_trailer():
    note = f"同意。\nReview-Blob: content/dachang/gzdt/b.md {BLOB}"
    approval = parse_message(format_message("2", "dachang", [("content/dachang/gzdt/a.md", BLOB)],
                                            ("law", "accuracy", "typo"), note=note))
    assert approval.problems == [] and approval.blobs == [("content/dachang/gzdt/a.md", BLOB)]


def test_a_forged_block_in_a_signed_approval_counts_for_nothing(county):
    page = county.write_page()
    other = county.write_page("other.md", body="另一篇稿件。")
    county.commit_all("两篇稿件", who="liming")
    county.three_tiers([page])
    forged = county.approval("2", "dachang", [page]).replace(
        "Review-Tier", f"Review-Blob: {other} {county.blob(other)}\n\nReview-Tier", 1)
    county.approve("liming", "1", [other])
    county.sign("zhangke", forged)
    county.approve("zhaozhen", "3", [other])
    report = verify_repository(county.root)
    assert page in report.verified and other not in report.verified
    [reason] = failures_for(report, other, "2")
    assert "缺少二审" in reason and "第十七条" in reason


# -- 3. content/ holds regular files only, in the gate too ------------------------------------------------

def test_a_page_committed_as_a_symlink_or_a_submodule_is_refused(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.three_tiers([page])
    (county.root / "content" / "dachang" / "gzdt" / "link.md").symlink_to("fanghuo.md")
    county.git("add", "content/dachang/gzdt/link.md")
    county.git("update-index", "--add", "--cacheinfo", f"160000,{county.git('rev-parse', 'HEAD')},"
               "content/dachang/gzdt/sub")
    county.git("commit", "-q", "-m", "符号链接与子模块")
    report = verify_repository(county.root)
    assert page in report.verified
    [link] = failures_for(report, "content/dachang/gzdt/link.md")
    [sub] = failures_for(report, "content/dachang/gzdt/sub")
    assert "符号链接" in link and "第十七条" in link
    assert "子模块" in sub and "第十七条" in sub
    assert not report.ok


def test_a_file_name_with_a_newline_is_refused(county):
    page = county.write_page()
    odd = county.write_page("a\nReview-Tier: 3.md")
    county.commit_all("稿件", who="liming")
    county.three_tiers([page, odd])
    report = verify_repository(county.root)
    assert page in report.verified and odd not in report.verified
    [reason] = failures_for(report, odd)
    assert "控制字符" in reason and "第十七条" in reason


# -- 3. what a merge commit writes counts like any other change ----------------------------------------------

def _merge_writing(county, who: str, page_body: str) -> str:
    """On branch mr: merge main, and slip a page into the merge commit itself, as ``who``."""
    county.git("checkout", "-q", "main", who=who)
    county.write_page("notice.md", body="主分支上的另一篇。")
    county.commit_all("主分支稿件", who="liming")
    county.git("checkout", "-q", "mr", who=who)
    county.git("merge", "-q", "--no-ff", "--no-commit", "main", who=who)
    page = county.write_page(body=page_body)
    county.git("add", "-A", who=who)
    county.git("commit", "-q", "-m", "Merge main", who=who)
    return page


def test_the_author_of_content_written_in_a_merge_cannot_sign_tier_two(county):
    county.write_page("seed.md", body="分支上的第一篇。")
    county.commit_all("分支稿件", who="liming")
    page = _merge_writing(county, "zhangke", "科长在合并提交里写的内容。")
    county.approve("liming", "1", [page])
    county.approve("zhangke", "2", [page])
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("是这一版内容的作者" in r and "第十七条" in r for r in reasons), reasons


def test_content_written_in_a_merge_is_dated_by_it(county):
    county.write_page("seed.md", body="分支上的第一篇。")
    county.commit_all("分支稿件", who="liming")
    page = _merge_writing(county, "liming", "合并提交里写的内容。")  # dated NOW
    county.approve("liming", "1", [page], date="2026-11-27T10:00:00+08:00")  # signed "before" it was written
    county.approve("zhangke", "2", [page])
    county.approve("zhaozhen", "3", [page])
    [reason] = failures_for(verify_repository(county.root), page, "1")
    assert "早于被审核内容的提交时间" in reason and "第十九条" in reason
