"""The JSON report: one document, ``{"version": 1, "findings": [...]}``; suppressed findings stay visible."""

from __future__ import annotations

import json

from checks.findings import Finding


def render(findings: list[Finding], checked: int = 0, **_: object) -> str:
    doc = {"version": 1, "checked": checked, "findings": [f.to_json() for f in findings]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
