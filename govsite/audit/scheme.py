"""The scoring scheme (计分办法): indicators with points per rule and caps, grades, rectification deadlines.

The scheme is data (``checks/packs/lists/scoring.yml``, county overrides in ``site_config/lists/``); this module
only reads it and applies it, so the office can change a weight without a release."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govsite.core.errors import GovsiteError

SCORING_FILE = "checks/packs/lists/scoring.yml"


@dataclass(frozen=True)
class Indicator:
    """One deduction indicator (扣分指标): the findings of one audit area."""

    id: str
    name: str
    basis: str
    cap: float
    rectify_days: int
    points: dict[str, float] = field(default_factory=dict)
    records: frozenset[str] = frozenset()   # rules about something that already happened: no deadline
    veto: bool = False                      # decided by the single-veto items, not by points


@dataclass(frozen=True)
class Scheme:
    indicators: dict[str, Indicator]
    pass_mark: float = 60.0
    grades: tuple[tuple[float, str], ...] = ((90.0, "优秀"), (80.0, "良好"), (60.0, "合格"))

    def indicator(self, area: str) -> Indicator:
        return self.indicators.get(area) or Indicator(area, area, "", 0.0, 10)

    def points(self, area: str, rule: str) -> float:
        return self.indicator(area).points.get(rule, 0.0)

    def grade(self, score: float, veto: bool) -> str:
        if veto:
            return "不合格"
        for low, name in self.grades:
            if score >= low:
                return name
        return "不合格"

    def total_cap(self) -> float:
        return sum(i.cap for i in self.indicators.values())


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise GovsiteError(f"计分办法 {where} 应为不小于 0 的数字，现为“{value}”。请修改 {SCORING_FILE} 或 site_config/lists/ 中的同名设置。")
    return float(value)


def load_scheme(lists: dict[str, Any]) -> Scheme:
    """The scheme from the merged lists (:meth:`govsite.core.county.County.lists`); wrong values stop with a message."""
    raw = lists.get("audit_indicators") or {}
    if not isinstance(raw, dict):
        raise GovsiteError(f"计分办法 audit_indicators 应为“指标 id: 设置”的键值表。请检查 {SCORING_FILE}。")
    indicators = {}
    for iid, spec in raw.items():
        if not isinstance(spec, dict):
            raise GovsiteError(f"计分指标 {iid} 应为键值表（name、cap、points……）。")
        points = spec.get("points") or {}
        if not isinstance(points, dict):
            raise GovsiteError(f"计分指标 {iid} 的 points 应为“规则: 扣分”的键值表。")
        days = spec.get("rectify_days", 10)
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise GovsiteError(f"计分指标 {iid} 的 rectify_days（整改期限，工作日）应为不小于 0 的整数，现为“{days}”。")
        indicators[str(iid)] = Indicator(
            id=str(iid), name=str(spec.get("name") or iid), basis=str(spec.get("basis") or ""),
            cap=_number(spec.get("cap", 0), f"{iid}.cap"), rectify_days=days,
            points={str(r): _number(p, f"{iid}.points.{r}") for r, p in points.items()},
            records=frozenset(str(r) for r in spec.get("records") or ()), veto=bool(spec.get("veto")))
    opts = lists.get("audit_scoring") or {}
    grades = tuple(sorted(((_number(g.get("min"), "grades.min"), str(g.get("name")))
                           for g in opts.get("grades") or () if isinstance(g, dict)), reverse=True))
    return Scheme(indicators, _number(opts.get("pass_mark", 60), "pass_mark"), grades or Scheme.grades)
