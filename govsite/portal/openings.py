"""Opening and closing of unit pages on the portal (网页开通与关停, Art. 8 and 10).

A unit's pages appear only with the office's opening approval and a published opening announcement
(Art. 8); a unit past its approved close date is closed, and a closing notice shorter than the 15 working
days Art. 10 asks for is reported while the build goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from govsite.core import workdays
from govsite.portal import render
from govsite.portal.catalog import Catalog
from govsite.portal.verdict import UnitProblem

log = logging.getLogger("mkdocs.govsite")


def open_units(units: dict[str, Any], today: dt.date) -> tuple[dict[str, Any], set[str]]:
    """Units whose pages are open on ``today``, and the ids of those already closed (past ``close_on``)."""
    open_: dict[str, Any] = {}
    closed: set[str] = set()
    for uid, u in units.items():
        cl = u.closing
        if cl is not None and cl.close_on is not None and today > cl.close_on:
            closed.add(uid)
            continue
        if cl is not None and cl.announced_on and cl.close_on:
            days = workdays.notice_working_days(cl.announced_on, cl.close_on)
            if days < workdays.CLOSING_NOTICE_DAYS:
                log.warning("%s：关停公告期只有 %d 个工作日（%s 至 %s），少于《管理办法》第十条要求的 15 个工作日。"
                            "请把关停日期 close_on 推迟到 %s 或以后。", u.path, days, cl.announced_on, cl.close_on,
                            workdays.earliest_close(cl.announced_on))
        open_[uid] = u
    return open_, closed


def unit_problems(root: Path, units: dict[str, Any]) -> list[UnitProblem]:
    """Units that may not have pages on the portal yet (Art. 8)."""
    out = []
    for _uid, unit in sorted(units.items()):
        if unit.opened is None:
            out.append(UnitProblem(unit.path, f"单位“{unit.name}”没有开通记录（opened）。依据《管理办法》第八条，"
                                              "须经县政府办公室批准并发布开通公告后方可开设网页。"))
        elif not unit.opened.announcement or not (root / "content" / unit.opened.announcement).is_file():
            out.append(UnitProblem(unit.path, f"单位“{unit.name}”的开通公告稿件 content/{unit.opened.announcement} "
                                              "不存在。请先提交开通公告（第八条）。"))
    return out


def notices(units: dict[str, Any], catalog: Catalog, today: dt.date) -> list[render.Notice]:
    """Closing notices still running, then opening announcements, newest first."""
    def url(src: str) -> str:
        a = catalog.by_src.get(src)
        return a.url if a else ""

    out: list[render.Notice] = []
    for u in units.values():
        cl = u.closing
        if cl is not None and (cl.close_on is None or today <= cl.close_on):
            out.append(render.Notice("closing", u.id, u.name, cl.approval, cl.close_on, cl.announced_on,
                                     url(cl.announcement), cl.reason))
    for u in units.values():
        op = u.opened
        if op is not None:
            out.append(render.Notice("opening", u.id, u.name, op.approval, op.date, op.approved_on,
                                     url(op.announcement)))
    far = dt.date(9999, 1, 1)
    out.sort(key=lambda n: (n.kind != "closing", -(n.announced or n.day or far).toordinal(), n.unit_id))
    return out
