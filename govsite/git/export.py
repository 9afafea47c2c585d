"""A revision's tree written to a folder as git would check it out (attributes and filters applied)."""

from __future__ import annotations

import os
from pathlib import Path

from govsite.core.errors import GovsiteError
from govsite.git import process
from govsite.git.dates import commit_timestamp


def export_tree(root: Path, rev: str, dest: Path) -> int:
    """Check out the tree of ``rev`` into the new folder ``dest`` (a temporary index beside it and
    ``checkout-index``); returns the commit time of ``rev``."""
    dest.mkdir(parents=True)
    env = {**os.environ, "GIT_INDEX_FILE": str(dest.parent / f".{dest.name}.index")}
    try:
        for args in (["read-tree", f"{rev}^{{tree}}"], ["checkout-index", "-a", "-f", f"--prefix={dest}/"]):
            process.run(root, *args, env=env)
    except GovsiteError as exc:
        raise GovsiteError(f"无法导出版本 {rev}：{exc.message}") from None
    finally:
        Path(env["GIT_INDEX_FILE"]).unlink(missing_ok=True)
    return commit_timestamp(root, rev)
