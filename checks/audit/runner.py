"""Assemble the audit for one date: history → snapshot → per-unit rules → single-veto items → scores."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from checks.audit import coverage, freshness, links, media, roster, timeliness
from checks.audit.history import History, read_blobs, read_history, tree_files
from checks.audit.model import AuditReport, ColumnState, Issue, UnitResult, VetoItem, score
from checks.model.units import Unit, parse_unit
from checks.project import Project

Progress = Callable[[str, int, int], None]
SERIOUS_CATEGORIES = ("secrecy", "political")
_FRONT = re.compile(r"\A---\n(.*?)\n---", re.S)
_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.M)
_FORMED = re.compile(r"^formed:\s*['\"]?(\d{4}-\d{2}-\d{2})", re.M)


@dataclass
class PageInfo:
    path: str
    unit: str
    column: str
    title: str
    formed: dt.date | None
    published: dt.date | None


def front_facts(text: str) -> tuple[str, dt.date | None]:
    """(title, formed) from a page's front matter, without a full YAML parse (speed on 10,000 pages)."""
    m = _FRONT.match(text)
    if not m:
        return "", None
    fm = m.group(1)
    t = _TITLE.search(fm)
    f = _FORMED.search(fm)
    title = t.group(1).strip("'\"") if t else ""
    try:
        formed = dt.date.fromisoformat(f.group(1)) if f else None
    except ValueError:
        formed = None
    return title, formed


def _units_at(project: Project, sha: str, notes: list[str]) -> dict[str, Unit]:
    files = tree_files(project.root, sha, "units/")
    blobs = read_blobs(project.root, list(files.values()))
    cats = set(project.categories) or None
    out: dict[str, Unit] = {}
    for path, blob in sorted(files.items()):
        if not path.endswith((".yml", ".yaml")) or path.count("/") != 1:
            continue
        text = blobs.get(blob, b"").decode("utf-8", "replace")
        unit, problems = parse_unit(text, path, Path(path).stem, cats)
        if unit is None:
            notes.append(f"{path} 在提交 {sha[:10]} 中无法解析，已跳过该单位（先运行 govsite check 修正）。")
            continue
        out[unit.id] = unit
    return out


