"""The repository as a whole: open it (GitPython), read its configuration, and what kind of clone it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govsite.core.errors import GovsiteError
from govsite.git import process
from govsite.git.refs import has_commit


def open_repo(root: Path) -> Any:  # -> git.Repo
    """Open ``root`` with GitPython (imported lazily); a folder that is not a repository is a clear Chinese error."""
    import git as gitpython  # noqa: PLC0415 - heavy import kept off the CLI start-up path

    try:
        return gitpython.Repo(root)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError) as exc:
        raise GovsiteError("这里不是 git 仓库，无法读取或写入审核记录。请在 govsite 仓库中运行（先 git init 并提交）。",
                           str(root)) from exc


def config_value(root: Path, section: str, option: str) -> str:
    """A value of the repository's git configuration (with the user's and system's), or ''."""
    reader = open_repo(root).config_reader()
    try:
        return str(reader.get_value(section, option, default="")).strip()
    finally:
        reader.release()


def is_repository_root(root: Path) -> bool:
    """True when ``root`` itself is a git work tree with at least one commit (not a folder inside another one)."""
    return (Path(root) / ".git").exists() and has_commit(root)


def is_shallow(root: Path) -> bool:
    return process.run(root, "rev-parse", "--is-shallow-repository", check=False).strip() == b"true"


def require_full_history(root: Path) -> None:
    """Refuse a shallow clone: early approvals and publish dates would be missing."""
    if is_shallow(root):
        raise GovsiteError("这是浅克隆（shallow clone），缺少早期的审核记录和发布日期，无法核验。"
                           "请运行 git fetch --unshallow，CI 中请设置 GIT_DEPTH: \"0\"。", str(root))
