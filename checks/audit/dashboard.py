"""The internal dashboard page the publishing build writes after every build."""

from __future__ import annotations

import html
from pathlib import Path

from checks.audit.html import CSS, render_html
from checks.audit.runner import run_audit
from checks.errors import GovsiteError

DASHBOARD = Path("internal") / "dashboard" / "index.html"
LINK_PAGE_LIMIT = 3000  # link check over the whole site only up to this many pages (≈0.9 ms per page)


def write_dashboard(root: Path, site_dir: Path) -> None:
    """Audit the repository as of today over the just-built ``site_dir`` and write the scorecard into it.

    Offline and without the compliance checks (the build has just run them), so it stays fast in every
    build; the link check is skipped above LINK_PAGE_LIMIT pages. A repository without git history gets a
    page that says why instead of failing the build.
    """
    root, site_dir = Path(root), Path(site_dir)
    out = site_dir / DASHBOARD
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        report = run_audit(root, site_dir=site_dir, run_checks=False, link_page_limit=LINK_PAGE_LIMIT)
        text = render_html(report, base="../../")
    except GovsiteError as exc:
        text = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" '
                f'content="noindex,nofollow"><title>读网审计</title><style>{CSS}</style></head><body><main>'
                f"<section><h2>读网审计暂不可用</h2><p>{html.escape(exc.render())}</p></section></main></body></html>")
    out.write_text(text, encoding="utf-8")
