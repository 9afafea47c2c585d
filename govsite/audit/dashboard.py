"""The internal dashboard page (读网看板) every build writes into its internal output, never into the site.

The scorecard names staff (responsible persons, keys about to expire, departed staff who still hold roles), so
it is an internal page: it is written at the top of the internal output folder (``index.html``), and its links
to columns and pages lead to the public portal's address.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from govsite.audit.html import CSS, render_html
from govsite.audit.sitelinks import Scan
from govsite.audit.run import RepositoryAudit, audit_repository, finish_audit
from govsite.core.errors import GovsiteError

DASHBOARD = Path("index.html")  # inside the internal output, which holds nothing else of the site
LINK_PAGE_LIMIT = 3000  # without the build's scans: link check only up to this many pages (≈0.5 ms per page)


@dataclass
class Prepared:
    """The repository's part of the dashboard, or why there is none (e.g. no git history)."""

    audit: RepositoryAudit | None = None
    error: str = ""


def prepare_dashboard(root: Path) -> Prepared:
    """Audit the repository as of today, offline, with the compliance checks' cached results when they cover
    every page (so the dashboard says what ``govsite audit`` says); the build runs this beside MkDocs, before
    any page exists."""
    try:
        return Prepared(audit=audit_repository(Path(root), run_checks="cached"))
    except GovsiteError as exc:
        return Prepared(error=exc.render())


def finish_dashboard(prepared: Prepared, site_dir: Path, internal_dir: Path, scans: dict[str, Scan] | None = None,
                     base: str = "") -> None:
    """Check the built ``site_dir``'s links (``scans``: the pages' links, read as they were written; without
    them the pages are read and the check is skipped above LINK_PAGE_LIMIT pages) and write the scorecard into
    ``internal_dir`` (never the site), its links to columns and pages prefixed with ``base`` (the portal's
    address)."""
    site_dir = Path(site_dir)
    out = Path(internal_dir) / DASHBOARD
    out.parent.mkdir(parents=True, exist_ok=True)
    error = prepared.error
    if prepared.audit is not None:
        try:
            report = finish_audit(prepared.audit, site_dir, link_page_limit=LINK_PAGE_LIMIT, scans=scans)
            text = render_html(report, base=base)
        except GovsiteError as exc:
            error = exc.render()
    if error:
        text = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" '
                f'content="noindex,nofollow"><title>读网审计</title><style>{CSS}</style></head><body><main>'
                f"<section><h2>读网审计暂不可用</h2><p>{html.escape(error)}</p></section></main></body></html>")
    out.write_text(text, encoding="utf-8")


def write_dashboard(root: Path, site_dir: Path, internal_dir: Path, scans: dict[str, Scan] | None = None,
                    base: str = "") -> None:
    """Audit the repository as of today over the just-built ``site_dir`` and write the scorecard into
    ``internal_dir``. A repository without git history gets a page that says why instead of failing the build."""
    finish_dashboard(prepare_dashboard(root), site_dir, internal_dir, scans, base)
