"""Adapter from the typo engine (:mod:`checks.typo`) to the detector interface.

The engine is loaded once per process and county (a memory of this module: the model is read-only once
loaded) and seeded with the county's proper names and the vocabulary of its pages.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.context import CheckContext
from checks.detectors.view import PageView
from checks.kinds import Hit

_ENGINES: dict[str, object] = {}


def get_engine(context: CheckContext) -> object | None:
    """The engine for one county, loaded once per process (its model takes a third of a second)."""
    key = context.key
    if key not in _ENGINES:
        try:
            from checks.typo import load_engine
        except ImportError:
            _ENGINES[key] = None
        else:
            groups = [str(g) for g in context.lists.get("lookalikes", []) if g]
            _ENGINES[key] = load_engine(context.proper_names, context.content_dir, groups)
    return _ENGINES[key]


def engine(view: PageView) -> Iterator[Hit]:
    eng = get_engine(view.context)
    if eng is None:
        return
    for hit in eng.find(view.masked):  # type: ignore[attr-defined]
        yield Hit(hit.start, hit.end, hit.correct, rule=hit.rule, detail={"note": getattr(hit, "note", "")})
