"""Publish dates come from git: 发布日期 is the first-parent commit at which a page first arrived, 更新日期 the one
that brought its current blob; a correction moves the second only."""

from __future__ import annotations

import datetime as dt
import subprocess

from govsite.git.dates import PageDates, publish_dates

CST = dt.timezone(dt.timedelta(hours=8))


def test_publish_date_is_the_merge_that_brought_the_blob(county):
    page = county.write_page("中文 名.md")
    county.commit_all("稿件", who="liming", date="2026-11-20T09:00:00+08:00")
    county.merge(date="2026-11-25T15:30:00+08:00")
    county.git("commit", "--allow-empty", "-q", "-m", "无关提交", date="2026-11-26T08:00:00+08:00")
    dates = publish_dates(county.root)
    merged, keep = dt.datetime(2026, 11, 25, 15, 30, tzinfo=CST), dt.datetime(2026, 10, 2, 9, 0, tzinfo=CST)
    assert dates == {page: PageDates(merged, merged), "content/.keep": PageDates(keep, keep)}
    assert not dates[page].corrected


def test_an_edit_moves_the_update_date_only_and_side_branch_dates_do_not_count(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming", date="2026-11-01T09:00:00+08:00")
    county.merge(date="2026-11-02T09:00:00+08:00")
    county.git("checkout", "-q", "-b", "edit")
    county.write_page(body="修改后的正文")
    county.commit_all("修改", who="liming", date="2026-11-10T09:00:00+08:00")
    on_edit = publish_dates(county.root)[page]  # on the branch itself, its own first-parent history
    assert (on_edit.published.day, on_edit.updated.day) == (2, 10)
    county.merge("edit", date="2026-11-12T09:00:00+08:00")
    merged = publish_dates(county.root, "main")[page]
    assert (merged.published.day, merged.updated.day, merged.corrected) == (2, 12, True)
    before = publish_dates(county.root, "main~1")[page]
    assert (before.published.day, before.updated.day, before.corrected) == (2, 2, False)


def test_empty_repository_has_no_dates(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert publish_dates(tmp_path) == {}
