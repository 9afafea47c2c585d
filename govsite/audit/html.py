"""The HTML scorecard (通报/dashboard): self-contained HTML + CSS + inline SVG, nothing fetched from elsewhere."""

from __future__ import annotations

import html
from collections.abc import Sequence

from govsite.audit.model import AREA_NAMES, SEVERITY_NAMES, AuditFinding, AuditReport, ColumnState, UnitScore
from govsite.audit.text import STATUS, where
from govsite.core.units import UNIT_KIND_NAMES, UPDATE_NAMES

LIMIT_DAYS = {"weekly": 7, "monthly": 30, "quarterly": 91, "semiannual": 182, "yearly": 365, "realtime": 365}
CSS = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;color:#222;background:#f5f6f8}
header{background:#9e1b1b;color:#fff;padding:16px 24px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0}
main{padding:16px 24px;max-width:1280px}section{background:#fff;border-radius:6px;padding:12px 16px;margin:0 0 16px;
box-shadow:0 1px 2px rgba(0,0,0,.08)}h2{font-size:18px;margin:4px 0 12px}h3{font-size:16px;margin:16px 0 8px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e4e6ea;padding:6px 8px;text-align:left;
vertical-align:top;font-size:14px}th{background:#fafbfc}.fail{color:#b3261e;font-weight:bold}.pass{color:#1e7b34}
.unknown{color:#8a6d00}.banner{padding:10px 14px;border-radius:4px;font-weight:bold;margin-bottom:8px}
.banner.fail{background:#fde8e7}.banner.pass{background:#e6f4ea}.score{font-weight:bold;font-size:16px}
.sev-error{color:#b3261e}.sev-warning{color:#a15c00}.sev-info{color:#3559b5}small{color:#666}
.kpi{display:inline-block;margin-right:24px}.kpi b{font-size:20px;display:block}a{color:#1a4fa0}
details summary{cursor:pointer}svg text{font-size:11px;fill:#333}.wide{overflow-x:auto}
@media (max-width:720px){header,main{padding-left:10px;padding-right:10px}section{padding:10px}
th,td{padding:4px 5px;font-size:13px}.kpi{margin-right:14px}}
@media print{@page{size:A4;margin:15mm 12mm}body{background:#fff;color:#000}
header{background:none;color:#000;border-bottom:2px solid #9e1b1b;padding:0 0 6px}main{padding:0;max-width:none}
section{box-shadow:none;border-radius:0;padding:0;margin:0 0 10mm}.wide{overflow:visible}
tr,li,svg{break-inside:avoid}h2,h3{break-after:avoid}a{color:#000;text-decoration:none}
.banner{border:1px solid #999}details summary{display:none}}
"""
# Closed <details> hide their rows even on paper; open them all before printing.
PRINT_SCRIPT = ("<script>addEventListener('beforeprint',function(){"
                "document.querySelectorAll('details').forEach(function(d){d.open=true})})</script>")


def e(s: object) -> str:
    return html.escape(str(s), quote=True)


def href(f: AuditFinding, base: str) -> str:
    """Where a deduction points on the built site: the page, or the column's list page."""
    if f.path.startswith("content/") and f.path.endswith(".md"):
        parts = f.path[len("content/"):-3].split("/")
        return base + "/".join(parts) + "/"
    if f.column and f.unit:
        return f"{base}{f.unit}/{f.column}/"
    if f.unit:
        return f"{base}{f.unit}/"
    return ""


def sparkline(points: Sequence[tuple[str, float | None]], width: int = 132, height: int = 32) -> str:
    vals = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    if not vals:
        return "<small>无数据</small>"
    n = max(len(points) - 1, 1)
    xy = [(4 + i * (width - 8) / n, height - 4 - (v / 100) * (height - 8)) for i, v in vals]
    poly = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    title = "；".join(f"{d}: {'—' if v is None else v}" for d, v in points)
    last = xy[-1]
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="近{len(points)}期得分趋势">'
            f"<title>{e(title)}</title>"
            f'<line x1="0" y1="{height - 4}" x2="{width}" y2="{height - 4}" stroke="#ddd"/>'
            f'<polyline fill="none" stroke="#1a4fa0" stroke-width="1.5" points="{poly}"/>'
            f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.5" fill="#1a4fa0"/></svg>')


def month_bars(points: Sequence[tuple[str, int]], width: int = 132, height: int = 32) -> str:
    if not points:
        return "<small>无数据</small>"
    top = max(max(v for _, v in points), 1)
    bw = width / len(points)
    bars = "".join(
        f'<rect x="{i * bw + 1:.1f}" y="{height - 2 - (v / top) * (height - 6):.1f}" width="{bw - 2:.1f}" '
        f'height="{(v / top) * (height - 6):.1f}" fill="{"#1e7b34" if v else "#ccc"}"><title>{e(m)}：{v} 篇</title></rect>'
        for i, (m, v) in enumerate(points))
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="每月新发布稿件数">'
            f'<line x1="0" y1="{height - 2}" x2="{width}" y2="{height - 2}" stroke="#ddd"/>{bars}</svg>')


def stale_chart(columns: list[ColumnState], as_of, base: str, width: int = 620, unit_label: bool = False,
                names: dict[str, str] | None = None) -> str:
    """One bar per column: days since the last publication as a share of its interval; the tick is the deadline."""
    if not columns:
        return "<small>无栏目</small>"
    label_w, row_h, cap = (250 if unit_label else 180), 20, 2.5
    plot = width - label_w - 130
    out = [f'<svg width="{width}" height="{row_h * len(columns) + 6}" role="img" aria-label="各栏目距上次更新天数">']
    tick = label_w + plot / cap
    for i, c in enumerate(columns):
        limit = LIMIT_DAYS.get(c.update, 365)
        age = (as_of - c.last_published).days if c.last_published else None
        y = i * row_h + 3
        color = {"stale": "#b3261e", "empty": "#b3261e", "due": "#d08a00"}.get(c.status, "#1e7b34")
        share = cap if age is None else min(age / limit, cap)
        length = max(plot * share / cap, 2)
        text = "空白栏目" if age is None else f"{age} 天" + (f"（超期 {c.stale_days} 天）" if c.status == "stale" else "")
        who = (names or {}).get(c.unit, c.unit)  # the unit's name, as the office reads it, not its id
        label = (f"{who}·" if unit_label else "") + f"{c.title}（{UPDATE_NAMES.get(c.update, c.update)}）"
        out.append(
            f'<a href="{e(base + c.unit + "/" + c.column + "/")}"><text x="0" y="{y + 13}">{e(label)}</text></a>'
            f'<rect x="{label_w}" y="{y + 2}" width="{length:.1f}" height="{row_h - 6}" fill="{color}"'
            + (' fill-opacity=".35" stroke="#b3261e" stroke-dasharray="3,2"' if age is None else "")
            + f'><title>{e(c.title)}：{e(text)}，期限 {limit} 天</title></rect>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 13}">{e(text)}</text>')
    out.append(f'<line x1="{tick:.1f}" y1="0" x2="{tick:.1f}" y2="{row_h * len(columns) + 6}" stroke="#333" '
               'stroke-width="1.5" stroke-dasharray="4,2"/></svg>')
    return "".join(out)


def _finding_row(f: AuditFinding, base: str, i: int) -> str:
    link = href(f, base)
    place = f'<a href="{e(link)}">{e(where(f))}</a>' if link else e(where(f))
    ded = f"−{f.deduction:g}" if f.deduction else ""
    return (f'<tr id="f{i}"><td class="sev-{e(f.severity)}">{e(SEVERITY_NAMES[f.severity])}</td>'
            f"<td>{e(AREA_NAMES.get(f.area, f.area))}</td><td>{place}<br>{e(f.message)}</td>"
            f"<td><small>{e(f.article)}</small></td><td>{e(f.fix)}{_action(f)}</td><td>{ded}</td></tr>")


def _action(f: AuditFinding) -> str:
    parts = [f"期限 {f.due}" if f.due else "", f"{f.responsible}办理" if f.responsible else ""]
    text = "；".join(p for p in parts if p)
    return f'<br><small class="due">{e(text)}</small>' if text else ""


def _unit_row(u: UnitScore) -> str:
    status = (f'<span class="fail">否决</span><br><small>{e("；".join(u.veto_reasons))}</small>' if u.veto
              else '<span class="pass">未触发</span>')
    if u.closed:
        status = '<span class="unknown">已关停，不参加排名</span>'
    lost = "；".join(f"{d.name} −{d.points:g}" for d in u.deductions)
    return (f'<tr><td>{u.rank or "—"}</td><td><a href="#unit-{e(u.unit)}">{e(u.name)}</a><br><small>{e(u.unit)} · '
            f"{e(UNIT_KIND_NAMES.get(u.kind, u.kind))}</small></td><td class=\"score\">{u.score:.1f}"
            + (f"<br><small>{e(u.grade)}</small>" if u.grade else "")
            + (f'<br><small class="lost">{e(lost)}</small>' if lost else "") + "</td>"
            f"<td>{status}</td><td>{sparkline(u.trend)}</td><td>{month_bars(u.pages_per_month)}</td></tr>")


def render_html(report: AuditReport, base: str = "") -> str:
    """The scorecard. ``base`` is the relative path from the page to the site root (dashboard: ``../../``)."""
    c = report.counts()
    veto_rows = "".join(
        f'<tr><td class="{e(v.status)}">{e(STATUS[v.status])}</td><td>{e(v.name)}</td><td>{e(v.evidence)}'
        + (f"<details><summary>明细 {len(v.details)} 项</summary><ul>"
           + "".join(f"<li>{e(d)}</li>" for d in v.details) + "</ul></details>" if v.details else "")
        + "</td></tr>" for v in report.veto)
    unit_rows = "".join(_unit_row(u) for u in report.units)
    numbered = list(enumerate(report.findings))
    sections = []
    for u in report.units:
        cols = [col for col in report.columns if col.unit == u.unit]
        items = [(i, f) for i, f in numbered if f.unit == u.unit]
        rows = "".join(_finding_row(f, base, i) for i, f in items) or '<tr><td colspan="6">没有发现问题。</td></tr>'
        sections.append(
            f'<section id="unit-{e(u.unit)}"><h2>{e(u.name)} <span class="score">{u.score:.1f} 分</span> '
            + ('<span class="fail">单项否决</span>' if u.veto else "")
            + f"</h2><h3>各栏目距上次更新天数（虚线为各自的更新期限，条越长越久未更新）</h3><div class=\"wide\">{stale_chart(cols, report.as_of, base)}</div>"
            f"<h3>扣分与问题（{len(items)} 项）</h3><div class=\"wide\"><table><tr><th>级别</th><th>类别</th><th>位置与问题</th><th>依据</th>"
            f"<th>整改</th><th>扣分</th></tr>{rows}</table></div></section>")
    site_items = [(i, f) for i, f in numbered if not f.unit]
    if site_items:
        rows = "".join(_finding_row(f, base, i) for i, f in site_items)
        sections.append(f'<section id="site"><h2>全站问题</h2><div class="wide"><table><tr><th>级别</th><th>类别</th><th>位置与问题</th>'
                        f"<th>依据</th><th>整改</th><th>扣分</th></tr>{rows}</table></div></section>")
    short_names = {u.unit: u.short_name or u.name for u in report.units}
    overdue = sorted((col for col in report.columns if col.status in ("stale", "empty")),
                     key=lambda col: (col.status != "empty", -col.stale_days))
    overdue_html = (f"<section><h2>超期和空白栏目（{len(overdue)} 个）</h2>"
                    f'<div class="wide">{stale_chart(overdue, report.as_of, base, width=760, unit_label=True, names=short_names)}</div></section>' if overdue else "")
    urgent = [(i, f) for i, f in numbered if f.severity in ("error", "warning") and f.area != "coverage"]
    urgent_html = ""
    if urgent:
        lis = "".join(
            f'<li><span class="sev-{e(f.severity)}">[{e(SEVERITY_NAMES[f.severity])}·{e(AREA_NAMES.get(f.area, f.area))}]</span> '
            + (f'<a href="{e(href(f, base))}">{e(f.message)}</a>' if href(f, base) else e(f.message))
            + f" <small>依据：{e(f.article)}；整改：{e(f.fix)}</small></li>" for i, f in urgent[:40])
        more = f"<p><small>另有 {len(urgent) - 40} 项，见下方各单位明细。</small></p>" if len(urgent) > 40 else ""
        urgent_html = f"<section><h2>需立即处理（{len(urgent)} 项，不含公开覆盖类）</h2><ul>{lis}</ul>{more}</section>"
    notes = "".join(f"<li>{e(n)}</li>" for n in report.notes)
    banner = ('<div class="banner fail">国家检查指标单项否决：未通过</div>' if report.site_veto
              else '<div class="banner pass">国家检查指标单项否决：未触发</div>')
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>{e(report.site_name)} 读网审计与单位计分（{report.as_of}）</title>
<style>{CSS}</style>{PRINT_SCRIPT}</head><body>
<header><h1>{e(report.site_name)} 读网审计与单位计分</h1>
<p>审计日 {report.as_of} · 提交 {e(report.commit[:10])} · 已发布稿件 {report.pages} 篇 · 内部页面，不对外公开</p></header>
<main>
<section>{banner}
<span class="kpi"><b class="sev-error">{c['error']}</b>错误</span><span class="kpi"><b class="sev-warning">{c['warning']}</b>警告</span>
<span class="kpi"><b class="sev-info">{c['info']}</b>预警（即将到期）</span><span class="kpi"><b>{len(report.units)}</b>单位</span></section>
{overdue_html}
{urgent_html}
<section><h2>单项否决指标</h2><div class="wide"><table><tr><th>结果</th><th>指标</th><th>证据</th></tr>{veto_rows}</table></div></section>
<section><h2>单位计分排名</h2><div class="wide"><table><tr><th>排名</th><th>单位</th><th>得分</th><th>单项否决</th>
<th>近12期更新得分趋势</th><th>近12个月每月新发稿件</th></tr>{unit_rows}</table></div>
<p><small>得分＝100 减各项扣分（每类扣分设上限）；趋势按每月同日的 git 历史计算栏目更新得分。点击单位查看扣分明细，点击位置打开对应稿件或栏目。</small></p></section>
{"".join(sections)}
<section><h2>说明</h2><ul>{notes}</ul></section>
</main></body></html>
"""
