"""Publish dates (发布日期) of pages and commit times, read from git — never typed by editors.

The publish date of a page is the committer date of the first commit on the published branch's
first-parent history at which the page had its current blob: the moment its approved content
reached the branch. One ``git log`` pass serves every page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from govsite.git import process
from govsite.git.history import LogEntry, first_parent_changes
from govsite.git.objects import tree_blobs
from govsite.git.refs import has_commit
from govsite.git.repo import is_repository_root

CONTENT = "content/"


def publish_dates(root: Path, rev: str = "HEAD") -> dict[str, dt.datetime]:
    """Path under content/ → committer date (timezone-aware) at which its current blob reached ``rev``.

    Walks ``rev``'s first-parent history once, newest first; for each path the last change that
    produced its current blob is the arrival. ``{}`` for a folder that is no repository of its own or has no
    commits (callers fall back to ``formed``).
    """
    root = Path(root)
    if not is_repository_root(root) or not has_commit(root, rev):
        return {}
    pending = tree_blobs(root, rev, CONTENT)
    if not pending:
        return {}
    dates: dict[str, dt.datetime] = {}
    when: dt.datetime | None = None
    for item in first_parent_changes(root, rev, CONTENT):
        if isinstance(item, LogEntry):
            when = item.when
        elif pending.get(item.path) == item.blob and when is not None:
            dates[item.path] = when
            del pending[item.path]
            if not pending:
                break
    return dates


def commit_timestamp(root: Path, rev: str) -> int:
    """Committer time of ``rev`` in seconds since the epoch (0 when git cannot say)."""
    out = process.run(root, "log", "-1", "--format=%ct", rev, check=False).decode().strip()
    return int(out) if out.isdigit() else 0


def head_timestamp(root: Path) -> int | None:
    """Committer time of HEAD (seconds since the epoch), or None outside a repository of its own."""
    if not is_repository_root(root):
        return None
    return commit_timestamp(root, "HEAD") or None
