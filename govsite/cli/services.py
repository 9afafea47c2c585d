"""Where the parts meet (组装): the portal gets its publish gate from review and its scorecard from audit.

The portal, review and audit do not import each other; the commands and the MkDocs plugin entry point
hand each the others' functions from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govsite.portal.state import Dashboard, Services
from govsite.portal.verdict import Verdict


def review_gate(root: Path) -> Verdict:
    """The publish gate's verdict on ``root`` at HEAD (nothing verified without a git history)."""
    from govsite.git.repo import is_repository_root  # noqa: PLC0415
    from govsite.review.gate import verify_repository  # noqa: PLC0415

    if not is_repository_root(root):
        return Verdict(ok=False, note="仓库没有 git 提交记录，无法核验审核签名。请先提交稿件。")
    from govsite.git.objects import cat_batch  # noqa: PLC0415

    report = verify_repository(root, "HEAD", render_digests=render_digests, hold=True)
    shown = {**report.held, **report.held_attachments}
    earlier = cat_batch(root, sorted(set(shown.values())))
    versions = {path: obj[1] for path, blob in shown.items() if (obj := earlier.get(blob)) is not None}
    failing: dict[str, str] = {}
    for f in report.failures:
        failing.setdefault(f.path, f.reason)
    return Verdict(ok=bool(report.ok), verified=set(report.verified) | set(report.held), report=report,
                   versions=versions, failing=failing)


def render_digests(root: Path, rev: str | None, versions: dict[str, bytes] | None = None) -> dict[str, str]:
    """三校 render digests of ``rev``'s pages, from a preview build of that revision (MkDocs is loaded on use);
    ``versions`` replaces some pages by other versions of them (path → bytes) first."""
    from govsite.portal.digests import render_digests as run  # noqa: PLC0415

    return run(root, rev, versions)


def _prepare_dashboard(root: Path) -> Any:
    from govsite.audit.dashboard import prepare_dashboard  # noqa: PLC0415

    return prepare_dashboard(root)


def _finish_dashboard(prepared: Any, site_dir: Path, internal_dir: Path, scans: dict[str, Any], base: str) -> None:
    from govsite.audit.dashboard import finish_dashboard  # noqa: PLC0415

    finish_dashboard(prepared, site_dir, internal_dir, scans, base)


def _scan_page(html: str) -> Any:
    from govsite.audit.sitelinks import scan_written_page  # noqa: PLC0415

    return scan_written_page(html)


def blocking_findings(root: Path, pages: list[str], versions: dict[str, bytes] | None = None) -> dict[str, list[str]]:
    """Pages with error-level findings that no exemption covers: page → the findings, one line each.
    ``versions``: pages published at an earlier approved version are checked as that version (its bytes)."""
    from govsite.compliance.context import checker_for  # noqa: PLC0415
    from govsite.compliance.run import check_paths  # noqa: PLC0415
    from govsite.core.county import County  # noqa: PLC0415

    versions = versions or {}
    county = County(root)
    run = check_paths(county, [root / p for p in pages if p not in versions])
    findings = list(run.findings)
    earlier = [p for p in pages if p in versions]
    if earlier:
        checker = checker_for(county)
        for p in earlier:
            findings += checker.check_raw(p, versions[p])
    wanted = set(pages)
    out: dict[str, list[str]] = {}
    for f in findings:
        if f.path in wanted and f.severity == "error" and not f.suppressed:
            out.setdefault(f.path, []).append(f"第 {f.line} 行 [{f.rule}] {f.message}")
    return out


def portal_services() -> Services:
    """The portal's gate (:func:`review_gate`), scorecard (:mod:`govsite.audit.dashboard`) and checks."""
    return Services(gate=review_gate, dashboard=Dashboard(_prepare_dashboard, _finish_dashboard, _scan_page),
                    findings=blocking_findings)
