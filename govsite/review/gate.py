"""The publish gate (发布核验): every page at a revision needs valid, signed, content-bound approvals.

``verify_repository`` is the entry point of ``govsite verify``, ``govsite review status`` and the build (which
publishes only ``verified`` pages). Who signs what is :mod:`.policy`; whether one approval counts is
:mod:`.judge`; which approvals are chosen is :mod:`.select`; 三校 is :mod:`.proofs`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from checks.textio import UnreadableFile, decode_text
from govsite.core.pages import review_flags
from govsite.core.attachments import attachments
from govsite.core.units import identity
from govsite.git.objects import NULL_BLOB, REGULAR_MODES, cat_batch, tree_blobs, tree_entries
from govsite.compliance.exemptions import Exemption, page_exemptions, unnamed
from govsite.review.judge import Gate, Slot, Verdict
from govsite.review.policy import ARTICLES, TIER_NAMES, TIER_ROLES
from govsite.review.proofs import DigestOf, proof_results
from govsite.review.report import Failure, PathResult, RenderDigests, TierResult, VerifyReport
from govsite.review.select import choose_three, tier_result


def verify_repository(root: Path, rev: str = "HEAD", base: str | None = None,
                      paths: set[str] | None = None, git_signatures: bool = False,
                      proofs: bool | None = None, render_digests: RenderDigests | None = None,
                      now: dt.datetime | None = None, hold: bool = False) -> VerifyReport:
    """Verify every page under content/ at ``rev`` (or only ``paths``).

    ``base``: the target branch of a merge request; approvals on ``base..rev`` are judged against the
    roster at the merge base. Without it, each merge on the first-parent history is one change.
    ``git_signatures``: let git itself check every signature (slow: one ssh-keygen per commit).
    ``proofs``: require 三校 (proof-1..3 bound to the preview build's render digest, Art. 17); ``None``
    reads ``review.require_proofs`` from the first commit's site_config/site.yml (default true). The
    preview is built once per run, and only when some proof needs its digest checked.
    ``render_digests(root, rev)``: repository path → render digest of every page of a preview build of
    ``rev`` (the portal's, handed in by the command); without it no proof can be checked.
    ``now``: the time of the verification (default: the clock); no approval under review may be dated later.
    ``hold``: also find, for every failing page, the last approved version the published build shows
    instead (``report.held``; with proofs this costs one more preview build when there is one).
    """
    return verify(Path(root), rev, base, paths, git_signatures, proofs, render_digests, now, hold)


def verify(root: Path, rev: str = "HEAD", base: str | None = None, only: set[str] | None = None,
           git_signatures: bool = False, proofs: bool | None = None,
           render_digests: RenderDigests | None = None, now: dt.datetime | None = None,
           hold: bool = False) -> VerifyReport:
    """See :func:`verify_repository`."""
    root = root.resolve()
    gate = Gate(root, rev, base, only, git_signatures, proofs, render_digests, now)
    entries = tree_entries(gate.root, gate.head, "content/")
    pages = {p: oid for p, (mode, kind, oid) in entries.items() if kind == "blob" and mode in REGULAR_MODES}
    unit_files = _files_at(gate, "units/")
    report = VerifyReport(ok=True, rev=gate.head, base=gate.mb, approvals=len(gate.approvals), proofs=gate.proofs)
    for path, (mode, kind, oid) in sorted(entries.items()):
        why = entry_refusal(path, mode, kind)
        if why and (only is None or path in only):
            report.failures.append(Failure(path, "1-3", f"{why}{ARTICLES['17']}", "17"))
            report.results[path] = PathResult(path, oid, "refused", [TierResult("1-3", "invalid", reasons=[why])])
            pages.pop(path, None)
    wanted = sorted(p for p in pages if p.endswith(".md") and (only is None or p in only))
    texts = cat_batch(root, [pages[p] for p in wanted])
    for path in wanted:
        blob = pages[path]
        obj = texts.get(blob)
        raw = obj[1] if obj else b""
        linked = {a: pages[a] for a in attachments(path, _text(raw)) if a in pages}
        result = judge_page(gate, path, blob, raw, report.failures, linked=linked)
        report.results[path] = result
        if result.ok:
            report.verified.add(path)
    removed = sorted({ch.path for ch in gate.changes if ch.status == "D" and ch.path.startswith("content/")
                      and ch.path.endswith(".md") and ch.path not in pages and (only is None or ch.path in only)})
    for path in removed:
        unit_id = path.split("/")[1] if path.count("/") >= 3 else ""
        slot = Slot("remove", unit_id, "leader", "删除稿件须经分管负责人批准", "remove")
        valid, bad = gate.evaluate(path, NULL_BLOB, [slot])[slot.key]
        result = PathResult(path, NULL_BLOB, "removed",
                            [tier_result(slot, valid, bad, "", path, report.failures)])
        report.results[path] = result
        if result.ok:
            report.verified.add(path)
    office_files = [(p, b, "人员名单/栏目目录变更须经县政府办公室分管负责人批准") for p, b in sorted(unit_files.items())]
    office_files += [(p, b, "网站设置、页面模板和本县规则的变更须经县政府办公室分管负责人批准")
                     for p, b in sorted(_files_at(gate, "site_config/").items())]
    for path, blob, label in office_files:
        if only is not None and path not in only:
            continue
        ok = gate.trusted(path, blob)
        slot = Slot("3", gate.office_unit(), "leader", label, "3")
        if ok:
            tr = TierResult("3", "valid")
        else:
            valid, bad = gate.evaluate(path, blob, [slot])[slot.key]
            tr = tier_result(slot, valid, bad, gate.stale_note(path, blob, "3"), path, report.failures)
        report.results[path] = PathResult(path, blob, "units" if path.startswith("units/") else "site_config", [tr])
        if tr.state == "valid":
            report.verified.add(path)
    if hold and only is None:
        report.held, report.held_attachments = hold_back(gate, report, pages)
    report.ok = not report.failures
    return report


def page_slots(path: str, raw: bytes) -> list[Slot]:
    """The tiers one version of a page needs: 一审, 二审, 三审; the principal for major news; each co-unit's consent."""
    major, co_units = page_flags(path, raw)
    unit_id = path.split("/")[1] if path.count("/") >= 3 else ""
    slots = [Slot(t, unit_id, TIER_ROLES[t], TIER_NAMES[t], t) for t in ("1", "2", "3")]
    if major:
        slots.append(Slot("principal", unit_id, "principal", "主要负责人签发（重大信息）", "principal"))
    for cu in co_units:
        slots.append(Slot("consent", cu, "leader", f"会签单位“{cu}”分管负责人的会签同意", f"consent:{cu}"))
    return slots


def hold_back(gate: Gate, report: VerifyReport, current: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Pages whose current version fails, each at the newest earlier version that passes every tier and proof
    (path → blob), and the versions of the attachments those approvals named (path → blob): the published
    build keeps showing them, so one unapproved change does not take the page, or the portal, offline. A page
    never approved has no such version and stays out."""
    candidates: dict[str, list[str]] = {}
    for path, result in report.results.items():
        if result.kind != "page" or result.ok:
            continue
        # the current version first (with the attachments its approvals named: one replaced since is held
        # back), then the earlier ones
        blobs = list(dict.fromkeys([b for b in (current.get(path),) if b and result.attachments]
                                   + [b for _s, b in reversed(gate.by_path.get(path, []))
                                      if b not in (current.get(path), NULL_BLOB)]))
        if blobs:
            candidates[path] = blobs
    if not candidates:
        return {}, {}
    raws = {b: obj[1] for b, obj in cat_batch(gate.root, sorted({b for bs in candidates.values() for b in bs})).items()
            if obj is not None and obj[0] == "blob"}

    def named(_path: str, renders: list[str]) -> tuple[str | None, str]:
        return renders[0], ""  # first pass: everything but the digest, which needs one build for all

    # attachments a page published as it is links must stay as they are
    in_use = {a: b for p in report.verified for a, b in report.results[p].attachments.items()}
    chosen: dict[str, str] = {}
    files: dict[str, dict[str, str]] = {}  # page → the attachment versions its held version shows
    for path, blobs in candidates.items():
        for b in blobs:
            if b not in raws:
                continue
            linked = gate.named_attachments(path, b, attachments(path, _text(raws[b])))
            if any(in_use.get(a, v) != v for a, v in linked.items()):
                continue
            if judge_page(gate, path, b, raws[b], [], named, linked).ok:
                chosen[path], files[path] = b, linked
                break
    held: dict[str, str] = {}
    if not gate.proofs:
        held = chosen
    elif chosen:
        old_files = {a: v for p in chosen for a, v in files[p].items() if current.get(a) != v}
        blobs_of = cat_batch(gate.root, sorted(set(old_files.values())))
        versions = {p: raws[b] for p, b in chosen.items()}
        versions.update({a: obj[1] for a, v in old_files.items() if (obj := blobs_of.get(v)) is not None})
        digests, why = gate.held_digests(versions)
        for path, b in chosen.items():
            def rendered(p: str, _named: list[str]) -> tuple[str | None, str]:
                return digests.get(p), why or "预览构建没有生成该页面"

            if judge_page(gate, path, b, raws[b], [], rendered, files[path]).ok:
                held[path] = b
    shown = {a: v for p in held for a, v in files[p].items() if current.get(a) != v}
    return held, shown


def judge_page(gate: Gate, path: str, blob: str, raw: bytes, failures: list[Failure],
               digest_of: DigestOf | None = None, linked: dict[str, str] | None = None) -> PathResult:
    """Every tier and proof of one version (``blob``, bytes ``raw``) of a page; failures are appended.
    ``linked``: the attachments the version links (path → the version each approval must name)."""
    slots = page_slots(path, raw)
    exemptions = page_exemptions(_text(raw))
    found = gate.evaluate(path, blob, slots)
    for slot in slots[:3] if linked else []:  # 一审..三审 review the attachments with the page
        valid, bad = found[slot.key]
        keep = []
        for one in valid:
            named = set(gate.approvals[one[0]].blobs)
            unbound = [a for a, v in (linked or {}).items() if (a, v) not in named]
            if unbound:
                bad = bad + [Verdict(False, one[1], _unbound(slot, one, unbound), "17")]
            else:
                keep.append(one)
        found[slot.key] = (keep, bad)
    for slot in slots[1:3] if exemptions else []:  # 二审, 三审: only an approval naming the exemptions counts
        valid, bad = found[slot.key]
        keep = []
        for chosen_one in valid:
            missing = unnamed(exemptions, slot.key, gate.approvals[chosen_one[0]].accepted(path))
            if missing:
                bad = bad + [Verdict(False, chosen_one[1], _unaccepted(slot, chosen_one, missing), "17")]
            else:
                keep.append(chosen_one)
        found[slot.key] = (keep, bad)
    revised = carry_over(gate, path, blob, slots, found)
    results: list[TierResult] = []
    three = [found[k][0] for k in ("1", "2", "3")]
    chosen, why = (choose_three(gate, three) if all(three) else (None, ""))
    for slot in slots:
        valid, bad = found[slot.key]
        if slot.key in ("1", "2", "3") and all(three) and chosen is None:
            results.append(TierResult(slot.key, "invalid", reasons=[why]))
            continue
        if slot.key == "3" and valid and not three[1]:
            bad = bad + [Verdict(False, reason="三审（签发）之前没有有效的二审，签发无效", article="17")]
            valid = []
        if slot.key == "principal" and valid and chosen:
            valid = [(s, p) for s, p in valid if gate.history.is_ancestor(chosen[2][0], s)] or []
            if not valid:
                bad = bad + [Verdict(False, reason="主要负责人须在三审签发之后签署", article="17")]
        if chosen and slot.key in ("1", "2", "3"):
            valid = [chosen[("1", "2", "3").index(slot.key)]]
        results.append(tier_result(slot, valid, bad, gate.stale_note(path, blob, slot.tier), path, failures))
    if all(three) and chosen is None:
        failures.append(Failure(path, "1-3", f"三审：{why}。请由三名不同人员按一审、二审、三审的顺序重新签署。{ARTICLES['17']}", "17"))
    result = PathResult(path, blob, "page", results, proof_results(gate, path, blob, failures, digest_of), gate.proofs)
    by_tier = {t.tier: gate.approvals[t.commit].accepted(path) for t in results if t.commit in gate.approvals}
    result.exemptions = [{"line": e.line, "rule": e.rule, "reason": e.reason, "tiers": list(e.tiers),
                          "accepted_by": [t for t in ("2", "3") if e.rule in by_tier.get(t, set())]}
                         for e in exemptions]
    result.revisions = revised
    result.attachments = dict(linked or {})
    result.returns = [{"by": p.name, "email": p.email, "commit": sha, "note": note}
                      for sha, p, note in gate.returns_of(path, blob)]
    return result


def carry_over(gate: Gate, path: str, blob: str, slots: list[Slot],
               found: dict[str, tuple[list[tuple[str, Any]], list[Verdict]]]) -> list[dict[str, Any]]:
    """Art. 17: 二审 审核、修改. When reviewers revised the page after an earlier tier and then signed their own tier
    on the revised version, the earlier tier's approval of the version before their revision still counts
    (fills ``found``). Returns what was carried, with the diff the later tiers signed over."""
    notes: list[dict[str, Any]] = []
    by_key = {s.key: s for s in slots}
    for tier, later in (("1", ("2", "3")), ("2", ("3",))):
        if found[tier][0] or tier not in by_key:
            continue
        signers = {identity(p.email): p.name for k in later for _s, p in found[k][0]}
        for older, since in gate.revision_chain(path, blob):
            if not since <= set(signers):
                break  # someone who does not sign after it changed the page: no carrying over
            valid = gate.evaluate(path, older, [by_key[tier]])[tier][0]
            if valid:
                found[tier] = (valid, found[tier][1])
                notes.append({"tier": tier, "from": older, "by": sorted(signers[e] for e in since),
                              "diff": _diff(gate, older, blob)})
                break
    return notes


def _diff(gate: Gate, old: str, new: str, limit: int = 60) -> list[str]:
    """The lines a revision changed (unified diff, at most ``limit`` lines), as the later tiers see it."""
    import difflib  # noqa: PLC0415

    objs = cat_batch(gate.root, [old, new])
    a, b = (_text(obj[1]) if (obj := objs.get(k)) is not None else "" for k in (old, new))
    lines = [line for line in difflib.unified_diff(a.splitlines(), b.splitlines(), "审核时的版本", "修改后的版本",
                                                   lineterm="", n=1)]
    return lines[:limit] + ([f"……（另有 {len(lines) - limit} 行改动）"] if len(lines) > limit else [])


def _unbound(slot: Slot, chosen: tuple[str, Any], missing: list[str]) -> str:
    return (f"{chosen[1].name} 的{slot.label}（审核意见 {chosen[0][:10]}）没有包含稿件链接的附件 {'、'.join(missing)} 的这一版本"
            "（附件在审核之后被新增或替换）。附件是稿件的一部分，须与稿件一起审核：请重新签署（govsite approve 会自动带上附件）")


def _unaccepted(slot: Slot, chosen: tuple[str, Any], missing: list[Exemption]) -> str:
    who = "科室负责人" if slot.key == "2" else "分管负责人"
    what = "错误级别问题的豁免须经二审认可" if slot.key == "2" else "个人隐私、保密类问题的豁免须经三审（分管负责人）认可"
    return (f"{chosen[1].name} 的{slot.label}（审核意见 {chosen[0][:10]}）没有认可稿件中的豁免："
            f"{'；'.join(e.describe() for e in missing)}。{what}（第十六条、第十七条）。请{who}核实后用 "
            f"govsite approve --tier {slot.key} --accept-exemptions 重新签署；不认可的，请退回信息员删除豁免并改正稿件")


def _text(raw: bytes) -> str:
    try:
        return decode_text(raw).text
    except UnreadableFile:
        return ""


def entry_refusal(path: str, mode: str, kind: str) -> str:
    """Why an entry under content/ cannot be published whatever its approvals, or ''. Only regular files
    with printable names: a symbolic link or a submodule escapes what approvals bind, a control character
    in a name can forge what a reviewer sees."""
    if kind == "commit":
        return f"{path} 是子模块（gitlink），不是文件：其内容不在本仓库中，无法审核。请删除并以普通文件提交。"
    if mode == "120000":
        return f"{path} 是符号链接：它指向的内容不受审核约束。请删除并以普通文件提交。"
    if kind != "blob" or mode not in REGULAR_MODES:
        return f"{path} 不是普通文件（类型 {mode}），不能发布。"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in path):
        return f"文件名含控制字符（如换行）：{path!r}，审核人员看到的名称可能与实际不符。请改名后重新提交并审核。"
    return ""


def _files_at(gate: Gate, prefix: str) -> dict[str, str]:
    return tree_blobs(gate.root, gate.head, prefix)


def page_flags(path: str, raw: bytes) -> tuple[bool, tuple[str, ...]]:
    """``major`` and ``co_units`` of a page version, as the content model reads them (the same fields the
    check and the portal see). A page that cannot be decoded counts as major: the principal signs."""
    try:
        text = decode_text(raw).text
    except UnreadableFile:
        return True, ()
    return review_flags(path, text)
