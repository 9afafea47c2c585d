"""Output formats for findings: text (people), json (machines), sarif (code scanning), codequality (GitLab)."""

from __future__ import annotations

from collections.abc import Callable

FORMATS = ("text", "json", "sarif", "codequality")


def formatter(name: str) -> Callable[..., str]:
    if name == "json":
        from checks.report.json_report import render
    elif name == "sarif":
        from checks.report.sarif import render
    elif name == "codequality":
        from checks.report.codequality import render
    else:
        from checks.report.text import render
    return render
