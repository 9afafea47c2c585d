"""The bundled sample county is realistic and clean under every check."""

from __future__ import annotations

import json
import subprocess
import sys

from govsite.core.county import County
from tests.conftest import REPO
import pytest

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses


def test_sample_county_has_the_units_and_pages_the_design_asks_for():
    project = County(REPO)
    kinds = sorted(u.kind for u in project.units.values())
    assert kinds.count("township") >= 2 and kinds.count("department") >= 3
    assert project.office_unit in project.units and project.operator_unit in project.units
    pages = project.content_files()
    assert len(pages) >= 40
    classes = {c.update for u in project.units.values() for c in u.columns.values()}
    assert classes == {"weekly", "monthly", "quarterly", "semiannual", "yearly", "realtime"}
    for unit in project.units.values():
        for column in unit.columns:
            assert list((REPO / "content" / unit.id / column).glob("*.md")), f"{unit.id}/{column} is empty"


def test_sample_county_is_clean_under_every_check():
    proc = subprocess.run([sys.executable, "-m", "govsite", "--root", str(REPO), "check", "--format", "json",
                           "--no-cache"], capture_output=True, text=True, cwd=REPO)
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["path"], f["line"], f["rule"], f["message"]) for f in findings if not f.get("suppressed")] == []
    assert proc.returncode == 0
