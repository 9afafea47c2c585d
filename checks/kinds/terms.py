"""Existence and substitution rules, compiled once into one matcher for a whole rule set.

Literal terms of every rule go into a single Aho–Corasick automaton (one pass over the text, whatever the
number of terms); regex rules are compiled individually. Overlapping matches of one rule keep the leftmost
longest, and a match that lies inside one of the rule's ``exceptions`` is not reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from checks import regexcache
from checks.kinds import Hit
from checks.rules import Rule


class TermMatcher:
    """Finds every existence/substitution rule's matches in a text."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        import ahocorasick  # C extension: builds in milliseconds, imported only when checking

        self._automaton = ahocorasick.Automaton()
        self._regex: list[tuple[Rule, re.Pattern, str | None]] = []
        self._ungated: list[int] = []  # regexes without a literal gate: always run
        self._rules: dict[str, Rule] = {}
        literal: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for rule in rules:
            if rule.kind not in ("existence", "substitution"):
                continue
            self._rules[rule.id] = rule
            pairs = [(t, rule.suggestion) for t in rule.tokens] + list(rule.swap.items())
            for term, replacement in pairs:
                if rule.regex:
                    flags = re.IGNORECASE if rule.ignorecase else 0
                    self._regex.append((rule, regexcache.compile(term, flags), replacement))
                elif rule.ignorecase:
                    self._regex.append((rule, regexcache.compile(re.escape(term), re.IGNORECASE), replacement))
                elif term:
                    literal[term].append((rule.id, replacement))
        from checks.kinds.literals import required_literals

        gates: dict[str, list[int]] = defaultdict(list)
        for i, (_, pattern, _) in enumerate(self._regex):
            lits = required_literals(pattern.pattern, pattern.flags & ~re.UNICODE)
            if lits:
                for lit in lits:
                    gates[lit].append(i)
            else:
                self._ungated.append(i)
        for term in set(literal) | set(gates):
            self._automaton.add_word(term, (len(term), literal.get(term, []), gates.get(term, [])))
        regexcache.save()
        self._has_literal = bool(literal) or bool(gates)
        if self._has_literal:
            self._automaton.make_automaton()

    def find(self, text: str) -> dict[str, list[Hit]]:
        """Rule id → hits, exceptions applied, overlaps within a rule resolved leftmost-longest."""
        raw: dict[str, list[Hit]] = defaultdict(list)
        armed: set[int] = set(self._ungated)
        if self._has_literal:
            for end, (length, owners, gated) in self._automaton.iter(text):
                start = end - length + 1
                for rule_id, replacement in owners:
                    raw[rule_id].append(Hit(start, end + 1, replacement))
                armed.update(gated)
        for i in sorted(armed):
            rule, pattern, replacement = self._regex[i]
            for m in pattern.finditer(text):
                if m.end() == m.start():
                    continue
                suggestion = m.expand(replacement) if replacement is not None else None
                raw[rule.id].append(Hit(m.start(), m.end(), suggestion))
        result: dict[str, list[Hit]] = {}
        for rule_id, hits in raw.items():
            rule = self._rules[rule_id]
            kept = _leftmost_longest(hits)
            if rule.exceptions:
                kept = [h for h in kept if not _inside_exception(text, h, rule.exceptions)]
            if kept:
                result[rule_id] = kept
        return result


def _leftmost_longest(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    last_end = -1
    for h in hits:
        if h.start >= last_end:
            out.append(h)
            last_end = h.end
    return out


def _inside_exception(text: str, hit: Hit, exceptions: list[str]) -> bool:
    for ex in exceptions:
        lo = max(0, hit.end - len(ex))
        pos = text.find(ex, lo, hit.start + len(ex))
        while pos != -1 and pos <= hit.start:
            if pos + len(ex) >= hit.end:
                return True
            pos = text.find(ex, pos + 1, hit.start + len(ex))
    return False
