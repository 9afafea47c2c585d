"""One pass over the published branch's first-parent history: every page's blobs and when they arrived.

From it any date's state is cheap: which pages existed at the last commit on or before that date,
with which blob, and the publish date of that blob (the commit that brought it — the same rule as
``govsite.git.dates.publish_dates``). The audit uses it for ``--as-of``, trends and pages per month.
"""

from __future__ import annotations

import bisect
import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from govsite.git import log as gitlog
from govsite.git.log import first_parent_changes, has_commit, run_git



@dataclass(frozen=True)
class Commit:
    sha: str
    when: dt.datetime


@dataclass
class PageState:
    path: str
    blob: str
    published: dt.datetime


@dataclass
class History:
    """Commits oldest first and, per path under content/, its changes as (commit index, blob or '')."""

    commits: list[Commit] = field(default_factory=list)
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


def is_repository(root: Path, rev: str = "HEAD") -> bool:
    return has_commit(root, rev)


def read_history(root: Path, rev: str = "HEAD", prefix: str = "content/") -> History:
    """Read ``rev``'s first-parent history once (oldest first)."""
    hist = History()
    if not is_repository(root, rev):
        return hist
    events = hist.events
    ci = -1
    for item in first_parent_changes(root, rev, prefix, oldest_first=True, all_commits=True):
        if isinstance(item, gitlog.Commit):
            hist.commits.append(Commit(item.sha, item.when))
            ci += 1
        else:
            events.setdefault(item.path, []).append((ci, item.blob))
    return hist


def read_blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """Blob id → content, in one ``git cat-file --batch`` call."""
    if not blobs:
        return {}
    unique = list(dict.fromkeys(blobs))
    proc = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], input="\n".join(unique).encode() + b"\n",
                          capture_output=True, check=False)
    data = proc.stdout
    out: dict[str, bytes] = {}
    pos = 0
    for sha in unique:
        nl = data.find(b"\n", pos)
        if nl < 0:
            break
        header = data[pos:nl].split()
        pos = nl + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        out[sha] = data[pos:pos + size]
        pos += size + 1
    return out


def tree_files(root: Path, sha: str, prefix: str) -> dict[str, str]:
    """Path → blob under ``prefix`` at commit ``sha``."""
    out = run_git(root, "ls-tree", "-r", "-z", "--full-tree", sha, "--", prefix)
    files: dict[str, str] = {}
    for entry in out.split(b"\0"):
        meta, _, path = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob":
            files[path.decode("utf-8", "surrogateescape")] = parts[2].decode()
    return files
