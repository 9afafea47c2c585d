"""Literal gates for regex rules: the strings of which at least one must occur for a pattern to match.

Most pages contain none of a rule's trigger words, so a regex whose gate literals are absent is never run.
The gate literals join the term automaton, which already makes one pass over the page.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}


def _best(options: list[list[str]]) -> list[str] | None:
    """The alternative set whose shortest literal is longest (fewest false arms)."""
    options = [o for o in options if o]
    if not options:
        return None
    return max(options, key=lambda o: (min(map(len, o)), -len(o)))


def _seq(items) -> list[str] | None:
    candidates: list[list[str]] = []
    run = ""
    for op, av in items:
        if op is C.LITERAL:
            run += chr(av)
            continue
        if run:
            candidates.append([run])
            run = ""
        if op is C.SUBPATTERN:
            # (?i:…) and other scoped flags: a literal inside may match in another case, so it gates nothing
            req = None if av[1] & re.IGNORECASE else _seq(av[-1])
        elif op is C.BRANCH:
            branches = [_seq(b) for b in av[1]]
            req = None if any(b is None for b in branches) else sorted({x for b in branches for x in b})
        elif op in _REPEATS and av[0] >= 1:
            req = _seq(av[2])
        else:
            req = None
        if req:
            candidates.append(req)
    if run:
        candidates.append([run])
    return _best(candidates)


def required_literals(pattern: str, flags: int = 0) -> list[str] | None:
    """Literals one of which any match must contain, or None when no such set can be read off the pattern."""
    if flags & re.IGNORECASE:
        return None
    try:
        parsed = _parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - unknown syntax: never gate
        return None
    return _seq(list(parsed))
