"""Names to commits (分支与提交): resolving, merge bases, the target branch of a merge request, what it changes."""

from __future__ import annotations

import os
from pathlib import Path

from govsite.core.errors import GovsiteError
from govsite.git import process


def resolve(root: Path, rev: str) -> str | None:
    """Commit id of ``rev``, or None (no commits yet, unknown name)."""
    out = process.run(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    return out.decode().strip() or None


def has_commit(root: Path, rev: str = "HEAD") -> bool:
    """True when ``rev`` resolves to a commit (an empty repository has none)."""
    return process.succeeds(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")


def require_commit(root: Path, rev: str) -> str:
    """Commit id of ``rev``; a Chinese error that says what to do when there is none."""
    sha = resolve(root, rev)
    if sha is None:
        if rev == "HEAD" and not has_commit(root):
            raise GovsiteError("仓库还没有任何提交，没有可核验的内容。请先提交稿件。", str(root))
        raise GovsiteError(f"找不到分支或提交“{rev}”。请用 git branch -a 查看名称，或先 git fetch。", str(root))
    return sha


def merge_base(root: Path, a: str, b: str) -> str | None:
    return process.run(root, "merge-base", a, b, check=False).decode().strip() or None


def default_base(root: Path) -> str:
    """The branch a merge request targets: the forge's merge-request variables, else origin/main, main, …"""
    target = os.environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
    candidates = [f"origin/{target}", target] if target else []
    candidates = [os.environ.get("GOVSITE_BASE") or "", *candidates,
                  os.environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA") or "", "origin/main", "main", "origin/master", "master"]
    for name in candidates:
        if name and resolve(root, name):
            return name
    raise GovsiteError("找不到比较基准分支（origin/main 或 main）。请用 --base 指定合并请求的目标分支，例如 --base origin/main。")


REVIEWED = ("content/", "units/", "site_config/")  # what a merge request's approvals cover


def changed_paths(root: Path, base: str, head: str = "HEAD", prefixes: tuple[str, ...] = REVIEWED
                  ) -> dict[str, str]:
    """Path → status (A/M/D/T) under ``prefixes`` between the merge base of ``base`` and ``head``, and ``head``."""
    mb = merge_base(root, require_commit(root, base), require_commit(root, head))
    if mb is None:
        raise GovsiteError(f"当前分支与 {base} 没有共同历史，无法确定本次合并请求改了哪些稿件。")
    out = process.run(root, "diff", "--name-status", "--no-renames", "-z", mb, head, "--", *prefixes)
    parts = out.decode("utf-8", "surrogateescape").split("\0")
    return {parts[i + 1]: parts[i] for i in range(0, len(parts) - 1, 2) if parts[i]}


def changed_files(root: Path, base: str, follow: bool = True) -> list[Path]:
    """Files changed against ``base`` (committed, staged or not) plus untracked ones, that still exist
    (``follow=False``: also symbolic links and other entries that are not regular files, for the caller to refuse)."""
    if resolve(root, base) is None:
        raise GovsiteError(f"基准“{base}”不是有效的 git 提交或分支。请用 --base 指定正确的分支。")
    mb = merge_base(root, base, "HEAD") or base
    names = process.run(root, "diff", "--name-only", "-z", "--diff-filter=ACMRT", mb).decode(
        "utf-8", "surrogateescape").split("\0")
    names += process.run(root, "ls-files", "--others", "--exclude-standard", "-z").decode(
        "utf-8", "surrogateescape").split("\0")
    import os  # noqa: PLC0415

    keep = (lambda p: p.is_file()) if follow else (lambda p: os.path.lexists(p) and not p.is_dir())
    return [root / n for n in sorted(set(filter(None, names))) if keep(root / n)]


def first_parent_root(root: Path, rev: str) -> str:
    """The first commit of ``rev``'s first-parent history (other parentless commits it grew from were
    merged in from unrelated histories)."""
    out = process.run(root, "rev-list", "--first-parent", "--max-parents=0", rev, check=False).decode().split()
    return out[-1] if out else rev
