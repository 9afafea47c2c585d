"""Column freshness (Art. 23) and the homepage rule of the national indicators."""

from __future__ import annotations

import calendar
import datetime as dt

from govsite.audit.model import AuditFinding, ColumnState
from govsite.audit.snapshot import PageInfo, Snapshot, page_counts_by_column
from govsite.core.units import UPDATE_NAMES, Unit

LIMIT_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "yearly": 12, "realtime": 12}
LIMIT_TEXT = {"weekly": "1周（7天）", "monthly": "1个月", "quarterly": "3个月", "semiannual": "6个月",
              "yearly": "1年", "realtime": "1年"}
# early warning (预警): this many days before the deadline
WARN_DAYS = {"weekly": 2, "monthly": 7, "quarterly": 14, "semiannual": 30, "yearly": 30, "realtime": 30}
ARTICLE = {
    "weekly": "《管理办法》第二十三条第（一）项（动态要闻类栏目更新间隔不超过1周）",
    "monthly": "《管理办法》第二十三条第（三）项（月度栏目更新间隔不超过1个月）",
    "quarterly": "《管理办法》第二十三条第（三）项（季度栏目更新间隔不超过3个月）",
    "semiannual": "《管理办法》第二十三条第（二）项（公示公告、政策文件类栏目更新间隔不超过6个月）",
    "yearly": "《管理办法》第二十三条第（三）项（年度栏目更新间隔不超过1年）",
    "realtime": "《管理办法》第二十三条第（四）项（无法辨别周期的栏目原则上更新周期不得超过1年）",
}
# Art. 23: a column's category fixes its longest interval; a unit may declare a stricter one, never a looser one
CATEGORY_CAP = {"news": "weekly", "notices": "semiannual", "policy": "semiannual"}
_RANK = {"weekly": 0, "monthly": 1, "quarterly": 2, "semiannual": 3, "yearly": 4, "realtime": 4}


def effective_update(update: str, category: str) -> str:
    """The update class the audit holds a column to: the declared one, unless its category allows less."""
    cap = CATEGORY_CAP.get(category, "yearly")
    return update if _RANK.get(update, 4) <= _RANK[cap] else cap


EMPTY_ARTICLE = "《管理办法》第二十三条第（五）项（空白栏目视为应更新但长期未更新）；国家检查指标单项否决项（空白栏目）"
HOMEPAGE_DAYS = 14
HOMEPAGE_ARTICLE = "政府网站与政务新媒体检查指标·单项否决（首页连续2周无新信息）；《管理办法》第二十六条"


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deadline(last: dt.date, update: str) -> dt.date:
    """Last day on which the column still counts as updated: weekly 7 days, else calendar months."""
    if update == "weekly":
        return last + dt.timedelta(days=7)
    return add_months(last, LIMIT_MONTHS.get(update, 12))


def column_state(unit: Unit, column_id: str, pages: list[PageInfo], as_of: dt.date) -> ColumnState:
    col = unit.columns[column_id]
    if not pages:
        since = unit.opened.date if unit.opened and unit.opened.date else None
        days = (as_of - since).days if since and since <= as_of else 0
        return ColumnState(unit.id, col.id, col.title, col.update, col.category, 0, None, None, days, "empty")
    last = max(p.first_published for p in pages)  # new information, not corrections of old pages
    update = effective_update(col.update, col.category)
    due = deadline(last, update)
    if as_of > due:
        status, stale = "stale", (as_of - due).days
    elif (due - as_of).days <= WARN_DAYS.get(update, 7):
        status, stale = "due", 0
    else:
        status, stale = "fresh", 0
    return ColumnState(unit.id, col.id, col.title, update, col.category, len(pages), last, due, stale, status)


def column_link(unit: str, column: str) -> str:
    return f"units/{unit}.yml#{column}"