def _page_infos(project: Project, hist: History, index: int, notes: list[str]) -> list[PageInfo]:
    infos: list[PageInfo] = []
    if hist.commits:
        snap = hist.snapshot(index)
        blobs = read_blobs(project.root, [s.blob for s in snap.values() if s.path.endswith(".md")])
        for path, s in snap.items():
            parts = path.split("/")
            if not path.endswith(".md") or len(parts) < 4:
                continue
            title, formed = front_facts(blobs.get(s.blob, b"").decode("utf-8", "replace").replace("\r\n", "\n"))
            infos.append(PageInfo(path, parts[1], parts[2], title, formed, s.published.date()))
    else:
        notes.append("仓库没有 git 提交记录：所有稿件都没有发布日期，按“未更新”计算（国家指标：无发布日期视为未更新）。")
        for p in project.content_files():
            rel = project.rel(p)
            parts = rel.split("/")
            if len(parts) < 4:
                continue
            title, formed = front_facts(p.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n"))
            infos.append(PageInfo(rel, parts[1], parts[2], title, formed, None))
    return infos


def _months_back(as_of: dt.date, n: int) -> list[dt.date]:
    return [freshness.add_months(as_of, -k) for k in range(n - 1, -1, -1)]


def _serious_errors(project: Project, notes: list[str]) -> tuple[list, bool]:
    try:
        from checks.engine import check_paths
    except Exception as exc:  # engine not importable
        notes.append(f"检查引擎不可用（{type(exc).__name__}），“严重错误”单项否决指标未判定。")
        return [], False
    try:
        run = check_paths(project, project.content_files())
    except Exception as exc:
        notes.append(f"检查引擎运行失败（{type(exc).__name__}: {exc}），“严重错误”单项否决指标未判定。")
        return [], False
    findings = getattr(run, "findings", run)
    serious = [f for f in findings if f.severity == "error" and f.category in SERIOUS_CATEGORIES
               and not getattr(f, "suppressed", False)]
    return serious, True


def run_audit(root: Path, as_of: dt.date | None = None, site_dir: Path | None = None, online: bool = False,
              run_checks: bool = True, periods: int = 12, progress: Progress | None = None) -> AuditReport:
    project = Project(root)
    notes: list[str] = []
    hist = read_history(project.root)
    explicit = as_of is not None
    as_of = as_of or dt.date.today()
    index = hist.index_at(as_of) if hist.commits else -1
    sha = hist.commits[index].sha if index >= 0 else ""
    if hist.commits and index < 0:
        notes.append(f"{as_of} 之前仓库还没有任何提交。")
    if progress:
        progress("读取历史", 1, 4)
    if sha:
        units = _units_at(project, sha, notes)
    else:
        units = dict(project.units)
    categories = project.categories
    if not categories:
        notes.append("没有找到公开类别清单（checks/packs/lists/disclosure.yml），未检查公开内容覆盖。")
    pages = _page_infos(project, hist, index, notes)
    if progress:
        progress("读取稿件", 2, 4)
    by_col: dict[tuple[str, str], list[dt.date]] = {}
    for p in pages:
        if p.published:
            by_col.setdefault((p.unit, p.column), []).append(p.published)
    existing = {p.path for p in pages}
    county = str(project.site.get("county") or "")
    results: dict[str, UnitResult] = {}
    all_states: list[ColumnState] = []
    unit_last: dict[str, dt.date] = {}
    for p in pages:
        if p.published and (p.unit not in unit_last or p.published > unit_last[p.unit]):
            unit_last[p.unit] = p.published
    for uid, unit in sorted(units.items()):
        if unit.opened and unit.opened.date and unit.opened.date > as_of:
            continue
        r = UnitResult(uid, unit.display_name, unit.kind)
        states = [freshness.column_state(unit, cid, by_col.get((uid, cid), []), as_of) for cid in unit.columns]
        r.columns = states
        all_states.extend(states)
        r.issues += freshness.column_issues(unit, states, as_of)
        r.issues += timeliness.closing_issues(unit, existing)
        if categories:
            r.issues += coverage.coverage_issues(unit, categories, states)
        r.issues += media.media_issues(unit, as_of, county)
        r.issues += roster.roster_issues(unit, as_of)
        results[uid] = r
    for p in pages:
        if p.formed and p.published and p.unit in results:
            issue = timeliness.late_page(p.unit, p.path, p.title, p.formed, p.published)
            if issue:
                results[p.unit].issues.append(issue)
    homepage_last = max((p.published for p in pages if p.published), default=None)
    veto = freshness.veto_items(all_states, homepage_last, as_of)
    site_issues: list[Issue] = []
    # serious errors: the checks engine over the working tree (only meaningful for the current state)
    if run_checks and not (explicit and hist.commits and index != len(hist.commits) - 1):
        if progress:
            progress("内容检查", 3, 4)
        serious, decided = _serious_errors(project, notes)
        veto.append(VetoItem("serious-errors", "严重表述错误、泄密等严重错误", bool(serious), decided,
                             [f"{f.path}:{f.line} [{f.rule}] {f.message}" for f in serious[:20]]))
        for f in serious:
            uid = f.path.split("/")[1] if f.path.startswith("content/") and f.path.count("/") >= 3 else ""
            if uid in results:
                results[uid].veto_reasons.append(f"严重错误：{f.path}:{f.line} {f.message}")
    else:
        veto.append(VetoItem("serious-errors", "严重表述错误、泄密等严重错误", False, False, [],
                             "历史日期或 --no-checks：内容检查只针对当前工作区，未判定。"))
    # interaction channel
    url = str(project.site.get("interaction_url") or "")
    evidence = [f"site_config/site.yml interaction_url: {url or '（未填写）'}"]
    failed = not url
    if url and site_dir is not None and (site_dir / "index.html").is_file():
        home = (site_dir / "index.html").read_text(encoding="utf-8", errors="replace")
        if url not in home:
            failed = True
            evidence.append(f"构建结果首页 {site_dir / 'index.html'} 中找不到互动交流渠道链接")
    veto.append(VetoItem("interaction", "互动交流渠道缺失（第二十五条）", failed, True, evidence,
                         "留言答复时限无法从仓库判定，请在互动平台核查。"))
    if failed:
        site_issues.append(Issue("veto.interaction", "error", "",
                                 "网站没有可用的互动交流渠道（site_config/site.yml 的 interaction_url 未填写或首页没有链接），"
                                 "属国家检查指标单项否决项（第二十五条）。",
                                 "在 site_config/site.yml 中填写 interaction_url 并重新构建网站。", "第二十五条",
                                 path="site_config/site.yml"))
    # links over the built site
    if site_dir is not None:
        if site_dir.is_dir():
            allow = {str(d).lower() for d in project.lists.get("allowed_domains", []) if isinstance(d, str)}
            cb = (lambda n, t: progress("检查链接", n, t)) if progress else None
            found, stats = links.link_issues(site_dir, set(results), online=online, allow=allow, progress=cb)
            for i in found:
                (results[i.unit].issues if i.unit in results else site_issues).append(i)
            notes.append(f"链接检查：{stats['html_pages']} 个页面，站内链接 {stats['internal_links']} 个，"
                         f"外部链接 {stats['external_links']} 个" +
                         (f"（联网检查白名单内 {stats['external_checked']} 个）" if online else "（未联网检查，需要时加 --online）"))
        else:
            notes.append(f"构建目录 {site_dir} 不存在，未检查链接（先运行 govsite build）。")
    else:
        notes.append("没有构建结果（site/），未检查链接；先运行 govsite build 或用 --site 指定目录。")
    # per-unit veto status and score
    for uid, r in results.items():
        last = unit_last.get(uid)
        if last is None or (as_of - last).days > freshness.HOMEPAGE_DAYS:
            r.veto_reasons.append(f"单位网页超过2周无新信息（最近发布 {last or '无'}）")
        for v in freshness.veto_items(r.columns, last, as_of)[1:]:
            if v.failed:
                r.veto_reasons.append(f"{v.title}：{v.evidence[0]}")
        r.veto = bool(r.veto_reasons)
        r.score = score(r.issues)
    if progress:
        progress("趋势", 4, 4)
    _trends(hist, units, results, as_of, periods)
    site_name = str(project.site.get("name") or project.root.name)
    return AuditReport(as_of, sha, site_name, results, site_issues, veto, notes, len(pages), homepage_last)


def _trends(hist: History, units: dict[str, Unit], results: dict[str, UnitResult], as_of: dt.date, periods: int) -> None:
    """Freshness score per unit at each of the last ``periods`` month ends, and pages added per month."""
    if not hist.commits:
        return
    ends = _months_back(as_of, periods)
    for end in ends:
        idx = hist.index_at(end)
        snap = hist.snapshot(idx) if idx >= 0 else {}
        by_col: dict[tuple[str, str], list[dt.date]] = {}
        for path, s in snap.items():
            parts = path.split("/")
            if len(parts) >= 4:
                by_col.setdefault((parts[1], parts[2]), []).append(s.published.date())
        for uid, r in results.items():
            unit = units[uid]
            if unit.opened and unit.opened.date and unit.opened.date > end:
                r.trend.append((end.strftime("%Y-%m"), 0.0))
                continue
            states = [freshness.column_state(unit, cid, by_col.get((uid, cid), []), end) for cid in unit.columns]
            r.trend.append((end.strftime("%Y-%m"), score(freshness.column_issues(unit, states, end))))
    months = [d.strftime("%Y-%m") for d in ends]
    counts: dict[tuple[str, str], int] = {}
    for path, when in hist.first_added().items():
        parts = path.split("/")
        if len(parts) >= 4 and when.date() <= as_of:
            key = (parts[1], when.strftime("%Y-%m"))
            counts[key] = counts.get(key, 0) + 1
    for uid, r in results.items():
        r.pages_per_month = [(m, counts.get((uid, m), 0)) for m in months]
