"""History (历史): every commit reachable from a revision, and the first-parent log of a branch.

:func:`load_history` reads all commits with their signatures (the review gate judges every approval ever
made); :func:`path_changes` lists what every commit changed under some folders; :func:`first_parent_changes`
streams a branch's own history, the one publication follows (publish dates, the audit's snapshots).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from govsite.core.errors import GovsiteError
from govsite.git import process
from govsite.git.objects import Commit, cat_batch, parse_commit
from govsite.git.repo import require_full_history

_MARK = "\x01C "


@dataclass
class History:
    """Every commit reachable from a revision, with generation numbers for ancestry tests."""

    head: str
    commits: dict[str, Commit] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # parents before children

    def first_parent_chain(self, tip: str | None = None) -> list[str]:
        """``tip`` (default: head) and its first parents, newest first."""
        chain = []
        sha: str | None = tip or self.head
        while sha is not None:
            chain.append(sha)
            c = self.commits[sha]
            sha = c.parents[0] if c.parents else None
        return chain

    def is_ancestor(self, a: str, b: str) -> bool:
        """True when ``a`` is ``b`` or an ancestor of ``b`` (walk from ``b`` pruned by generation)."""
        if a == b:
            return True
        target_gen = self.commits[a].generation
        seen = {b}
        stack = [b]
        while stack:
            c = self.commits[stack.pop()]
            for p in c.parents:
                if p == a:
                    return True
                if p not in seen and p in self.commits and self.commits[p].generation > target_gen:
                    seen.add(p)
                    stack.append(p)
        return False

    def ancestors(self, sha: str) -> set[str]:
        seen = {sha}
        stack = [sha]
        while stack:
            for p in self.commits[stack.pop()].parents:
                if p not in seen and p in self.commits:
                    seen.add(p)
                    stack.append(p)
        return seen


def load_history(root: Path, head: str) -> History:
    """Read all commits reachable from ``head`` (one rev-list and one cat-file process)."""
    require_full_history(root)
    ids = process.run(root, "rev-list", "--topo-order", "--reverse", head).decode().split()
    objects = cat_batch(root, ids)
    history = History(head=head)
    for sha in ids:
        obj = objects.get(sha)
        if obj is None or obj[0] != "commit":
            raise GovsiteError(f"提交 {sha[:10]} 在仓库中缺失或已损坏。请重新完整克隆仓库（不要用 --depth 浅克隆）。",
                               str(root))
        c = parse_commit(sha, obj[1])
        c.generation = 1 + max((history.commits[p].generation for p in c.parents if p in history.commits),
                               default=0)
        history.commits[sha] = c
        history.order.append(sha)
    return history


@dataclass(frozen=True)
class PathChange:
    """One changed path in one commit (``git log --raw``); for a merge, a path whose result differs from every
    parent (what the merge itself wrote: a conflict resolution or content slipped into it), ``old`` being the
    first parent's blob."""

    commit: str
    path: str
    old: str
    new: str
    status: str


def path_changes(root: Path, head: str, prefixes: tuple[str, ...]) -> list[PathChange]:
    """Every change under ``prefixes`` in every commit reachable from ``head``, merges included (what a merge
    wrote itself, ``--diff-merges=dense-combined``); one git process."""
    out = process.run(root, "log", "--raw", "--no-renames", "--no-abbrev", "-z", "--diff-merges=dense-combined",
                      "--format=\x01C %H", head, "--", *prefixes)
    changes: list[PathChange] = []
    fields = out.split(b"\0")
    current = ""
    i, n = 0, len(fields)
    while i < n:
        text = fields[i].decode("utf-8", "surrogateescape").lstrip("\n")
        i += 1
        if text.startswith("\x01C "):
            head_line, _, rest = text.partition("\n")
            current = head_line[3:].strip()
            text = rest.lstrip("\n")
        if text.startswith(":"):
            k = len(text) - len(text.lstrip(":"))  # one colon per parent
            meta = text[k:].split()
            path = fields[i].decode("utf-8", "surrogateescape") if i < n else ""
            i += 1
            if k == 1 and len(meta) >= 5:
                changes.append(PathChange(current, path, meta[2], meta[3], meta[4][:1]))
            elif len(meta) >= 2 * k + 2:  # a merge: k+1 modes, k+1 blobs (the parents', then the result)
                old, new = meta[k + 1], meta[2 * k + 1]
                status = "D" if set(new) == {"0"} else ("A" if set(old) == {"0"} else "M")
                changes.append(PathChange(current, path, old, new, status))
    return changes


@dataclass(frozen=True)
class LogEntry:
    """A commit of a branch's first-parent log: its id and committer date (timezone-aware)."""

    sha: str
    when: dt.datetime


@dataclass(frozen=True)
class FileChange:
    """A file the preceding :class:`LogEntry` changed: its path and new blob ('' when it deleted the file)."""

    path: str
    blob: str


def first_parent_changes(root: Path, rev: str = "HEAD", prefix: str = "content/", oldest_first: bool = False,
                         all_commits: bool = False) -> Iterator[LogEntry | FileChange]:
    """A :class:`LogEntry`, then the :class:`FileChange` s it made under ``prefix``, for each first-parent commit.

    Merges count as the change they bring to the branch (``--diff-merges=first-parent``). With
    ``all_commits`` every commit is listed, also those that touch nothing under ``prefix``.
    """
    args = ["log", "--first-parent", "--diff-merges=first-parent", "--raw", "--no-renames", "--no-abbrev", "-z"]
    if oldest_first:
        args.append("--reverse")
    out = process.run(root, *args, f"--format={_MARK}%H %cI", rev, *(() if all_commits else ("--", prefix)))
    fields = out.split(b"\0")
    i, n = 0, len(fields)
    while i < n:
        raw = fields[i]
        i += 1
        if not raw:
            continue
        text = raw.decode("utf-8", "surrogateescape").lstrip("\n")
        if text.startswith(_MARK):
            # the format line may be followed by "\n\n:<raw>" in the same NUL-separated field
            head, _, rest = text.partition("\n")
            sha, _, when = head[len(_MARK):].partition(" ")
            yield LogEntry(sha, dt.datetime.fromisoformat(when))
            text = rest.lstrip("\n")
            if not text:
                continue
        if text.startswith(":"):
            meta = text[1:].split()
            path = fields[i].decode("utf-8", "surrogateescape") if i < n else ""
            i += 1
            if len(meta) >= 5 and path.startswith(prefix):
                yield FileChange(path, "" if meta[4].startswith("D") else meta[3])
