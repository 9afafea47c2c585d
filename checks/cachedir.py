"""govsite's one cache root (缓存目录): derived data kept between runs, never in the work tree.

``$GOVSITE_CACHE_DIR``, else ``$XDG_CACHE_HOME/govsite``, else ``~/.cache/govsite``. Everything there can be
thrown away: compiled rule packs and regular expressions, the typo model and its per-county automata, compiled
templates, check results. ``GOVSITE_NO_CACHE=1`` (what ``govsite --no-cache`` sets for itself and the processes
it starts) makes every cache neither read nor write; the typo model, which is built rather than cached, is
still read.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

NO_CACHE_ENV = "GOVSITE_NO_CACHE"


def user_cache_dir() -> Path:
    """The cache root."""
    env = os.environ.get("GOVSITE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "govsite"


def enabled() -> bool:
    """False when caches are switched off for this run (``govsite --no-cache``)."""
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def write_atomic(path: Path, data: bytes) -> None:
    """Write a cache file so that readers never see half of it; failures are silent (a cache is optional)."""
    if not enabled():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass


def read_pickle(path: Path) -> Any:
    """A cached object, or None when caches are off or the file is missing or unreadable."""
    if not enabled():
        return None
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - any unreadable cache is just absent
        return None
