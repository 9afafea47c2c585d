"""One pass over a branch's first-parent history: which commit changed which file to which blob, and when.

Publish dates (review) and the audit's history both read this stream, so git is asked once per command
rather than once per file.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from govsite.core.errors import GovsiteError

_MARK = "\x01C "


def run_git(root: Path, *args: str) -> bytes:
    """Run git in ``root``; failures become a Chinese :class:`GovsiteError` (exit 2)."""
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError as exc:  # pragma: no cover - git missing entirely
        raise GovsiteError("找不到 git 命令。请先安装 git（Debian：apt-get install git）。") from exc
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GovsiteError(
            f"读取 git 历史失败（git {' '.join(args[:2])}）：{detail[-1] if detail else '未知错误'}。"
            "请确认这是一个完整的 git 仓库（CI 中请设置 fetch-depth: 0），且所给的分支或提交存在。", str(root))
    return proc.stdout


def has_commit(root: Path, rev: str = "HEAD") -> bool:
    """True when ``rev`` resolves to a commit (an empty repository has none)."""
    proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                          capture_output=True, check=False)
    return proc.returncode == 0


@dataclass(frozen=True)
class Commit:
    sha: str
    when: dt.datetime   # committer date, timezone-aware


@dataclass(frozen=True)
class Change:
    path: str
    blob: str           # "" when the change deletes the file


def first_parent_changes(root: Path, rev: str = "HEAD", prefix: str = "content/", oldest_first: bool = False,
                         all_commits: bool = False) -> Iterator[Commit | Change]:
    """A :class:`Commit`, then the :class:`Change` s it made under ``prefix``, for each first-parent commit.

    Merges count as the change they bring to the branch (``--diff-merges=first-parent``). With
    ``all_commits`` every commit is listed, also those that touch nothing under ``prefix``.
    """
    args = ["log", "--first-parent", "--diff-merges=first-parent", "--raw", "--no-renames", "--no-abbrev", "-z"]
    if oldest_first:
        args.append("--reverse")
    out = run_git(root, *args, f"--format={_MARK}%H %cI", rev, *(() if all_commits else ("--", prefix)))
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
            yield Commit(sha, dt.datetime.fromisoformat(when))
            text = rest.lstrip("\n")
            if not text:
                continue
        if text.startswith(":"):
            meta = text[1:].split()
            path = fields[i].decode("utf-8", "surrogateescape") if i < n else ""
            i += 1
            if len(meta) >= 5 and path.startswith(prefix):
                yield Change(path, "" if meta[4].startswith("D") else meta[3])
