"""The shared repository (远程仓库): pushing a branch and fetching what others pushed meanwhile.

Git's own complaints are English; :func:`push` classifies them, so the commands can say in Chinese what
happened (someone pushed first, no permission, no network) and what to do.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from govsite.core.errors import GovsiteError
from govsite.git import process


@dataclass(frozen=True)
class PushOutcome:
    """``ok``; else ``why``: "behind" (someone pushed first), "denied", "offline" or "other"; git's words."""

    ok: bool
    why: str = ""
    detail: str = ""


def current_branch(root: Path) -> str:
    return process.run(root, "symbolic-ref", "--short", "-q", "HEAD", check=False).decode().strip()


def upstream(root: Path) -> tuple[str, str] | None:
    """(remote, branch) the current branch pushes to, or None when it has no upstream."""
    out = process.run(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False)
    name = out.decode().strip()
    if "/" not in name:
        return None
    remote, branch = name.split("/", 1)
    return remote, branch


def push(root: Path, remote: str, branch: str, set_upstream: bool = False) -> PushOutcome:
    args = ["git", "-C", str(root), "push", "--porcelain", *(["-u"] if set_upstream else []), remote,
            f"HEAD:refs/heads/{branch}"]
    proc = subprocess.run(args, capture_output=True, check=False, env={**_env(), "LC_ALL": "C"})
    if proc.returncode == 0:
        return PushOutcome(True)
    return classify((proc.stdout + proc.stderr).decode("utf-8", "replace"))


def classify(text: str) -> PushOutcome:
    """What git's complaint about a refused push means."""
    low = text.lower()
    if "[rejected]" in low or "non-fast-forward" in low or "fetch first" in low or "stale info" in low:
        why = "behind"
    elif "permission" in low or "denied" in low or "protected" in low or "authentication" in low:
        why = "denied"
    elif "could not resolve" in low or "unable to access" in low or "connection" in low or "timed out" in low:
        why = "offline"
    else:
        why = "other"
    return PushOutcome(False, why, text.strip().splitlines()[-1] if text.strip() else "")


def fetch(root: Path, remote: str, branch: str) -> str | None:
    """Fetch ``branch`` from ``remote``; its tip, or None when it cannot be fetched."""
    proc = subprocess.run(["git", "-C", str(root), "fetch", "-q", remote, f"refs/heads/{branch}"],
                          capture_output=True, check=False)
    if proc.returncode != 0:
        return None
    return process.run(root, "rev-parse", "FETCH_HEAD", check=False).decode().strip() or None


def is_ancestor(root: Path, a: str, b: str) -> bool:
    return process.succeeds(root, "merge-base", "--is-ancestor", a, b)


def drop_to(root: Path, to: str) -> None:
    """Point the current branch back at ``to``, an ancestor, keeping the index and the working tree: the
    commits dropped are approvals, empty commits with no file changes of their own."""
    process.run(root, "reset", "-q", "--soft", to)


def fast_forward(root: Path, to: str) -> bool:
    """Bring the current branch (and the working tree) forward to ``to``; False when it is not a fast-forward
    or local edits are in the way."""
    return process.succeeds(root, "merge", "--ff-only", "-q", to)


def _env() -> dict[str, str]:
    import os  # noqa: PLC0415

    return dict(os.environ)


def clone(url: str, dest: Path) -> None:
    """A full clone of ``url`` into ``dest`` (the audit reads the whole history: never a shallow one)."""
    try:
        proc = subprocess.run(["git", "clone", "--quiet", "--no-tags", "--", url, str(dest)], capture_output=True,
                              check=False, env={**_env(), "GIT_TERMINAL_PROMPT": "0"})
    except FileNotFoundError as exc:  # pragma: no cover - git missing entirely
        raise GovsiteError("找不到 git 命令。请先安装 git（Debian：apt-get install -y git）。") from exc
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GovsiteError(f"无法克隆仓库 {url}：{detail[-1] if detail else '未知错误'}。请核对地址，并确认本机有读取该仓库的权限"
                           "（CI 中可用作业令牌或部署密钥）。")
