"""National single-veto indicators (单项否决指标) decidable from the repository and the built site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from govsite.audit.model import AuditFinding, ColumnState, VetoItem
from govsite.audit.snapshot import Snapshot

NEWS_CATEGORIES = {"news"}
NOTICE_CATEGORIES = {"notices", "policy"}
SERIOUS_CATEGORIES = {"political", "secrecy", "sensitive"}
SERIOUS_RULES = {"typo.proper-name"}
ART_SERIOUS = "政府网站与政务新媒体检查指标·单项否决（严重错别字、虚假伪造、反动暴力色情、泄露国家秘密）；《管理办法》第十六条"
ART_INTERACT = "政府网站与政务新媒体检查指标·单项否决（互动交流渠道不可用）；《管理办法》第二十五条"


def serious_errors(root: Path, snap: Snapshot, cached_only: bool = False) -> tuple[list[AuditFinding], str]:
    """Error-severity political/secrecy/sensitive/proper-name findings of the compliance checks on the pages.

    Runs on the working tree, and only when the audit is of the current revision (HEAD); returns a note otherwise.
    ``cached_only``: use the checks' result cache, and only when it holds every page (else a note).
    """
    if not snap.is_head:
        return [], "审计日期早于最新提交，严重错误检查只对当前内容进行，本次未检查（可检出该日期的提交后再运行）。"
    paths = [root / p for p in snap.pages if (root / p).is_file()]
    if cached_only and not _all_cached(root, paths):
        return [], ("看板不重新运行合规检查，而本仓库还没有全部稿件的检查结果（运行 govsite check 后重新构建，"
                    "看板即与 govsite audit 的结论一致）。")
    run = _run_serious_checks(root, paths)
    out: list[AuditFinding] = []
    for f in run.findings:
        if f.suppressed or f.severity != "error":
            continue
        if f.category not in SERIOUS_CATEGORIES and f.rule not in SERIOUS_RULES:
            continue
        page = snap.pages.get(f.path)
        out.append(AuditFinding(
            "serious", "audit.serious." + f.rule, "error", page.unit if page else "",
            f"{f.path} 第 {f.line} 行：{f.message}", ART_SERIOUS,
            (f"请改为“{f.suggestion}”，" if f.suggestion else "请立即修改或撤下该稿件，")
            + "并用 govsite check 复查；该类错误会导致网站单项否决。",
            path=f.path, column=page.column if page else "",
            evidence={"rule": f.rule, "category": f.category, "line": f.line}))
    return out, ""


ART_EXEMPT = "《管理办法》第十六条、第十七条（错误级别问题的豁免须经二审认可，个人隐私、保密类问题的豁免须经三审认可）"
EXEMPT_TIERS = {"2": "二审（科室负责人）", "3": "三审（分管负责人）"}


def exemptions(root: Path, snap: Snapshot) -> list[AuditFinding]:
    """Every exemption written in a published page (``<!-- govsite: allow 规则 理由 -->``), with its reason and who
    must accept it: an exemption hides a finding from every later report, so the audit lists them all."""
    from govsite.compliance.exemptions import page_exemptions  # noqa: PLC0415

    if not snap.is_head:
        return []
    out: list[AuditFinding] = []
    for path in sorted(snap.pages):
        try:
            text = (root / path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        page = snap.pages[path]
        for e in page_exemptions(text):
            need = "、".join(EXEMPT_TIERS[t] for t in e.tiers)
            out.append(AuditFinding(
                "exemptions", "audit.exemption." + e.rule, "warning" if "3" in e.tiers else "info", page.unit,
                f"{path} 第 {e.line} 行豁免了 {e.rule}（理由：{e.reason or '未写理由'}）"
                + (f"，须经{need}认可" if need else "，无须审核人认可"), ART_EXEMPT,
                "请核实豁免理由属实、确有必要，并已在审核意见中认可（govsite review status 查看）；不应豁免的，请改正稿件后删除豁免。",
                path=path, column=page.column, evidence={"rule": e.rule, "line": e.line, "reason": e.reason,
                                                         "tiers": list(e.tiers)}))
    return out


def _all_cached(root: Path, paths: list[Path]) -> bool:
    from checks.engine import blob_id  # noqa: PLC0415
    from govsite.compliance.cache import ResultCache, fingerprint  # noqa: PLC0415
    from govsite.compliance.context import checker_for  # noqa: PLC0415
    from govsite.core.county import County  # noqa: PLC0415

    project = County(root)
    cache = ResultCache(project.root, fingerprint(project, checker_for(project).ruleset))
    try:
        return all(cache.get(project.rel(p), blob_id(p.read_bytes())) is not None for p in paths)
    except OSError:
        return False


def _run_serious_checks(root: Path, paths: list[Path]):
    """The compliance engine on ``paths``: from the shared result cache when `govsite check` has filled it,
    else only the serious-error rules, uncached (so the shared cache of the full rule set is left alone)."""
    import dataclasses  # noqa: PLC0415

    from govsite.compliance.cache import ResultCache, fingerprint  # noqa: PLC0415
    from govsite.compliance.context import checker_for  # noqa: PLC0415
    from govsite.compliance.run import check_paths  # noqa: PLC0415
    from govsite.core.county import County  # noqa: PLC0415

    project = County(root)
    full = checker_for(project)
    cached = ResultCache(project.root, fingerprint(project, full.ruleset)).entries
    if paths and len(cached) >= len(paths) // 2:
        return check_paths(project, paths, use_cache=True, checker=full)
    rs = full.ruleset
    keep = {k: r for k, r in rs.rules.items() if r.category in SERIOUS_CATEGORIES or k in SERIOUS_RULES}
    serious = dataclasses.replace(rs, rules=keep, fingerprint=rs.fingerprint + "+audit-serious")
    return check_paths(project, paths, use_cache=False, checker=checker_for(project, serious))


def interaction(site: dict, site_dir: Path | None) -> tuple[list[AuditFinding], VetoItem]:
    url = str(site.get("interaction_url") or "").strip()
    if not url.startswith(("http://", "https://", "/")):
        f = AuditFinding("interaction", "audit.interaction.missing", "error", "",
                         "site_config/site.yml 没有填写有效的互动交流渠道地址 interaction_url，各页面无法链接到留言渠道。",
                         ART_INTERACT, "请在 site_config/site.yml 中填写 interaction_url（县政府门户网站的留言渠道网址）。",
                         path="site_config/site.yml")
        return [f], VetoItem("interaction", "互动交流渠道", "fail", "未配置 interaction_url。")
    if site_dir is not None and (site_dir / "index.html").is_file():
        html = (site_dir / "index.html").read_text(encoding="utf-8", errors="replace")
        if url not in html:
            f = AuditFinding("interaction", "audit.interaction.not-linked", "error", "",
                             f"构建出的首页 index.html 中找不到互动交流渠道链接 {url}。", ART_INTERACT,
                             "请检查站点模板，确保首页和各单位页面都链接到互动交流渠道。", path="site_config/site.yml")
            return [f], VetoItem("interaction", "互动交流渠道", "fail", f"首页未链接 {url}。")
        return [], VetoItem("interaction", "互动交流渠道", "pass", f"已配置 {url}，首页有链接。")
    return [], VetoItem("interaction", "互动交流渠道", "pass",
                        f"已配置 {url}（未提供构建站点，未核对页面链接；留言回复情况需在互动平台核查）。")


def decide(snap: Snapshot, columns: list[ColumnState], newest: dt.date | None, serious: list[AuditFinding],
           serious_note: str, interaction_item: VetoItem) -> list[VetoItem]:
    items: list[VetoItem] = []
    age = (snap.as_of - newest).days if newest else None
    items.append(VetoItem(
        "homepage", "首页连续2周无新信息", "fail" if age is None or age > 14 else "pass",
        f"最近一篇新稿件发布于 {newest}，距审计日 {age} 天（限 14 天）。" if newest else "没有任何已发布稿件。"))
    two_weeks = snap.as_of - dt.timedelta(days=14)
    six_months = _months_before(snap.as_of, 6)
    news_stale = [c for c in columns if c.category in NEWS_CATEGORIES
                  and (c.last_published is None or c.last_published < two_weeks)]
    notice_stale = [c for c in columns if c.category in NOTICE_CATEGORIES
                    and (c.last_published is None or c.last_published < six_months)]
    a = len(news_stale) + len(notice_stale)
    stale = [c for c in columns if c.status in ("stale", "empty")]
    empty = [c for c in columns if c.status == "empty"]
    name = lambda c: f"{c.unit}/{c.column}（{c.title}）"  # noqa: E731
    items.append(VetoItem(
        "columns-news", "动态要闻类2周未更新＋通知公告/政策文件类6个月未更新的栏目达5个", "fail" if a >= 5 else "pass",
        f"动态要闻类 {len(news_stale)} 个、通知公告/政策文件类 {len(notice_stale)} 个，合计 {a} 个（限 4 个）。",
        [name(c) for c in news_stale + notice_stale]))
    items.append(VetoItem(
        "columns-stale", "应更新而未更新的栏目达10个", "fail" if len(stale) >= 10 else "pass",
        f"未按更新周期更新（含空白）的栏目 {len(stale)} 个（限 9 个）。", [name(c) for c in stale]))
    items.append(VetoItem(
        "columns-empty", "空白栏目达5个", "fail" if len(empty) >= 5 else "pass",
        f"空白栏目 {len(empty)} 个（限 4 个）。", [name(c) for c in empty]))
    name_s = "严重错误（错别字、虚假伪造、违法有害、泄密）"
    if serious:
        # a forged date fails the item by itself; say separately that the checks did not run, not beside 否决
        forged = sum(1 for f in serious if f.area == "timeliness")
        found = (f"发现伪造发布日期 {forged} 处" + (f"、严重错误 {len(serious) - forged} 处" if len(serious) > forged else "")
                 + "。")
        unchecked = f"另：合规检查的严重错误部分未判定（{serious_note.rstrip('。')}）。" if serious_note else ""
        items.append(VetoItem("serious", name_s, "fail", found + unchecked, [f.message for f in serious[:50]]))
    elif serious_note:
        items.append(VetoItem("serious", name_s, "unknown", serious_note))
    else:
        items.append(VetoItem("serious", name_s, "pass", "合规检查未发现严重错误，也没有形成日期晚于发布日期的稿件。"))
    items.append(interaction_item)
    items.append(VetoItem("availability", "首页可用性（监测不少于一周）", "unknown",
                          "需外部持续监测（每天20次以上、15秒超时），本工具不判定。"))
    return items


def _months_before(day: dt.date, months: int) -> dt.date:
    from govsite.audit.freshness import add_months  # noqa: PLC0415

    return add_months(day, -months)
