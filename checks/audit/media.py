"""New-media accounts (Art. 9, Art. 23(6))."""

from __future__ import annotations

import datetime as dt
import re

from checks.audit.freshness import add_months
from checks.audit.model import Issue, POINTS
from checks.model.units import Unit

MIN_FOLLOWERS = 5000
SILENT_DAYS = 7
_SUFFIX = re.compile(r"(人民政府|街道办事处|办事处|委员会|管理局|中心|政府|街道|镇|乡|局|委|办|处)$")


def tied_names(unit: Unit, county: str) -> list[str]:
    """Name fragments that tie an account to the unit: the names without their 镇/街道/局… suffix."""
    names = {unit.name, unit.short_name}
    county_core = re.sub(r"(县|市|区)$", "", county or "")
    out: set[str] = set()
    for n in filter(None, names):
        core = n
        if county and core.startswith(county):
            core = core[len(county):]
        core = _SUFFIX.sub("", core)
        if len(core) >= 2:
            out.add(core)
    if county_core and len(county_core) >= 2:
        out |= {county_core + c for c in out}
    return sorted(out)


def media_issues(unit: Unit, as_of: dt.date, county: str = "") -> list[Issue]:
    out: list[Issue] = []
    path = f"units/{unit.id}.yml"
    by_platform: dict[str, list] = {}
    for m in unit.new_media:
        if m.opened and m.opened > as_of:
            continue
        by_platform.setdefault(m.platform, []).append(m)
    for platform, accounts in by_platform.items():
        if len(accounts) > 1:
            out.append(Issue("media.duplicate", "error", unit.id,
                             f"{unit.display_name}在“{platform}”上登记了 {len(accounts)} 个账号（{'、'.join(a.name for a in accounts)}），"
                             "《管理办法》第九条规定同一单位在同一平台原则上只开设一个账号。",
                             "报县政府办公室批准后整合或关停多余账号，并在 units 文件中更新登记。", "第九条", path=path,
                             points=POINTS["media.duplicate"]))
    cores = tied_names(unit, county)
    for m in (m for ms in by_platform.values() for m in ms):
        label = f"{unit.display_name}的{m.platform}“{m.name}”"
        if not m.approval:
            out.append(Issue("media.approval", "error", unit.id, f"{label}没有登记县政府办公室的批准文号，违反《管理办法》第九条“先审批后开设”。",
                             "补录批准文号（approval）；未经批准开设的账号应关停。", "第九条", path=path,
                             points=POINTS["media.approval"]))
        if m.opened and add_months(m.opened, 12) <= as_of and (m.followers or 0) < MIN_FOLLOWERS:
            out.append(Issue("media.small", "warning", unit.id,
                             f"{label}开通于 {m.opened}，已满一年，关注量 {m.followers or 0}"
                             f"（统计日 {m.followers_on or '未填'}）不足 {MIN_FOLLOWERS}，按《管理办法》第九条应予清理整合。",
                             "报县政府办公室批准后关停或并入县级账号，并发布关停公告（第十条）。", "第九条", path=path,
                             points=POINTS["media.small"], data={"followers": m.followers}))
        if m.last_post is None or (as_of - m.last_post).days > SILENT_DAYS:
            idle = f"最近一次发布是 {m.last_post}，已 {(as_of - m.last_post).days} 天未更新" if m.last_post else "没有登记最近发布日期"
            out.append(Issue("media.silent", "error", unit.id,
                             f"{label}{idle}，《管理办法》第二十三条第（六）项要求政务新媒体每周至少更新一次。",
                             "本周内在该账号发布信息，并把 last_post 更新为实际发布日期。", "第二十三条第（六）项", path=path,
                             points=POINTS["media.silent"]))
        if cores and not any(c in m.name for c in cores):
            out.append(Issue("media.name", "warning", unit.id,
                             f"{label}的名称与单位名称没有对应关系（应含“{'”或“'.join(cores[:3])}”等），不符合《管理办法》第九条。",
                             "按“地区+单位简称”规范账号名称，并同步修改登记。", "第九条", path=path, points=POINTS["media.name"]))
    return out
