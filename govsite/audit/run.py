"""Run the whole audit for one date: the one entry point the CLI, the dashboard and the tests use."""

from __future__ import annotations

import datetime as dt
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from govsite.core import workdays
from govsite.audit.coverage import audit_coverage
from govsite.audit.freshness import audit_freshness, audit_homepage
from govsite.audit.timeline import read_timeline
from govsite.audit.sitelinks import Scan, audit_links
from govsite.audit.model import AuditFinding, AuditReport
from govsite.audit.newmedia import audit_new_media
from govsite.audit.keys import audit_roster
from govsite.audit.rectification import assign_actions, assign_ids
from govsite.audit.scheme import Scheme, load_scheme
from govsite.audit.score import score_units
from govsite.audit.snapshot import Snapshot, take_snapshot
from govsite.core.china import today_in_china
from govsite.audit.timeliness import audit_closing, audit_timeliness
from govsite.audit.veto import decide, exemptions, interaction, serious_errors

TIMELINESS_WINDOW_DAYS = 365  # judge pages published in the last year (one assessment period)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Progress:
    """A one-line progress bar on stderr, drawn only on a terminal and only once a run takes a while."""

    def __init__(self, enabled: bool | None = None, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, step: str, done: int = 0, total: int = 0) -> None:
        if not self.enabled or (time.monotonic() - self.start < 0.5 and not self.shown):
            return
        self.shown = True
        width = 24
        frac = done / total if total else 0.0
        bar = "█" * int(frac * width) + "░" * (width - int(frac * width))
        count = f" {done}/{total}" if total else ""
        self.stream.write(f"\r审计中 {bar} {step}{count}\033[K")
        self.stream.flush()

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


@dataclass
class RepositoryAudit:
    """Everything the audit finds in the repository itself, before the built site's links are checked
    (the build runs this while MkDocs starts, and the link part once the site is written)."""

    report: AuditReport
    snap: Snapshot
    site: dict
    columns: list
    newest: dt.date | None
    scheme: Scheme
    findings: list[AuditFinding] = field(default_factory=list)
    serious: list[AuditFinding] = field(default_factory=list)  # incl. forged dates: they veto too
    serious_note: str = ""
    hijack_terms: tuple[str, ...] = ()  # what a linked site that now serves gambling or porn shows (lists)


def run_audit(root: Path, as_of: dt.date | None = None, site_dir: Path | None = None, online: bool = False,
              allow: set[str] | None = None, run_checks: bool = True, timeout: float = 10.0, concurrency: int = 8,
              progress: Callable[..., None] | None = None, link_page_limit: int | None = None) -> AuditReport:
    step = progress or (lambda *a, **k: None)
    pre = audit_repository(root, as_of, run_checks, step)
    return finish_audit(pre, site_dir, online=online, allow=allow, timeout=timeout, concurrency=concurrency,
                        progress=step, link_page_limit=link_page_limit)


