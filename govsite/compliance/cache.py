"""Result cache (检查结果缓存): findings per page keyed by git blob id and the rule-set fingerprint."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from checks.findings import Finding

CACHE_DIR = ".govsite-cache"
CACHE_FILE = "check-results.pickle"


def cache_dir(root: Path) -> Path:
    """Inside ``.git`` when there is one, so the cache never shows up as a change in the work tree."""
    git_dir = root / ".git"
    return git_dir / "govsite-cache" if git_dir.is_dir() else root / CACHE_DIR


class ResultCache:
    """A whole-repository cache in one file, written atomically; a stale fingerprint empties it."""

    def __init__(self, root: Path, fingerprint: str) -> None:
        self.path = cache_dir(root) / CACHE_FILE
        self.fingerprint = fingerprint
        self.entries: dict[str, tuple[str, list[Finding]]] = {}
        self.dirty = False
        try:
            with open(self.path, "rb") as fh:
                stored_fp, entries = pickle.load(fh)
            if stored_fp == fingerprint:
                self.entries = entries
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            pass  # no cache or an unreadable one: start empty

    def get(self, rel: str, blob: str) -> list[Finding] | None:
        entry = self.entries.get(rel)
        if entry is None or entry[0] != blob:
            return None
        return [Finding(**{**f.__dict__}) for f in entry[1]]

    def put(self, rel: str, blob: str, findings: list[Finding]) -> None:
        self.entries[rel] = (blob, findings)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((self.fingerprint, self.entries), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only checkout still checks, just without a cache
