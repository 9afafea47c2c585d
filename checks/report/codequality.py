"""GitLab Code Quality report (a Code Climate subset), so a merge request shows findings inline."""

from __future__ import annotations

import hashlib
import json

from checks.findings import Finding

_SEVERITY = {"error": "critical", "warning": "minor", "info": "info"}


def render(findings: list[Finding], checked: int = 0, **_: object) -> str:
    issues = []
    seen: dict[str, int] = {}
    for f in findings:
        if f.suppressed:
            continue
        base = f"{f.path}\0{f.rule}\0{f.line}\0{f.column}\0{f.message}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        issues.append({
            "type": "issue",
            "check_name": f.rule,
            "description": f.message + (f" 建议改为：“{f.suggestion}”" if f.suggestion else ""),
            "categories": ["Style" if f.severity != "error" else "Security"],
            "fingerprint": hashlib.md5(f"{base}\0{n}".encode()).hexdigest(),
            "severity": _SEVERITY.get(f.severity, "minor"),
            "location": {"path": f.path, "lines": {"begin": f.line, "end": f.end_line}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
