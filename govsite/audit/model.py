"""What the audit produces: findings (each with article, evidence, fix and a link target) and the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "预警"}
AREA_NAMES = {
    "freshness": "栏目更新", "homepage": "首页更新", "timeliness": "发布时效", "closing": "关停公告",
    "coverage": "公开覆盖", "new_media": "政务新媒体", "links": "链接", "roster": "人员与密钥",
    "serious": "严重错误", "interaction": "互动交流", "exemptions": "豁免",
}


@dataclass
class AuditFinding:
    """One problem: what is wrong, where, which article it breaks, what to do, and the evidence."""

    area: str                # key of AREA_NAMES
    rule: str                # stable id, e.g. audit.freshness.stale
    severity: str            # error | warning | info (info = early warning 预警)
    unit: str                # unit id ('' for the whole site)
    message: str             # Chinese: what is wrong and where
    article: str             # e.g. 《管理办法》第二十三条第（一）项
    fix: str                 # Chinese: what to do
    path: str = ""           # the page (content/…) or unit file the finding points at
    column: str = ""         # column id when it is about a column
    evidence: dict[str, Any] = field(default_factory=dict)
    deduction: float = 0.0   # points taken from the unit's score
    id: str = ""             # stable across audits (govsite.audit.rectification.assign_ids)
    due: str = ""            # by when (YYYY-MM-DD), from the scheme's rectification days; '' for records, warnings
    responsible: str = ""    # who in the unit should act, e.g. 栏目责任人 王芳 / 信息员 李明

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class VetoItem:
    """One national single-veto indicator (单项否决指标) as decided from the repository and site."""

    id: str
    name: str
    status: str              # pass | fail | unknown
    evidence: str
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ColumnState:
    """Freshness of one column at the audit date (also drives the stale-days chart)."""

    unit: str
    column: str
    title: str
    update: str
    category: str
    pages: int
    last_published: dt.date | None
    deadline: dt.date | None
    stale_days: int          # days past the deadline (0 when fresh), days since the unit opened when empty
    status: str              # fresh | due | stale | empty

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("last_published", "deadline"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


@dataclass
class Deduction:
    """Points one unit lost on one indicator (扣分), after the indicator's cap."""

    indicator: str
    name: str
    findings: int
    points: float
    cap: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class UnitScore:
    unit: str
    name: str
    kind: str
    score: float
    veto: bool
    veto_reasons: list[str] = field(default_factory=list)
    trend: list[tuple[str, float | None]] = field(default_factory=list)      # (period end, score), oldest first
    pages_per_month: list[tuple[str, int]] = field(default_factory=list)
    closed: bool = False  # closed (关停) by the audit date: listed, not ranked
    short_name: str = ""
    grade: str = ""       # 优秀 | 良好 | 合格 | 不合格 ('' when closed)
    deductions: list[Deduction] = field(default_factory=list)
    rank: int = 0         # 1 = best; 0 when closed (not ranked)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AuditReport:
    as_of: dt.date
    commit: str
    site_name: str
    pages: int
    findings: list[AuditFinding] = field(default_factory=list)
    veto: list[VetoItem] = field(default_factory=list)
    columns: list[ColumnState] = field(default_factory=list)
    units: list[UnitScore] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    site_dir: str = ""
    follow_up: list[Any] = field(default_factory=list)  # rectification.LedgerItem, overdue first

    @property
    def site_veto(self) -> bool:
        return any(v.status == "fail" for v in self.veto)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            out[f.severity] = out.get(f.severity, 0) + 1
        return out

    def exit_code(self) -> int:
        """0 clean (early warnings only), 1 when there is any error or warning or a failed single-veto item."""
        c = self.counts()
        return 1 if c["error"] or c["warning"] or self.site_veto else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(), "commit": self.commit, "site": self.site_name, "pages": self.pages,
            "summary": {**self.counts(), "site_veto": self.site_veto},
            "veto": [v.to_dict() for v in self.veto],
            "units": [u.to_dict() for u in self.units],
            "columns": [c.to_dict() for c in self.columns],
            "findings": [f.to_dict() for f in self.findings],
            "notes": self.notes,
            **({"follow_up": [i.to_dict() for i in self.follow_up]} if self.follow_up else {}),
        }
