"""Running git: ``git -C <root> <args>``, with failures as Chinese :class:`GovsiteError` (exit status 2)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from govsite.core.errors import GovsiteError


def run(root: Path, *args: str, input: bytes | None = None, check: bool = True,
        env: Mapping[str, str] | None = None) -> bytes:
    """Run ``git -C root args`` and return its standard output. With ``check``, a failure is a
    :class:`GovsiteError` naming the git command and git's last line of complaint."""
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], input=input, capture_output=True, check=False,
                              env=None if env is None else dict(env))
    except FileNotFoundError as exc:  # pragma: no cover - git missing entirely
        raise GovsiteError("找不到 git 命令。请先安装 git（Debian：apt-get install -y git）。") from exc
    if check and proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GovsiteError(
            f"git {' '.join(args[:2])} 执行失败：{detail[-1] if detail else '未知错误'}。"
            "请确认这是完整的 git 仓库（不是浅克隆，CI 中请设置 GIT_DEPTH: \"0\"），且所给的分支或提交存在。", str(root))
    return proc.stdout


def succeeds(root: Path, *args: str) -> bool:
    """Whether ``git -C root args`` exits 0 (its output is discarded)."""
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False).returncode == 0
    except FileNotFoundError:  # pragma: no cover
        return False
