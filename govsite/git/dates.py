"""Publish dates (发布日期) of pages, read from git — never typed by editors.

The publish date of a page is the committer date of the first commit on the published branch's
first-parent history at which the page had its current blob: the moment its approved content
reached the branch. One ``git log`` pass serves every page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from govsite.git.log import Commit, first_parent_changes, has_commit, run_git

CONTENT = "content/"


def _git(root: Path, *args: str) -> bytes:
    return run_git(root, *args)


def has_commits(root: Path, rev: str = "HEAD") -> bool:
    """True when ``rev`` resolves to a commit (an empty repository has none)."""
    return has_commit(root, rev)


def current_blobs(root: Path, rev: str = "HEAD", prefix: str = CONTENT) -> dict[str, str]:
    """Path → blob id for every file under ``prefix`` at ``rev``."""
    out = _git(root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", prefix)
    blobs: dict[str, str] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob":
            blobs[path.decode("utf-8", "surrogateescape")] = parts[2].decode()
    return blobs


def publish_dates(root: Path, rev: str = "HEAD") -> dict[str, dt.datetime]:
    """Path under content/ → committer date (timezone-aware) at which its current blob reached ``rev``.

    Walks ``rev``'s first-parent history once, newest first; for each path the last change that
    produced its current blob is the arrival. ``{}`` for a repository without commits.
    """
    root = Path(root)
    if not has_commits(root, rev):
        return {}
    pending = current_blobs(root, rev)
    if not pending:
        return {}
    dates: dict[str, dt.datetime] = {}
    when: dt.datetime | None = None
    for item in first_parent_changes(root, rev, CONTENT):
        if isinstance(item, Commit):
            when = item.when
        elif pending.get(item.path) == item.blob and when is not None:
            dates[item.path] = when
            del pending[item.path]
            if not pending:
                break
    return dates


def is_repository_root(root: Path) -> bool:
    """True when ``root`` itself is a git work tree with at least one commit (not a folder inside another one)."""
    return (Path(root) / ".git").exists() and has_commit(root)


def head_timestamp(root: Path) -> int | None:
    """Committer time of HEAD (seconds since the epoch), or None outside git."""
    if not is_repository_root(root):
        return None
    out = run_git(root, "log", "-1", "--format=%ct", "HEAD").decode().strip()
    return int(out) if out.isdigit() else None
