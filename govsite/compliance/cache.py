"""Result cache (检查结果缓存): findings per page, keyed by the page's git blob id and everything else they
depend on (:func:`fingerprint`), in the one cache root."""

from __future__ import annotations

import functools
import hashlib
import pickle
from pathlib import Path

from checks.cachedir import read_pickle, user_cache_dir, write_atomic
from checks.findings import Finding
from checks.rules import RuleSet
from govsite.core.county import County

CACHE_FILE = "check-results"


def cache_file(root: Path) -> Path:
    """One file per repository (by its absolute path) under ``results/`` of the cache root."""
    key = hashlib.sha1(str(Path(root).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return user_cache_dir() / "results" / f"{CACHE_FILE}-{key}.pickle"


class ResultCache:
    """A whole-repository cache in one file, written atomically; a changed fingerprint empties it."""

    def __init__(self, root: Path, fingerprint: str) -> None:
        self.path = cache_file(root)
        self.fingerprint = fingerprint
        self.entries: dict[str, tuple[str, list[Finding]]] = {}
        self.dirty = False
        stored = read_pickle(self.path)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == fingerprint:
            self.entries = stored[1]

    def get(self, rel: str, blob: str) -> list[Finding] | None:
        entry = self.entries.get(rel)
        if entry is None or entry[0] != blob:
            return None
        return [Finding(**{**f.__dict__}) for f in entry[1]]

    def put(self, rel: str, blob: str, findings: list[Finding]) -> None:
        self.entries[rel] = (blob, findings)
        self.dirty = True

    def save(self) -> None:
        if self.dirty:  # a read-only cache folder still checks, just without a cache
            write_atomic(self.path, pickle.dumps((self.fingerprint, self.entries), protocol=pickle.HIGHEST_PROTOCOL))


@functools.lru_cache(maxsize=1)
def content_model_digest() -> str:
    """The content model's code (it writes the ``schema`` findings)."""
    digest = hashlib.sha1()
    core = Path(__file__).resolve().parents[1] / "core"
    for p in sorted(core.glob("*.py")):
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()


def fingerprint(project: County, ruleset: RuleSet) -> str:
    """Everything cached results depend on besides the page: the checks' code and data, the content model,
    the rule packs, the typo model and which score it uses, the county's units/ and site_config/."""
    from checks.engine import code_digest  # noqa: PLC0415
    from checks.typo import model_identity  # noqa: PLC0415

    digest = hashlib.sha1("\0".join((ruleset.fingerprint, code_digest(), content_model_digest(),
                                     model_identity())).encode())
    for folder in ("units", "site_config"):
        base = project.root / folder
        if base.is_dir():
            for p in sorted(base.rglob("*.y*ml")):
                try:
                    digest.update(p.relative_to(project.root).as_posix().encode() + b"\0" + p.read_bytes())
                except OSError:
                    pass
    return digest.hexdigest()
