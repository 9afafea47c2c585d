"""One module per ``govsite`` command: argument parsing and output only; the logic lives elsewhere."""

from __future__ import annotations

import argparse
from pathlib import Path


def open_project(args: argparse.Namespace):
    """The project named by ``--root`` or found from the current directory."""
    from govsite.core.county import County, find_root

    root = Path(args.root).resolve() if getattr(args, "root", None) else find_root()
    if not (root / "units").is_dir():
        from govsite.core.errors import GovsiteError

        raise GovsiteError(f"{root} 不是 govsite 仓库：缺少 units/ 目录。")
    return County(root)
