"""SARIF 2.1.0, for code-scanning views. Columns are code points (``columnKind: unicodeCodePoints``)."""

from __future__ import annotations

import json

from checks import __version__
from checks.findings import Finding

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(findings: list[Finding], checked: int = 0, rules: dict | None = None, **_: object) -> str:
    used = sorted({f.rule for f in findings})
    rule_index = {rid: i for i, rid in enumerate(used)}
    driver_rules = []
    for rid in used:
        rule = (rules or {}).get(rid)
        entry = {"id": rid, "shortDescription": {"text": rule.message if rule else rid}}
        if rule is not None:
            entry["fullDescription"] = {"text": rule.explain or rule.message}
            entry["defaultConfiguration"] = {"level": _LEVEL.get(rule.level, "warning")}
            entry["properties"] = {"category": rule.category}
        driver_rules.append(entry)
    results = []
    for f in findings:
        result = {
            "ruleId": f.rule,
            "ruleIndex": rule_index[f.rule],
            "level": _LEVEL.get(f.severity, "warning"),
            "message": {"text": f.message + (f" 建议改为：“{f.suggestion}”" if f.suggestion else "")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f.path},
                "region": {"startLine": f.line, "startColumn": f.column,
                           "endLine": f.end_line, "endColumn": max(f.end_column, f.column)},
            }}],
            "properties": {"category": f.category},
        }
        if f.suggestion is not None and f.end_line == f.line and f.end_column > f.column:
            result["fixes"] = [{"description": {"text": f"改为“{f.suggestion}”"}, "artifactChanges": [{
                "artifactLocation": {"uri": f.path},
                "replacements": [{"deletedRegion": {"startLine": f.line, "startColumn": f.column,
                                                    "endLine": f.end_line, "endColumn": f.end_column},
                                  "insertedContent": {"text": f.suggestion}}],
            }]}]
        if f.suppressed:
            result["suppressions"] = [{"kind": "inSource", "justification": f.suppression_reason or ""}]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "govsite", "version": __version__, "informationUri": "https://www.gov.cn/",
                                "rules": driver_rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
