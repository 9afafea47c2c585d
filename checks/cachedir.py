"""Where govsite keeps derived data between runs (compiled rule packs, typo model): never in the work tree."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path:
    """``$GOVSITE_CACHE_DIR``, else ``$XDG_CACHE_HOME/govsite``, else ``~/.cache/govsite``."""
    env = os.environ.get("GOVSITE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "govsite"


def write_atomic(path: Path, data: bytes) -> None:
    """Write a cache file so that readers never see half of it; failures are silent (a cache is optional)."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass
