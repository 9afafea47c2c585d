"""Publish dates (发布日期) and update dates (更新日期) of pages, and commit times, read from git — never typed
by editors, never the clock.

A page's dates come from the published branch's first-parent history (the commits publication follows,
merges counting as the change they bring to the branch):

- **发布日期** (``published``), its first publication: the first commit at which the path appeared on the
  branch. A correction never moves it, and neither does a withdrawal followed by a re-publication;
- **更新日期** (``updated``): the commit of the latest change that brought the version the branch has now —
  the same as ``published`` for a page never corrected.

:class:`Timeline` holds that history once (one ``git log`` pass) and gives the dates of every page at any
commit (:meth:`Timeline.dates`). The portal (article pages, lists, feeds, the sitemap, the government meta
tags) and the audit (freshness counts new information by its first publication, Art. 21 timeliness, trends)
both take them from here: there is no second rule.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from govsite.core.china import china_date
from govsite.git import process
from govsite.git.history import LogEntry, first_parent_changes
from govsite.git.refs import has_commit
from govsite.git.repo import is_repository_root

CONTENT = "content/"


@dataclass(frozen=True)
class PageDates:
    """When one page reached the branch (发布日期) and when its present version did (更新日期); both
    timezone-aware committer dates."""

    published: dt.datetime
    updated: dt.datetime

    @property
    def corrected(self) -> bool:
        """Whether the page changed on a later (China) day than it was first published: the portal then shows
        an 更新日期 beside the 发布日期."""
        return china_date(self.updated) != china_date(self.published)


@dataclass
class PageState:
    """A page present at some commit: its blob there and its dates."""

    path: str
    blob: str
    dates: PageDates


@dataclass
class Timeline:
    """Commits oldest first and, per path, its changes as (commit index, blob, '' when the commit deleted it)."""

    commits: list[LogEntry] = field(default_factory=list)
    events: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def index_at(self, day: dt.date | None) -> int:
        """Index of the last commit dated on or before ``day`` (-1 if none); the newest when ``day`` is None."""
        if day is None:
            return len(self.commits) - 1
        best = -1
        for i, c in enumerate(self.commits):
            if c.when.date() <= day:
                best = i
        return best

    def snapshot(self, index: int | None = None) -> dict[str, PageState]:
        """Pages present at commit ``index`` (default: the newest) with their blobs and dates there."""
        out: dict[str, PageState] = {}
        if index is None:
            index = len(self.commits) - 1
        if index < 0:
            return out
        commits = self.commits
        for path, evs in self.events.items():
            k = bisect.bisect_right(evs, (index, "\uffff")) - 1
            if k < 0:
                continue
            ci, blob = evs[k]
            if not blob:
                continue
            # the first appearance: the first event that is not a deletion (a path's first event always is)
            first = evs[0][0] if evs[0][1] else next(i for i, b in evs if b)
            out[path] = PageState(path, blob, PageDates(commits[first].when, commits[ci].when))
        return out

    def dates(self, index: int | None = None) -> dict[str, PageDates]:
        """Path → :class:`PageDates` of every page present at commit ``index`` (default: the newest)."""
        return {path: s.dates for path, s in self.snapshot(index).items()}


def read_timeline(root: Path, rev: str = "HEAD", prefix: str = CONTENT, all_commits: bool = True) -> Timeline:
    """Read ``rev``'s first-parent history once (oldest first). ``all_commits``: also the commits that change
    nothing under ``prefix`` (the audit dates its snapshots by them); an empty timeline when ``rev`` has no
    commit."""
    hist = Timeline()
    if not has_commit(root, rev):
        return hist
    events = hist.events
    ci = -1
    for item in first_parent_changes(root, rev, prefix, oldest_first=True, all_commits=all_commits):
        if isinstance(item, LogEntry):
            hist.commits.append(item)
            ci += 1
        else:
            events.setdefault(item.path, []).append((ci, item.blob))
    return hist


def publish_dates(root: Path, rev: str = "HEAD") -> dict[str, PageDates]:
    """Path under content/ → its :class:`PageDates` on ``rev`` (one ``git log`` pass). ``{}`` for a folder
    that is no repository of its own or has no commits (callers fall back to ``formed``)."""
    root = Path(root)
    if not is_repository_root(root):
        return {}
    return read_timeline(root, rev, CONTENT, all_commits=False).dates()


def commit_timestamp(root: Path, rev: str) -> int:
    """Committer time of ``rev`` in seconds since the epoch (0 when git cannot say)."""
    out = process.run(root, "log", "-1", "--format=%ct", rev, check=False).decode().strip()
    return int(out) if out.isdigit() else 0


def head_timestamp(root: Path) -> int | None:
    """Committer time of HEAD (seconds since the epoch), or None outside a repository of its own."""
    if not is_repository_root(root):
        return None
    return commit_timestamp(root, "HEAD") or None
