"""Exemptions (豁免): ``<!-- govsite: allow RULE 理由 -->`` in a page silences a finding, so a reviewer must see
and own it (Art. 16–17). An exemption of an error-level rule counts only when the section head's 二审 names it
(``Review-Exemption: <path> <rule>``); one of a privacy or secrecy rule only when the leader's 三审 names it too.

Levels come from the shipped rule packs only: a branch cannot lower a rule's level to slip an exemption
past its reviewers, and a rule the packs do not know counts as error-level.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# categories whose exemptions the leader (分管负责人) must accept: Art. 16 (一)(二), Art. 39
LEADER_CATEGORIES = ("privacy", "secrecy")


@dataclass(frozen=True)
class Exemption:
    """One exemption in one page version: the rule (id or category) it silences, its reason, its line, and
    the tiers whose approval must name it."""

    rule: str
    reason: str
    line: int
    tiers: tuple[str, ...]  # "2" (error level), "3" (privacy, secrecy)

    def describe(self) -> str:
        return f"第 {self.line} 行豁免 {self.rule}（理由：{self.reason or '未写理由'}）"


@lru_cache(maxsize=1)
def _shipped_rules() -> Any:
    from checks.rules import load_rules  # noqa: PLC0415

    return load_rules(None)


def tiers_for(rule: str) -> tuple[str, ...]:
    """Which tiers must name an exemption of ``rule`` (a rule id or a whole category)."""
    rules = _shipped_rules().rules
    if rule in rules:
        chosen = [rules[rule]]
    else:
        chosen = [r for r in rules.values() if r.category == rule]
    error = not chosen or any(r.level == "error" for r in chosen)
    category = chosen[0].category if chosen else rule.split(".", 1)[0]
    return (("2",) if error else ()) + (("3",) if category in LEADER_CATEGORIES else ())


def page_exemptions(text: str) -> list[Exemption]:
    """Every exemption written in a page version, with the tiers that must name it (cheap when there is none)."""
    if "govsite:" not in text:
        return []
    from checks.engine import find_suppressions  # noqa: PLC0415

    return [Exemption(s.rule, s.reason, s.line, tiers_for(s.rule)) for s in find_suppressions(text)]


def unnamed(exemptions: list[Exemption], tier: str, named: set[str]) -> list[Exemption]:
    """The exemptions ``tier`` must name that its approval (naming the rules ``named``) does not."""
    return [e for e in exemptions if tier in e.tiers and e.rule not in named]
