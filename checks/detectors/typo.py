"""Adapter from the typo engine (:mod:`checks.typo`) to the detector interface.

The engine is loaded once per process and seeded with the county's proper names and content/ vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.detectors.view import PageView
from checks.kinds import Hit

_ENGINES: dict[str, object] = {}


def get_engine(project) -> object | None:
    key = str(project.root)
    if key not in _ENGINES:
        try:
            from checks.typo import load_engine
        except ImportError:
            _ENGINES[key] = None
        else:
            _ENGINES[key] = load_engine(project.proper_names(), project.root / "content")
    return _ENGINES[key]


def engine(view: PageView) -> Iterator[Hit]:
    eng = get_engine(view.project)
    if eng is None:
        return
    for hit in eng.find(view.masked):  # type: ignore[attr-defined]
        yield Hit(hit.start, hit.end, hit.correct, rule=hit.rule, detail={"note": getattr(hit, "note", "")})
