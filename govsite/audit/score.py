"""Per-unit scores (the 100-point scheme of :mod:`govsite.audit.scheme`), single-veto status per unit, trends over
the last 12 periods, pages per month."""

from __future__ import annotations

import datetime as dt

from govsite.audit.freshness import add_months, column_state
from govsite.audit.model import AuditFinding, ColumnState, Deduction, UnitScore
from govsite.audit.scheme import Scheme
from govsite.audit.snapshot import PageInfo, Snapshot, china_date, commit_index
from govsite.audit.veto import NEWS_CATEGORIES, NOTICE_CATEGORIES

PERIODS = 12


def apply_points(findings: list[AuditFinding], scheme: Scheme) -> None:
    """Each finding's deduction is what the scheme gives its rule (the modules that find problems do not score)."""
    for f in findings:
        f.deduction = scheme.points(f.area, f.rule)


def unit_deductions(findings: list[AuditFinding], scheme: Scheme) -> list[Deduction]:
    """Points lost per indicator, each capped (扣完为止), in the scheme's order."""
    lost: dict[str, float] = {}
    counts: dict[str, int] = {}
    for f in findings:
        if f.deduction:
            lost[f.area] = lost.get(f.area, 0.0) + f.deduction
            counts[f.area] = counts.get(f.area, 0) + 1
    order = list(scheme.indicators)
    out = []
    for area in sorted(lost, key=lambda a: (order.index(a) if a in order else len(order), a)):
        ind = scheme.indicator(area)
        out.append(Deduction(area, ind.name, counts[area], round(min(lost[area], ind.cap), 1), ind.cap))
    return out


def unit_score(deductions: list[Deduction]) -> float:
    return round(max(0.0, 100.0 - sum(d.points for d in deductions)), 1)


def unit_veto(columns: list[ColumnState], findings: list[AuditFinding], as_of: dt.date) -> list[str]:
    """The national single-veto column and error thresholds applied to one unit's pages."""
    reasons = []
    serious = [f for f in findings if f.area == "serious" or f.rule == "audit.timeliness.formed-after-publish"]
    if serious:
        reasons.append(f"严重错误或伪造发布日期 {len(serious)} 处")
    two_weeks = as_of - dt.timedelta(days=14)
    six = add_months(as_of, -6)
    a = sum(1 for c in columns if (c.category in NEWS_CATEGORIES and (c.last_published is None
                                                                      or c.last_published < two_weeks))
            or (c.category in NOTICE_CATEGORIES and (c.last_published is None or c.last_published < six)))
    if a >= 5:
        reasons.append(f"动态/通知/政策类栏目未更新 {a} 个")
    stale = sum(1 for c in columns if c.status in ("stale", "empty"))
    if stale >= 10:
        reasons.append(f"应更新未更新栏目 {stale} 个")
    empty = sum(1 for c in columns if c.status == "empty")
    if empty >= 5:
        reasons.append(f"空白栏目 {empty} 个")
    if columns and not reasons and stale == len(columns):
        # a unit's section is a site of its own to the reader: with no column kept up, it is a site not updated,
        # whatever the national counts (made for whole sites) say
        reasons.append(f"本单位全部 {len(columns)} 个栏目均超期未更新或为空白栏目")
    return reasons


def period_ends(as_of: dt.date, n: int = PERIODS) -> list[dt.date]:
    """``as_of`` and the same day in each of the previous n-1 months, oldest first."""
    return [add_months(as_of, -k) for k in range(n - 1, -1, -1)]


def trends(snap: Snapshot, scheme: Scheme, n: int = PERIODS) -> dict[str, list[tuple[str, float | None]]]:
    """Freshness score (100 minus the scheme's stale/empty-column deductions) per unit at each of the last n
    period ends."""
    hist = snap.history
    fresh = scheme.indicator("freshness")
    empty_points, stale_points = fresh.points.get("audit.freshness.empty", 0), fresh.points.get("audit.freshness.stale", 0)
    out: dict[str, list[tuple[str, float | None]]] = {u: [] for u in snap.units}
    if hist is None:
        return out
    for end in period_ends(snap.as_of, n):
        idx = commit_index(hist, end)
        state = hist.snapshot(idx) if idx >= 0 else {}
        latest: dict[tuple[str, str], dt.date] = {}
        counts: dict[tuple[str, str], int] = {}
        for path, st in state.items():
            parts = path.split("/")
            if len(parts) < 4 or not path.endswith(".md"):
                continue
            key = (parts[1], parts[2])
            d = china_date(st.dates.published)  # new information, as freshness counts it: not corrections
            counts[key] = counts.get(key, 0) + 1
            if key not in latest or d > latest[key]:
                latest[key] = d
        for unit in snap.units.values():
            opened = unit.opened.date if unit.opened else None
            if opened and opened > end:
                out[unit.id].append((end.isoformat(), None))
                continue
            lost = 0.0
            for cid in unit.columns:
                key = (unit.id, cid)
                if key not in latest:
                    lost += empty_points
                    continue
                fake = [PageInfo("", unit.id, cid, "", None, latest[key], latest[key])]
                if column_state(unit, cid, fake, end).status == "stale":
                    lost += stale_points
            out[unit.id].append((end.isoformat(), round(max(0.0, 100 - min(lost, fresh.cap)), 1)))
    return out


def pages_per_month(snap: Snapshot, n: int = PERIODS) -> dict[str, list[tuple[str, int]]]:
    months = []
    first = add_months(snap.as_of.replace(day=1), -(n - 1))
    for k in range(n):
        months.append(add_months(first, k).strftime("%Y-%m"))
    counts: dict[str, dict[str, int]] = {u: dict.fromkeys(months, 0) for u in snap.units}
    for p in snap.pages.values():
        m = p.first_published.strftime("%Y-%m")
        if p.unit in counts and m in counts[p.unit]:
            counts[p.unit][m] += 1
    return {u: list(c.items()) for u, c in counts.items()}


def score_units(snap: Snapshot, columns: list[ColumnState], findings: list[AuditFinding],
                scheme: Scheme) -> list[UnitScore]:
    apply_points(findings, scheme)
    tr = trends(snap, scheme)
    ppm = pages_per_month(snap)
    out = []
    for unit in snap.units.values():
        mine = [f for f in findings if f.unit == unit.id]
        cols = [c for c in columns if c.unit == unit.id]
        reasons = unit_veto(cols, mine, snap.as_of)
        closed = bool(unit.closing and unit.closing.close_on and unit.closing.close_on <= snap.as_of)
        lost = unit_deductions(mine, scheme)
        score = unit_score(lost)
        out.append(UnitScore(unit.id, unit.name, unit.kind, score, bool(reasons), reasons,
                             tr.get(unit.id, []), ppm.get(unit.id, []), closed, unit.display_name,
                             grade="" if closed else scheme.grade(score, bool(reasons)), deductions=lost))
    # ranking: best first, vetoed last; a closed unit has nothing left to audit, so it is listed after all ranks
    out.sort(key=lambda u: (u.closed, u.veto, -u.score, u.unit))
    rank = 0
    for u in out:
        if not u.closed:
            rank += 1
            u.rank = rank
    return out
