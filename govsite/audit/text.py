"""Terminal and JSON renderings of an audit report."""

from __future__ import annotations

import json

from govsite.audit.model import AREA_NAMES, SEVERITY_NAMES, AuditReport
from govsite.core.units import UNIT_KIND_NAMES

STATUS = {"pass": "通过", "fail": "否决", "unknown": "未判定"}
MARK = {"pass": "✓", "fail": "✗", "unknown": "?"}


def render_json(report: AuditReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def where(f) -> str:
    if f.path and f.column and f.path.startswith("units/"):
        return f"{f.path}（栏目 {f.column}）"
    return f.path or (f"单位 {f.unit}" if f.unit else "全站")


def render_text(report: AuditReport, limit_per_unit: int = 0) -> str:
    c = report.counts()
    lines = [
        f"{report.site_name or '网站'} 读网审计（审计日 {report.as_of}，提交 {report.commit[:10]}，已发布稿件 {report.pages} 篇）",
        "",
        "国家检查指标·单项否决：" + ("未通过" if report.site_veto else "未触发"),
    ]
    for v in report.veto:
        lines.append(f"  {MARK[v.status]} [{STATUS[v.status]}] {v.name}：{v.evidence}")
        for d in v.details[:10] if v.status == "fail" else []:
            lines.append(f"      - {d}")
    lines += ["", "单位得分（百分制扣分，单项否决的单位为不合格、排在最后）："]
    for u in report.units:
        if u.closed:
            lines.append(f"   —. {u.name}（{u.unit}，{UNIT_KIND_NAMES.get(u.kind, u.kind)}）已关停，不参加排名")
            continue
        veto = "单项否决：" + "；".join(u.veto_reasons) if u.veto else "未触发否决项"
        lines.append(f"  {u.rank:>2}. {u.name}（{u.unit}，{UNIT_KIND_NAMES.get(u.kind, u.kind)}）{u.score:>6.1f} 分 "
                     f"{u.grade}  {veto}")
        if u.deductions:
            lines.append("      扣分：" + "；".join(f"{d.name} {d.findings} 项 −{d.points:g}"
                                                  + ("（已达上限）" if d.points >= d.cap else "") for d in u.deductions))
    lines += ["", f"问题清单：错误 {c['error']} 项，警告 {c['warning']} 项，预警 {c['info']} 项"]
    by_unit: dict[str, list] = {}
    for f in report.findings:
        by_unit.setdefault(f.unit, []).append(f)
    for unit, items in by_unit.items():
        lines.append("")
        lines.append(f"【{unit or '全站'}】")
        shown = items if not limit_per_unit else items[:limit_per_unit]
        for f in shown:
            lines.append(f"  [{SEVERITY_NAMES[f.severity]}·{AREA_NAMES.get(f.area, f.area)}] {where(f)}")
            lines.append(f"      {f.message}")
            lines.append(f"      依据：{f.article}")
            lines.append(f"      整改：{f.fix}")
            who = "；".join(x for x in (f"期限 {f.due}" if f.due else "", f"由 {f.responsible} 办理" if f.responsible else "") if x)
            if who:
                lines.append(f"      {who}")
        if len(shown) < len(items):
            lines.append(f"  ……另有 {len(items) - len(shown)} 项，完整清单请用 --format json 或 --format html。")
    if report.notes:
        lines += ["", "说明："] + [f"  - {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def render_summary(report: AuditReport) -> str:
    c = report.counts()
    veto = "单项否决未通过" if report.site_veto else "单项否决未触发"
    return (f"审计完成（{report.as_of}）：{veto}；错误 {c['error']} 项，警告 {c['warning']} 项，预警 {c['info']} 项；"
            f"{len(report.units)} 个单位，最低分 {min((u.score for u in report.units), default=100):.1f}。")
