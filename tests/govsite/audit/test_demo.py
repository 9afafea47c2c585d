"""The issue's "done when": the demo county history makes `govsite audit` name each planted problem."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from govsite.audit.run import run_audit

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from demo_history import make_demo  # noqa: E402
import pytest

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses


def test_demo_history_names_each_problem_with_article_and_fix(tmp_path):
    root = tmp_path / "demo"
    make_demo(root, dt.date(2026, 11, 28))
    assert (root / "site-internal" / "index.html").is_file()  # the build wrote the dashboard, beside the site
    assert not (root / "site" / "internal").exists()
    report = run_audit(root, dt.date(2026, 11, 28), site_dir=root / "site", run_checks=False)
    got = {(f.rule, f.unit, f.column or f.path) for f in report.findings}
    assert ("audit.freshness.stale", "jiaowei", "gzdt") in got
    assert ("audit.freshness.stale", "guandu", "tjxx") in got
    assert ("audit.timeliness.late", "fgw", "tzgg") in got
    dead = [f for f in report.findings if f.rule == "audit.links.attachment"]
    assert [f.path for f in dead] == ["content/dachang/gzdt/2026-11-26-dongji-xunlian.md"]
    small = [f for f in report.findings if f.rule == "audit.new-media.low-followers"]
    assert [f.evidence["name"] for f in small] == ["官渡镇发布"]
    for f in report.findings:
        assert f.article.startswith(("《管理办法》", "政府网站与政务新媒体检查指标")) and f.fix
