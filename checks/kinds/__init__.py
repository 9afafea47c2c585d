"""The generic check kinds (检查类型) that execute data rules, as in Vale.

- ``existence``: a term (or pattern) must not appear.
- ``substitution``: a wrong form must be replaced by the right one (the suggestion).
- ``code``: a built-in detector in :mod:`checks.detectors` for what needs an algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Hit:
    """A match in the page text: ``[start, end)`` in code points, with an optional replacement.

    ``rule`` is set by detectors that serve several rules (e.g. the typo engine); ``detail`` fills
    extra ``{placeholders}`` in the rule's message.
    """

    start: int
    end: int
    suggestion: str | None = None
    rule: str | None = None
    detail: dict = field(default_factory=dict, hash=False, compare=False)