def audit_repository(root: Path, as_of: dt.date | None = None, run_checks: bool | str = True,
                     progress: Callable[..., None] | None = None) -> RepositoryAudit:
    """The part of the audit that reads only the repository (history, columns, timeliness, rosters…).
    ``run_checks``: True runs the compliance checks for 严重错误; ``"cached"`` reads them from the checks'
    result cache when it covers every page (the dashboard: it must not re-run them beside a build)."""
    from govsite.core.county import County  # noqa: PLC0415

    root = Path(root).resolve()
    step = progress or (lambda *a, **k: None)
    as_of = as_of or today_in_china()
    project = County(root)
    categories = project.categories
    site = project.site
    scheme = load_scheme(project.lists)  # a wrong weight stops here, before the history is read
    step("读取 git 历史")
    from govsite.git.repo import require_full_history  # noqa: PLC0415

    require_full_history(root)  # a shallow clone would date every page by its oldest fetched commit
    history = read_timeline(root)
    step("还原审计日的内容")
    snap = take_snapshot(root, as_of, set(categories) or None, history=history)
    report = AuditReport(as_of=as_of, commit=snap.commit, site_name=str(site.get("name") or ""),
                         pages=len(snap.pages))
    report.notes.extend(f"单位文件问题：{p}" for p in snap.unit_problems[:20])
    step("栏目更新")
    columns, fresh = audit_freshness(snap)
    newest, home = audit_homepage(snap)
    step("发布时效")
    late, uncovered = audit_timeliness(snap, TIMELINESS_WINDOW_DAYS)
    closing, unc2 = audit_closing(snap)
    uncovered |= unc2
    if uncovered:
        report.notes.append(
            f"{'、'.join(str(y) for y in sorted(uncovered))} 年不在 chinese-calendar 的节假日数据范围"
            f"（{workdays.FIRST_YEAR}—{workdays.LAST_YEAR} 年）内，这些年份按周一至周五计算工作日，"
            "未计入法定节假日和调休；请升级 chinese-calendar 后重新审计。")
    coverage = audit_coverage(snap, categories)
    media = audit_new_media(snap, str(site.get("county") or ""))
    roster = audit_roster(snap)
    serious, note = [], "未运行合规检查（--no-checks）。"
    if run_checks:
        step("合规检查（严重错误）")
        serious, note = serious_errors(root, snap, cached_only=run_checks == "cached")
    exempted = exemptions(root, snap)
    forged = [f for f in late if f.rule == "audit.timeliness.formed-after-publish"]
    return RepositoryAudit(report=report, snap=snap, site=site, columns=columns, newest=newest, scheme=scheme,
                           findings=home + fresh + late + closing + coverage + media + roster + serious + exempted,
                           serious=serious + forged, serious_note=note,
                           hijack_terms=tuple(str(t) for t in project.lists.get("hijacked_site_terms", []) if t))


def finish_audit(pre: RepositoryAudit, site_dir: Path | None = None, online: bool = False,
                 allow: set[str] | None = None, timeout: float = 10.0, concurrency: int = 8,
                 progress: Callable[..., None] | None = None, link_page_limit: int | None = None,
                 scans: dict[str, Scan] | None = None) -> AuditReport:
    """The built site's part (interaction channel, links), the veto items and the scores.

    ``scans``: the links of pages already read while the site was written (site path →
    :func:`govsite.audit.sitelinks.scan_page`), so only the other pages are read; no page limit applies then."""
    step = progress or (lambda *a, **k: None)
    report, snap, site = pre.report, pre.snap, pre.site
    report.site_dir = str(site_dir or "")
    inter_findings, inter_item = interaction(site, site_dir)
    link_findings = []
    if site_dir is not None and scans is None and link_page_limit is not None and len(snap.pages) > link_page_limit:
        report.notes.append(f"站点有 {len(snap.pages)} 篇稿件，超过看板的链接检查上限 {link_page_limit} 篇，本次未检查链接；"
                            "请运行 govsite audit --site site 做完整的链接检查。")
    elif site_dir is not None:
        step("检查站点链接")
        own = urllib.parse.urlsplit(str(site.get("base_url") or "")).hostname
        allow = set(allow or ()) | ({own.lower()} if own else set())  # the portal's own address is not external
        lr = audit_links(site_dir, snap.root, online=online, allow=allow, timeout=timeout, concurrency=concurrency,
                         progress=lambda d, t: step("检查站点链接", d, t), scans=scans, hijack_terms=pre.hijack_terms)
        link_findings = lr.findings
        report.notes.append(f"链接检查：{lr.pages} 个页面、{lr.links} 个链接（外部 {lr.external} 个，"
                            + (f"联网检查 {lr.external_checked} 个）。" if online else "未联网检查，可加 --online）。"))
        if lr.offline:
            report.notes.append(f"联网检查外部链接时 {lr.external_checked} 个网址全部无法连接，多半是本机无法访问互联网，"
                                "未据此判定死链；请在能上网的环境中重新运行 --online。")
    else:
        report.notes.append("未提供构建出的站点（--site），未检查链接。可先运行 govsite build --preview -o site。")
    report.veto = decide(snap, pre.columns, pre.newest, pre.serious, pre.serious_note, inter_item)
    findings = pre.findings + inter_findings + link_findings
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.unit, f.area, f.path, f.column, f.rule))
    assign_ids(findings)
    assign_actions(findings, snap.units, pre.scheme, snap.as_of)
    report.findings = findings
    report.columns = pre.columns
    step("评分与趋势")
    report.units = score_units(snap, pre.columns, findings, pre.scheme)
    return report
