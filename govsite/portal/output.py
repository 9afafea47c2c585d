"""The output directory: build into a temporary sibling, then swap it in atomically.

Scratch folders (临时目录) are named ``.govsite-<purpose>-<pid>-…`` beside the output: the repository's
``.gitignore`` covers them, and a build removes those a killed build (its process gone) left behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import tempfile
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


SCRATCH_PREFIX = ".govsite-"
_SCRATCH = re.compile(r"\.govsite-(building|index|old)-(\d+)-[^/]+")


def scratch_dir(beside: Path, purpose: str) -> Path:
    """A new scratch folder next to ``beside``, named for its purpose and this process."""
    beside.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{purpose}-{os.getpid()}-", dir=beside.parent))


def temp_dir_beside(target: Path) -> Path:
    sweep_stale(target.parent)
    return scratch_dir(target, "building")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def sweep_stale(folder: Path) -> list[Path]:
    """Remove the scratch folders of builds that were killed (their process is gone); returns them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _SCRATCH.fullmatch(entry.name)
        if m is None or not entry.is_dir(follow_symlinks=False) or _alive(int(m.group(2))):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths with renameat2(RENAME_EXCHANGE) (Linux); False if unsupported."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def replace_dir(new: Path, target: Path) -> None:
    """Make ``new`` become ``target``: readers see either the old or the new site, never a mix."""
    new.chmod(0o755)
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # ``new`` now holds the old site
        return
    old = scratch_dir(target, "old")
    os.rmdir(old)
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old)
