"""整改 follow-up: stable finding ids, the rectification ledger (整改台账) and what a later audit says of each item.

A finding's id is a digest of what the problem is and where (rule, unit, column, page, and the link, person or
account it is about), never of its wording or line number, so the same problem keeps its id from one audit to
the next while a page is edited around it. A circular (通报) enters its problems in the ledger with a deadline;
each later audit marks an item 已整改 (with the date it was put right, where the repository tells), 整改中 or
逾期未整改. The ledger is a JSON file the county office keeps with its circulars (``reports/rectification.json``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govsite.audit.model import AuditFinding, AuditReport
from govsite.audit.scheme import Scheme
from govsite.core import workdays
from govsite.core.errors import GovsiteError

LEDGER_FILE = "reports/rectification.json"
LEDGER_VERSION = 1
# evidence keys that say what a finding is about, in order of preference (never a line: lines move)
SUBJECT_KEYS = ("href", "src", "url", "person", "account", "name", "platform", "category", "rule")
STATUS_NAMES = {"overdue": "逾期未整改", "open": "整改中", "fixed": "已整改", "recorded": "已记录（举一反三）"}


def assign_ids(findings: list[AuditFinding]) -> None:
    """Give each finding its stable id; the n-th of several identical problems gets ``-n``."""
    seen: dict[str, int] = {}
    for f in findings:
        subject = next((str(f.evidence[k]) for k in SUBJECT_KEYS if f.evidence.get(k) not in (None, "")), "")
        key = "\x1f".join((f.rule, f.unit, f.column, f.path, subject))
        base = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8].upper()
        n = seen.get(base, 0) + 1
        seen[base] = n
        f.id = base if n == 1 else f"{base}-{n}"


# who acts on what: areas about pages and columns go to whoever keeps the column, the rest to the unit's heads
PAGE_AREAS = frozenset({"freshness", "timeliness", "links", "coverage", "serious", "exemptions"})


def _people(unit, roles: tuple[str, ...], as_of: dt.date) -> str:
    from govsite.core.units import ROLE_NAMES  # noqa: PLC0415

    for role in roles:
        names = [p.name for p in unit.people if role in p.roles and p.active_on(as_of)]
        if names:
            return f"{ROLE_NAMES[role]} {'、'.join(names[:3])}"
    return f"本单位{ROLE_NAMES[roles[0]]}"


def assign_actions(findings: list[AuditFinding], units: dict, scheme: Scheme, as_of: dt.date) -> None:
    """Say by when and by whom each finding is to be put right (point 8 of issue 18): the deadline counts the
    scheme's rectification working days from the audit day; the person is the column's owner, else the unit's
    信息员 for pages and columns, and its 分管负责人 for accounts, rosters and closing."""
    for f in findings:
        unit = units.get(f.unit)
        if unit is None:
            f.responsible = "县政府办公室" if not f.unit else ""
        elif f.area in PAGE_AREAS:
            col = unit.columns.get(f.column)
            f.responsible = f"栏目责任人 {col.owner}" if col and col.owner else _people(unit, ("editor",), as_of)
        else:
            f.responsible = _people(unit, ("leader", "principal"), as_of)
        if f.severity != "info" and f.rule not in scheme.indicator(f.area).records:
            f.due = workdays.add_working_days(as_of, max(scheme.indicator(f.area).rectify_days, 1)).isoformat()


@dataclass
class LedgerItem:
    """One problem a circular required a unit to put right (整改事项)."""

    id: str
    unit: str
    area: str
    rule: str
    message: str
    article: str
    fix: str
    path: str
    column: str
    circular: str            # the circular's number (文号) that first listed it
    issued_on: dt.date
    deadline: dt.date | None  # None: something that already happened (a late page) — no deadline
    status: str = "open"     # open | overdue | fixed | recorded
    fixed_on: dt.date | None = None   # when it was put right, as far as the repository tells
    checked_on: dt.date | None = None  # the audit that last looked at it
    responsible: str = ""    # who in the unit should act

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("issued_on", "deadline", "fixed_on", "checked_on"):
            d[k] = d[k].isoformat() if d[k] else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LedgerItem:
        def day(v: Any) -> dt.date | None:
            return dt.date.fromisoformat(v) if v else None

        return cls(**{**d, "issued_on": day(d["issued_on"]), "deadline": day(d.get("deadline")),
                      "fixed_on": day(d.get("fixed_on")), "checked_on": day(d.get("checked_on"))})

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


@dataclass
class Ledger:
    """The rectification ledger: every item ever circulated, and the circulars issued (number → period)."""

    items: dict[str, LedgerItem] = field(default_factory=dict)
    circulars: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Ledger:
        if not path.is_file():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
            items = {d["id"]: LedgerItem.from_dict(d) for d in data.get("items", [])}
            return cls(items, list(data.get("circulars", [])))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise GovsiteError(f"整改台账 {path} 无法读取（{exc.__class__.__name__}: {exc}）。它应是 govsite 写出的 JSON 文件；"
                               "如被手工改坏，请从 git 历史中恢复上一版本。") from None

    def write(self, path: Path) -> None:
        data = {"version": LEDGER_VERSION, "circulars": self.circulars,
                "items": [i.to_dict() for i in sorted(self.items.values(), key=lambda i: (i.issued_on, i.unit, i.id))]}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            raise GovsiteError(f"无法写入整改台账 {path}：{exc.strerror or exc}。请检查该位置是否有写权限。") from None

    def issued_in(self, year: int) -> int:
        return sum(1 for c in self.circulars if str(c.get("issued_on", "")).startswith(str(year)))


def deadline_for(f: AuditFinding, scheme: Scheme, issued_on: dt.date) -> dt.date | None:
    ind = scheme.indicator(f.area)
    if f.rule in ind.records:
        return None
    return workdays.add_working_days(issued_on, max(ind.rectify_days, 1))


def follow_up(ledger: Ledger, report: AuditReport, fixed_dates: dict[str, dt.date] | None = None) -> list[LedgerItem]:
    """Update every open item of the ledger against ``report`` (an audit after the circular) and return the
    items, overdue first. ``fixed_dates``: id → when the repository shows the problem was put right."""
    current = {f.id for f in report.findings}
    out = []
    for item in ledger.items.values():
        if item.issued_on > report.as_of:
            continue  # issued after this audit's date: not yet due for follow-up
        if item.status == "fixed":
            out.append(item)
            continue
        item.checked_on = report.as_of
        if item.id not in current:
            if item.deadline is None:
                item.status = "recorded"
            else:
                item.status = "fixed"
                item.fixed_on = (fixed_dates or {}).get(item.id) or report.as_of
        elif item.deadline is None:
            item.status = "recorded"
        else:
            item.status = "overdue" if report.as_of > item.deadline else "open"
        out.append(item)
    order = {"overdue": 0, "open": 1, "fixed": 2, "recorded": 3}
    out.sort(key=lambda i: (order.get(i.status, 4), i.deadline or dt.date.max, i.unit, i.id))
    return out


def when_fixed(items: list[LedgerItem], report: AuditReport, last_change: dict[str, dt.date],
               added: dict[tuple[str, str], list[dt.date]]) -> dict[str, dt.date]:
    """The day each item no longer found was put right, as the repository tells it: for a column, the first new
    page after the circular (freshness); otherwise the last change after the circular of the page or unit file
    the item pointed at. ``added``: (unit, column) → days pages were added there, oldest first."""
    current = {f.id for f in report.findings}
    out: dict[str, dt.date] = {}
    for item in items:
        if item.id in current or item.status == "fixed":
            continue
        first = next((d for d in added.get((item.unit, item.column), ()) if d >= item.issued_on), None)
        if item.area in ("freshness", "coverage") and first and first <= report.as_of:
            out[item.id] = first
        elif item.path in last_change and item.issued_on <= last_change[item.path] <= report.as_of:
            out[item.id] = last_change[item.path]
    return out


def enter(ledger: Ledger, findings: list[AuditFinding], scheme: Scheme, number: str, issued_on: dt.date) -> list[LedgerItem]:
    """Enter a circular's problems (errors and warnings) in the ledger; an item already open keeps its first
    circular and deadline (the deadline does not move because the problem was circulated again)."""
    entered = []
    for f in findings:
        if f.severity == "info" or not f.unit:
            continue
        old = ledger.items.get(f.id)
        if old and old.status in ("open", "overdue", "recorded"):
            entered.append(old)
            continue
        item = LedgerItem(f.id, f.unit, f.area, f.rule, f.message, f.article, f.fix, f.path, f.column, number,
                          issued_on, deadline_for(f, scheme, issued_on), checked_on=issued_on,
                          responsible=f.responsible)
        item.status = "recorded" if item.deadline is None else "open"
        ledger.items[f.id] = item
        entered.append(item)
    return entered