def audit_freshness(snap: Snapshot) -> tuple[list[ColumnState], list[AuditFinding]]:
    by_col = page_counts_by_column(snap)
    states: list[ColumnState] = []
    findings: list[AuditFinding] = []
    for unit in snap.units.values():
        if unit.closing and unit.closing.close_on and unit.closing.close_on <= snap.as_of:
            continue  # closed units are not audited for updates
        for cid, col in unit.columns.items():
            st = column_state(unit, cid, by_col.get((unit.id, cid), []), snap.as_of)
            states.append(st)
            where = f"{unit.display_name}“{col.title}”栏目（content/{unit.id}/{cid}/）"
            owner = f"（责任人：{col.owner}）" if col.owner else ""
            ev = {"update": col.update, "required_update": st.update, "pages": st.pages,
                  "last_published": st.last_published.isoformat() if st.last_published else None,
                  "deadline": st.deadline.isoformat() if st.deadline else None, "as_of": snap.as_of.isoformat()}
            if st.status == "empty":
                findings.append(AuditFinding(
                    "freshness", "audit.freshness.empty", "error", unit.id,
                    f"{where}没有任何已发布的稿件，属于空白栏目。", EMPTY_ARTICLE,
                    f"请{owner}尽快在该栏目发布内容；确无内容的栏目应报县政府办公室同意后从栏目目录中撤销（units/{unit.id}.yml）。",
                    path=f"units/{unit.id}.yml", column=cid, evidence=ev))
            elif st.status == "stale":
                looser = (f"（栏目目录登记为“{UPDATE_NAMES.get(col.update, col.update)}”，但这类栏目按条例不得宽于"
                          f"“{UPDATE_NAMES.get(st.update, st.update)}”）" if st.update != col.update else "")
                findings.append(AuditFinding(
                    "freshness", "audit.freshness.stale", "error", unit.id,
                    f"{where}最近一篇新信息发布于 {st.last_published}，按“{UPDATE_NAMES.get(st.update, st.update)}”更新要求"
                    f"（不超过{LIMIT_TEXT[st.update]}）应在 {st.deadline} 前更新，已超期 {st.stale_days} 天{looser}。",
                    ARTICLE[st.update],
                    f"请{owner}立即发布该栏目的新信息（修改旧稿件不算更新），并按第二十二条落实更新责任制度。",
                    path=f"units/{unit.id}.yml", column=cid, evidence=ev))
            elif st.status == "due":
                findings.append(AuditFinding(
                    "freshness", "audit.freshness.due-soon", "info", unit.id,
                    f"{where}最近一篇新信息发布于 {st.last_published}，须在 {st.deadline} 前更新（还剩 "
                    f"{(st.deadline - snap.as_of).days} 天）。", ARTICLE[st.update],
                    f"请{owner}在期限前发布新信息，以免超期。", path=f"units/{unit.id}.yml", column=cid, evidence=ev))
    return states, findings


def audit_homepage(snap: Snapshot) -> tuple[dt.date | None, list[AuditFinding]]:
    """The portal shows something new at least every 2 weeks: newest first-publication across all pages."""
    newest = max((p.first_published for p in snap.pages.values()), default=None)
    findings: list[AuditFinding] = []
    ev = {"newest": newest.isoformat() if newest else None, "as_of": snap.as_of.isoformat()}
    if newest is None or (snap.as_of - newest).days > HOMEPAGE_DAYS:
        age = f"最近一篇新稿件发布于 {newest}，已 {(snap.as_of - newest).days} 天" if newest else "没有任何已发布稿件"
        findings.append(AuditFinding(
            "homepage", "audit.homepage.stale", "error", "",
            f"门户首页{age}没有新信息（超过2周）。", HOMEPAGE_ARTICLE,
            "请各单位立即发布新信息；县政府办公室应督促动态要闻类栏目每周更新。", evidence=ev))
    elif (snap.as_of - newest).days > HOMEPAGE_DAYS - 4:
        findings.append(AuditFinding(
            "homepage", "audit.homepage.due-soon", "info", "",
            f"门户首页最近一篇新稿件发布于 {newest}，须在 {newest + dt.timedelta(days=HOMEPAGE_DAYS)} 前有新信息。",
            HOMEPAGE_ARTICLE, "请尽快发布新信息。", evidence=ev))
    return newest, findings
