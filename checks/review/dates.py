"""Publish dates (发布日期) of pages, read from git — never typed by editors.

The publish date of a page is the committer date of the first commit on the published branch's
first-parent history at which the page had its current blob: the moment its approved content
reached the branch. One ``git log`` pass serves every page.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from checks.errors import GovsiteError

CONTENT = "content/"
_COMMIT_MARK = "\x01C "


def _git(root: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError as exc:  # pragma: no cover - git missing entirely
        raise GovsiteError("找不到 git 命令。请先安装 git（Debian：apt-get install git）。") from exc
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GovsiteError(
            f"读取 git 历史失败（git {' '.join(args[:2])}）：{detail[-1] if detail else '未知错误'}。"
            "请确认这是一个完整的 git 仓库，且所给的分支或提交存在。", str(root))
    return proc.stdout


def has_commits(root: Path, rev: str = "HEAD") -> bool:
    """True when ``rev`` resolves to a commit (an empty repository has none)."""
    proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                          capture_output=True, check=False)
    return proc.returncode == 0


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
    out = _git(root, "log", "--first-parent", "--diff-merges=first-parent", "--raw", "--no-renames",
               "--no-abbrev", "-z", f"--format={_COMMIT_MARK}%H %cI", rev, "--", CONTENT)
    dates: dict[str, dt.datetime] = {}
    when: dt.datetime | None = None
    fields = out.split(b"\0")
    i = 0
    n = len(fields)
    while i < n and pending:
        field = fields[i]
        i += 1
        if not field:
            continue
        text = field.decode("utf-8", "surrogateescape")
        if text.startswith("\n"):
            text = text[1:]
        if text.startswith(_COMMIT_MARK):
            # the format line may be followed by "\n\n:<raw>" in the same NUL field
            head, _, rest = text.partition("\n")
            when = dt.datetime.fromisoformat(head[len(_COMMIT_MARK):].split(" ", 1)[1])
            text = rest.lstrip("\n")
            if not text:
                continue
        if text.startswith(":"):
            meta = text[1:].split()
            path = fields[i].decode("utf-8", "surrogateescape") if i < n else ""
            i += 1
            if len(meta) >= 5 and path in pending and meta[3] == pending[path] and when is not None:
                dates[path] = when
                del pending[path]
    return dates
