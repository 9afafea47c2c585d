"""Findings for people at a terminal, in Chinese, one line each: where, how serious, what, what to do."""

from __future__ import annotations

import os
import sys

from checks.findings import CATEGORY_NAMES, SEVERITY_NAMES, Finding

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}


def _color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def render(findings: list[Finding], checked: int = 0, show_suppressed: bool = False, **_: object) -> str:
    color = _color()
    lines = []
    counts = {"error": 0, "warning": 0, "info": 0}
    suppressed = 0
    for f in findings:
        if f.suppressed:
            suppressed += 1
            if not show_suppressed:
                continue
        else:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        sev = SEVERITY_NAMES.get(f.severity, f.severity)
        if color:
            sev = f"{_COLORS.get(f.severity, '')}{sev}\033[0m"
        tail = f" 建议改为：“{f.suggestion}”" if f.suggestion else ""
        if f.suppressed:
            tail += f"（已豁免：{f.suppression_reason}）"
        lines.append(f"{f.path}:{f.line}:{f.column}: {sev} [{f.rule}·{CATEGORY_NAMES.get(f.category, f.category)}] "
                     f"{f.message}{tail}")
    summary = (f"共检查 {checked} 个文件：错误 {counts['error']} 个，警告 {counts['warning']} 个，"
               f"提示 {counts['info']} 个" + (f"，已豁免 {suppressed} 个" if suppressed else "") + "。")
    lines.append(summary)
    if counts["error"]:
        lines.append("存在“错误”级问题，提交/发布已被阻止。请按提示修改后重试；确属误报的，可在该行末尾加 "
                     "<!-- govsite: allow 规则ID 理由 --> 豁免（理由必填，会记入报告）。")
    elif counts["warning"]:
        lines.append("“警告”不阻止提交，请逐条核对；可用 govsite check --fix 自动修正格式类问题。")
    return "\n".join(lines) + "\n"
