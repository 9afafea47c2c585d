"""Golden files of ``govsite rules`` (text and JSON) run against the sample county (shipped packs + site rules)."""

from __future__ import annotations

import json

import pytest

from tests.golden.conftest import check_bytes, normalise
from tests.govsite.portal.conftest import govsite

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_rules_listing_is_unchanged(fmt, golden_county, file_regression):
    proc = govsite(golden_county, "rules", "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    data = proc.stdout.encode("utf-8")
    if fmt == "json":
        rules = json.loads(data)
        assert any(r["source"] == "site_config/rules/local.yml" for r in rules)  # the county's own rule is there
    check_bytes(file_regression, normalise(data, golden_county), f"rules_{fmt}", ".txt" if fmt == "text" else ".json")
