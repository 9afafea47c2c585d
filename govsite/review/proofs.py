"""三校 (proofreads, Art. 17): proof-1..3 of a page, each bound to its current blob and to the render digest of
the laid-out page in a preview build of the revision."""

from __future__ import annotations

from collections.abc import Callable

from govsite.core.units import ROLE_NAMES, Person
from govsite.review.judge import Gate, Slot, Verdict
from govsite.review.policy import ARTICLES, PROOF_TIERS, TIER_NAMES, TIER_ROLES
from govsite.review.report import Failure, TierResult
from govsite.review.select import choose_three


# (path, digests a proof names) → (the digest the page renders to, why none)
DigestOf = Callable[[str, list[str]], tuple[str | None, str]]


def proof_results(gate: Gate, path: str, blob: str, failures: list[Failure],
                  digest_of: DigestOf | None = None) -> list[TierResult]:
    """Proofreads (一校/二校/三校, Art. 17) of this page: each bound to the current blob (``Review-Blob``) and to
    the current render digest of the preview build (``Review-Render``). Required when ``gate.proofs``;
    otherwise shown for information only (no failures, no build). ``digest_of``: where the page's digest
    comes from (default: the preview build of the revision)."""
    digest_of = digest_of or (lambda p, _named: gate.render_digest(p))
    required = gate.proofs
    if not required and not any(gate.approvals[s].tier.startswith("proof-") for s, _ in gate.by_path.get(path, [])):
        return []
    unit_id = path.split("/")[1] if path.count("/") >= 3 else ""
    slots = [Slot(t, unit_id, TIER_ROLES[t], TIER_NAMES[t], t) for t in PROOF_TIERS]
    found = gate.evaluate(path, blob, slots)
    out: list[TierResult] = []
    chosen_by_tier: dict[str, list[tuple[str, Person, str]]] = {}
    for slot in slots:
        valid, bad = found[slot.key]
        bad = list(bad)
        if not required:
            if valid:
                sha, p = valid[0]
                renders = [d for pth, d in gate.approvals[sha].renders if pth == path]
                out.append(TierResult(slot.key, "valid", f"{p.name} <{p.email}>", sha,
                                      [f"渲染摘要 {renders[0][:12]}"] if renders else []))
            else:
                out.append(TierResult(slot.key, "invalid" if bad else "missing", reasons=[v.reason for v in bad]))
            continue
        bound: list[tuple[str, Person, str]] = []
        moved: list[tuple[str, Person, str, str]] = []  # (commit, person, signed digest, current digest)
        for sha, p in valid:
            renders = [d for pth, d in gate.approvals[sha].renders if pth == path]
            if not renders:
                bad.append(Verdict(False, p, (f"校对意见 {sha[:10]} 没有 Review-Render（渲染摘要），不能证明校对的是排版后的页面。"
                                              f"请先运行 govsite build --preview 查看页面，再用 govsite approve --tier {slot.tier} 签署"),
                                   "17p"))
                continue
            current, why = digest_of(path, renders)
            if current is None:
                bad.append(Verdict(False, p, f"{why}（校对意见 {sha[:10]}）", "17p"))
            elif current in renders:
                bound.append((sha, p, current))
            else:
                moved.append((sha, p, renders[0], current))
        if bound:
            chosen_by_tier[slot.key] = bound
            out.append(_bound_result(slot.key, bound[0]))
            continue
        reasons: list[str] = []
        if moved:
            sha, p, old, current = moved[-1]
            state = "stale"
            reasons.append(f"{p.name} 的{slot.label}（校对意见 {sha[:10]}）针对的排版页面渲染摘要为 {old[:12]}，"
                           f"当前预览构建的页面为 {current[:12]}：稿件或页面模板在校对之后有改动，须对当前排版页面重新校对"
                           f"（govsite build --preview 查看后 govsite approve --tier {slot.tier}）")
        reasons += [v.reason for v in bad]
        if not moved:
            stale = gate.stale_note(path, blob, slot.tier)
            state = "invalid" if bad else ("stale" if stale else "missing")
            if stale:
                reasons.append(stale)
        if not reasons:
            reasons.append(f"缺少{slot.label}（排版后的页面须经{ROLE_NAMES[slot.role]}校对）。请先运行 govsite build --preview "
                           f"查看页面，再由{ROLE_NAMES[slot.role]}运行 govsite approve --tier {slot.tier} 签署")
        for reason in reasons:
            art = next((v.article for v in bad if v.reason == reason), "17p")
            text = ARTICLES["17p"] if art in ("17", "17p") else ARTICLES.get(art, ARTICLES["17p"])
            failures.append(Failure(path, slot.key, f"{slot.label}：{reason.rstrip('。')}。{text}", art.rstrip("p")))
        out.append(TierResult(slot.key, state, reasons=reasons))
    if required and len(chosen_by_tier) == 3:
        cands = [[(sha, p) for sha, p, _d in chosen_by_tier[t]] for t in PROOF_TIERS]
        combo, why = choose_three(gate, cands, ("一校", "二校", "三校"))
        if combo is None:
            out = [TierResult(t, "invalid", reasons=[why]) for t in PROOF_TIERS]
            failures.append(Failure(path, "proof-1-3", f"三校：{why}。请由三名不同人员按一校、二校、三校的顺序重新校对。"
                                                       f"{ARTICLES['17p']}", "17"))
        else:
            digest = {sha: d for t in PROOF_TIERS for sha, _p, d in chosen_by_tier[t]}
            out = [_bound_result(t, (sha, p, digest[sha])) for t, (sha, p) in zip(PROOF_TIERS, combo)]
    return out


def _bound_result(tier: str, bound: tuple[str, Person, str]) -> TierResult:
    sha, p, digest = bound
    return TierResult(tier, "valid", f"{p.name} <{p.email}>", sha, [f"渲染摘要 {digest[:12]}"])
