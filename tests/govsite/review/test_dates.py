"""Publish dates come from git: the first-parent commit at which a page's current blob arrived."""

from __future__ import annotations

import datetime as dt
import subprocess

from govsite.git.dates import publish_dates


def test_publish_date_is_the_merge_that_brought_the_blob(county):
    page = county.write_page("中文 名.md")
    county.commit_all("稿件", who="liming", date="2026-11-20T09:00:00+08:00")
    county.merge(date="2026-11-25T15:30:00+08:00")
    county.git("commit", "--allow-empty", "-q", "-m", "无关提交", date="2026-11-26T08:00:00+08:00")
    dates = publish_dates(county.root)
    assert dates == {page: dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                     "content/.keep": dt.datetime(2026, 10, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))}


def test_edit_moves_the_date_and_side_branch_dates_do_not_count(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming", date="2026-11-01T09:00:00+08:00")
    county.merge(date="2026-11-02T09:00:00+08:00")
    county.git("checkout", "-q", "-b", "edit")
    county.write_page(body="修改后的正文")
    county.commit_all("修改", who="liming", date="2026-11-10T09:00:00+08:00")
    assert publish_dates(county.root)[page].day == 10   # on the branch itself, its own first-parent history
    county.merge("edit", date="2026-11-12T09:00:00+08:00")
    assert publish_dates(county.root, "main")[page].day == 12
    assert publish_dates(county.root, "main~1")[page].day == 2


def test_empty_repository_has_no_dates(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert publish_dates(tmp_path) == {}
