"""Small git helpers over the ``git`` command (GitPython is used where history is walked at scale)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from govsite.core.errors import GovsiteError


def git(root: Path, *args: str, check: bool = True) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8",
                              errors="replace")
    except FileNotFoundError:
        raise GovsiteError("找不到 git 命令。请先安装 git（apt-get install -y git）。") from None
    if check and proc.returncode != 0:
        raise GovsiteError(f"git {' '.join(args)} 执行失败：{proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def default_base(root: Path) -> str:
    """The ref a merge request is compared with: the forge's diff base, else origin/main, else main."""
    for env in ("GOVSITE_BASE", "CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        if os.environ.get(env):
            return os.environ[env]
    for ref in ("origin/main", "main", "origin/master", "master"):
        if git(root, "rev-parse", "--verify", "--quiet", ref + "^{commit}", check=False).strip():
            return ref
    raise GovsiteError("找不到比较基准分支（origin/main 或 main）。请用 --base 指定，例如 --base origin/main。")


def changed_files(root: Path, base: str) -> list[Path]:
    """Files changed against ``base`` (committed, staged or not) plus untracked ones, that still exist."""
    if not git(root, "rev-parse", "--verify", "--quiet", base + "^{commit}", check=False).strip():
        raise GovsiteError(f"基准“{base}”不是有效的 git 提交或分支。请用 --base 指定正确的分支。")
    merge_base = git(root, "merge-base", base, "HEAD", check=False).strip() or base
    names = git(root, "diff", "--name-only", "-z", "--diff-filter=ACMRT", merge_base).split("\0")
    names += git(root, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    out = []
    for name in sorted(set(n for n in names if n)):
        p = root / name
        if p.is_file():
            out.append(p)
    return out
