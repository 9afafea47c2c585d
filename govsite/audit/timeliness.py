"""Timeliness: formed → published within 20 working days (Art. 21); 15-working-day closing notices (Art. 10)."""

from __future__ import annotations

from govsite.core import workdays
from govsite.audit.model import AuditFinding
from govsite.audit.snapshot import Snapshot

LIMIT = 20
CLOSING_MIN = workdays.CLOSING_NOTICE_DAYS
ART21 = "《管理办法》第二十一条（自信息形成或变更之日起20个工作日内公开发布）"
ART10 = "《管理办法》第十条（变更、关停、注销须公告，公告时间不少于15个工作日）"
FORGED = "政府网站与政务新媒体检查指标·单项否决（虚假或伪造内容，含伪造发布日期）；《管理办法》第二十一条"


def audit_timeliness(snap: Snapshot, window_days: int | None = None) -> tuple[list[AuditFinding], set[int]]:
    """Pages published more than 20 working days after ``formed``; pages 'formed' after they were published.

    Only pages whose current content was published within ``window_days`` before the audit date are
    judged (None: all). Returns the findings and the years the official calendar did not cover.
    """
    findings: list[AuditFinding] = []
    uncovered: set[int] = set()
    for p in sorted(snap.pages.values(), key=lambda p: p.path):
        if p.formed is None:
            continue
        published = p.first_published  # 发布日期: its first publication; a later correction is an 更新 (issue 18)
        if window_days is not None and (snap.as_of - published).days > window_days:
            continue
        if p.formed > published:
            findings.append(AuditFinding(
                "timeliness", "audit.timeliness.formed-after-publish", "error", p.unit,
                f"稿件《{p.title}》的形成日期 {p.formed} 晚于它的发布日期 {published}（发布日期取自 git），"
                "形成日期不可信。", FORGED,
                "请核对并改正 formed 字段为信息实际形成或变更的日期；发布日期由系统自动记录，不能手填。",
                path=p.path, column=p.column,
                evidence={"formed": p.formed.isoformat(), "published": published.isoformat()}))
            continue
        # late is published after the 20th working day, whatever kind of day the publication falls on: counting
        # working days up to it would stand still over a holiday (formed 2025-09-03, due 09-30, out on 10-03)
        due = workdays.add_working_days(p.formed, LIMIT)
        uncovered.update(workdays.uncovered_years(p.formed, published))
        if published > due:
            n = workdays.working_days_after(p.formed, published)
            findings.append(AuditFinding(
                "timeliness", "audit.timeliness.late", "warning", p.unit,
                f"稿件《{p.title}》形成于 {p.formed}，应在第20个工作日（{due}）之前发布，实际发布于 {published}，"
                f"晚了 {(published - due).days} 天（形成后第 {n} 个工作日）。", ART21,
                "请本单位信息员和审核人在信息形成后20个工作日内完成三审三校并发布；形成日期应写信息实际形成或最后变更的日期。",
                path=p.path, column=p.column,
                evidence={"formed": p.formed.isoformat(), "published": published.isoformat(), "working_days": n,
                          "deadline": due.isoformat()}))
    return findings, uncovered


def audit_closing(snap: Snapshot) -> tuple[list[AuditFinding], set[int]]:
    """A closing notice must run at least 15 working days (Art. 10, counted as :mod:`govsite.core.workdays` says)."""
    findings: list[AuditFinding] = []
    uncovered: set[int] = set()
    for unit in snap.units.values():
        c = unit.closing
        if c is None or c.announced_on is None or c.close_on is None:
            continue
        ann = c.announcement.strip()
        notice = snap.pages.get(f"content/{ann}") if ann else None
        # Art. 10 counts from when the notice was public: the day its page reached the published branch (issue 18)
        start = notice.first_published if notice is not None else c.announced_on
        n = workdays.notice_working_days(start, c.close_on)
        uncovered.update(workdays.uncovered_years(start, c.close_on))
        earliest = workdays.earliest_close(start, CLOSING_MIN)
        ev = {"announced_on": c.announced_on.isoformat(), "public_on": start.isoformat(),
              "close_on": c.close_on.isoformat(), "working_days": n, "earliest_close_on": earliest.isoformat()}
        if n < CLOSING_MIN:
            typed = (f"（单位文件中写的公告日期是 {c.announced_on}，但公告稿件实际 {start} 才在网站上发布，从发布之日起算）"
                     if start != c.announced_on else "")
            findings.append(AuditFinding(
                "closing", "audit.closing.notice-short", "error", unit.id,
                f"{unit.display_name}的关停公告自 {start} 起至 {c.close_on} 关停，公告期只有 {n} 个工作日，"
                f"少于15个工作日{typed}。", ART10,
                f"请本单位报县政府办公室，把 units/{unit.id}.yml 中的关停日期 closing.close_on 推迟到 {earliest} 或以后"
                "（按国家法定节假日和调休安排计算）。",
                path=f"units/{unit.id}.yml", evidence=ev))
        if ann and f"content/{ann}" not in snap.pages and c.announced_on <= snap.as_of:
            findings.append(AuditFinding(
                "closing", "audit.closing.no-announcement", "error", unit.id,
                f"{unit.display_name}的关停公告稿件 content/{ann} 在 {snap.as_of} 时尚未发布。", ART10,
                "请先发布关停公告稿件，再开始计算公告期。", path=f"units/{unit.id}.yml", evidence=ev))
    return findings, uncovered
