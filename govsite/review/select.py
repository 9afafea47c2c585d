"""Choosing the approvals that count (选取): the first valid one per tier, three different people in order."""

from __future__ import annotations

import itertools

from govsite.core.units import Person, identity
from govsite.review.judge import FIX, Gate, Slot, Verdict
from govsite.review.policy import ARTICLES
from govsite.review.report import Failure, TierResult


def tier_result(slot: Slot, valid: list[tuple[str, Person]], bad: list[Verdict], stale: str,
                 path: str, failures: list[Failure]) -> TierResult:
    if valid:
        sha, p = valid[0]
        return TierResult(slot.key, "valid", f"{p.name} <{p.email}>", sha)
    reasons = [v.reason for v in bad]
    state = "invalid" if bad else ("stale" if stale else "missing")
    if stale:
        reasons.append(stale)
    if not reasons:
        reasons.append(f"缺少{slot.label}。" + FIX["approve"].format(tier=slot.tier if slot.tier != "remove" else 3))
    articles = [v.article for v in bad] or ["18" if slot.tier == "consent" else "17"]
    for reason, article in itertools.zip_longest(reasons, articles, fillvalue=articles[-1]):
        failures.append(Failure(path, slot.key, f"{slot.label}：{reason.rstrip('。')}。{ARTICLES[article]}", article))
    return TierResult(slot.key, state, reasons=reasons)


def choose_three(gate: Gate, cands: list[list[tuple[str, Person]]],
                  labels: tuple[str, str, str] = ("一审", "二审", "三审")) -> tuple[tuple[tuple[str, Person], ...] | None, str]:
    """Pick tier-1..3 approvals (or proof-1..3 with ``labels`` 一校/二校/三校) by three different people, in order
    (一审 → 二审 → 三审). Returns (choice, why not)."""
    distinct_found = False
    limit = 0
    for combo in itertools.product(*cands):
        limit += 1
        if limit > 5000:
            break
        emails = {identity(p.email) for _, p in combo}
        if len(emails) < 3:
            continue
        distinct_found = True
        (s1, _), (s2, _), (s3, _) = combo
        if gate.history.is_ancestor(s1, s2) and gate.history.is_ancestor(s2, s3):
            return combo, ""
    if not distinct_found:
        names: dict[str, list[str]] = {}
        for tier, cl in zip(labels, cands):
            for _, p in cl:
                names.setdefault(p.name, []).append(tier)
        dup = "；".join(f"{n} 同时签署了{'和'.join(t)}" for n, t in names.items() if len(t) > 1)
        what = "三审" if labels[0] == "一审" else "三校"
        return None, f"{what}须由三名不同人员分别签署（{dup or '签署人有重复'}）"
    if labels[0] != "一审":
        return None, "校对顺序不对：二校须在一校之后、三校须在二校之后签署"
    return None, "审核顺序不对：二审须在一审之后、三审（签发）须在二审之后签署（三审不能先于二审）"
