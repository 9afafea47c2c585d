"""Terminal summary of an audit, and a small progress bar for stderr."""

from __future__ import annotations

import sys
from typing import TextIO

from checks.audit.model import SECTIONS, AuditReport

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


def render_text(report: AuditReport, verbose: bool = True) -> str:
    lines: list[str] = []
    head = f"{report.site_name} 读网审计（截至 {report.as_of}"
    head += f"，提交 {report.commit[:10]}）" if report.commit else "）"
    lines.append(head)
    lines.append(f"稿件 {report.pages} 篇，全站最近一次发布：{report.homepage_last or '无'}")
    lines.append("")
    lines.append("国家检查指标（单项否决）：")
    for v in report.veto:
        mark = "未判定" if not v.decided else ("不合格" if v.failed else "合格")
        lines.append(f"  [{mark}] {v.title}")
        if v.failed or not v.decided:
            for e in v.evidence[:8]:
                lines.append(f"      - {e}")
            if v.note and not v.decided:
                lines.append(f"      （{v.note}）")
    lines.append("")
    lines.append("单位得分：")
    for u in sorted(report.units.values(), key=lambda u: (u.score, u.id)):
        status = "单项否决" if u.veto else "—"
        n_err = sum(1 for i in u.issues if i.severity == "error")
        n_warn = sum(1 for i in u.issues if i.severity == "warning")
        lines.append(f"  {u.name:<10} {u.score:>5.1f} 分  {status}  错误 {n_err} 警告 {n_warn}")
    issues = report.all_issues()
    if verbose and issues:
        lines.append("")
        lines.append("问题明细：")
        current = None
        for i in sorted(issues, key=lambda i: (i.section, i.unit, i.severity != "error", i.path)):
            if i.section != current:
                current = i.section
                lines.append(f"【{SECTIONS.get(current, current)}】")
            pts = f"（扣 {i.points:g} 分）" if i.points else ""
            lines.append(f"  {SEVERITY.get(i.severity, i.severity)}：{i.message}{pts}")
            lines.append(f"        处理：{i.fix}")
    if report.notes:
        lines.append("")
        lines.append("说明：")
        lines += [f"  - {n}" for n in report.notes]
    lines.append("")
    failed = [v.title for v in report.veto if v.failed]
    if failed:
        lines.append(f"结论：不合格。触发单项否决指标 {len(failed)} 项：{'；'.join(failed)}。")
    else:
        errors = sum(1 for i in issues if i.severity == "error")
        lines.append(f"结论：未触发单项否决指标；共有错误 {errors} 项、警告 {sum(1 for i in issues if i.severity == 'warning')} 项。")
    return "\n".join(lines) + "\n"


class ProgressBar:
    """``[#####-----] 50% 检查链接`` on stderr, redrawn in place; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        frac = 0.0 if total <= 0 else min(1.0, done / total)
        bar = "#" * int(frac * 30)
        line = f"\r[{bar:<30}] {frac * 100:3.0f}% {stage}"
        if line != self.last:
            self.stream.write(line)
            self.stream.flush()
            self.last = line

    def close(self) -> None:
        if self.enabled and self.last:
            self.stream.write("\r" + " " * len(self.last) + "\r")
            self.stream.flush()
