"""Golden files of the scorecard: ``govsite audit --as-of 2026-11-28`` on the sample county, HTML and JSON.

The audit is reproducible for a given day and commit (the county is committed with a fixed date and author, so
the ``commit`` id is the same on every machine). The plain runs read no built site (there is none inside the
county); one more JSON run is given the preview build with ``--site`` so the link audit is pinned as well.
Temporary paths are replaced by ``<TMP0>`` (county) and ``<TMP1>`` (site) should they ever appear; the outputs
pinned today contain none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden.conftest import AS_OF, check_bytes, normalise
from tests.govsite.portal.conftest import govsite

pytestmark = pytest.mark.slow


def _audit(county: Path, out: Path, fmt: str, *extra: str) -> bytes:
    proc = govsite(county, "audit", "--as-of", AS_OF, "--format", fmt, "-o", str(out), *extra)
    # exit status 1: the sample county has late pages, so the audit reports something to act on
    assert proc.returncode == 1, proc.stderr
    assert f"审计完成（{AS_OF}）" in proc.stdout + proc.stderr
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["html", "json"])
def test_scorecard_is_unchanged(fmt, golden_county, tmp_path, file_regression):
    data = _audit(golden_county, tmp_path / f"audit.{fmt}", fmt)
    check_bytes(file_regression, normalise(data, golden_county), f"scorecard_{AS_OF}", f".{fmt}")


def test_scorecard_with_the_built_site_is_unchanged(golden_county, golden_site, tmp_path, file_regression):
    data = _audit(golden_county, tmp_path / "audit.json", "json", "--site", str(golden_site))
    doc = json.loads(data)
    assert any(note.startswith("链接检查：163 个页面") for note in doc["notes"]), doc["notes"]
    check_bytes(file_regression, normalise(data, golden_county, golden_site), f"scorecard_{AS_OF}_with_site", ".json")
