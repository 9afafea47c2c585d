"""The published branch as a timeline (时间线): every page's blobs and when they arrived, from one pass over
its first-parent history.

From it any date's state is cheap: which pages existed at the last commit on or before that date,
with which blob, and the publish date of that blob (the commit that brought it — the same rule as
``govsite.git.dates.publish_dates``). The audit uses it for ``--as-of``, trends and pages per month.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from govsite.git.history import LogEntry, first_parent_changes
from govsite.git.refs import has_commit


@dataclass
class PageState:
    path: str
    blob: str
    published: dt.datetime


@dataclass
class Timeline:
    """Commits oldest first and, per path under content/, its changes as (commit index, blob or '')."""

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

    def snapshot(self, index: int) -> dict[str, PageState]:
        """Pages present at commit ``index`` with their publish dates."""
        out: dict[str, PageState] = {}
        if index < 0:
            return out
        for path, evs in self.events.items():
            k = bisect.bisect_right(evs, (index, "\uffff")) - 1
            if k < 0:
                continue
            ci, blob = evs[k]
            if blob:
                out[path] = PageState(path, blob, self.commits[ci].when)
        return out

    def first_added(self) -> dict[str, dt.datetime]:
        """Path → date it first appeared (pages per month)."""
        return {p: self.commits[evs[0][0]].when for p, evs in self.events.items() if evs and evs[0][1]}


def read_timeline(root: Path, rev: str = "HEAD", prefix: str = "content/") -> Timeline:
    """Read ``rev``'s first-parent history once (oldest first)."""
    hist = Timeline()
    if not has_commit(root, rev):
        return hist
    events = hist.events
    ci = -1
    for item in first_parent_changes(root, rev, prefix, oldest_first=True, all_commits=True):
        if isinstance(item, LogEntry):
            hist.commits.append(item)
            ci += 1
        else:
            events.setdefault(item.path, []).append((ci, item.blob))
    return hist
