"""The provincial run's documents: the terminal summary, the HTML scorecard and the provincial circular (通报),
all from one :class:`~govsite.audit.province.ProvinceReport`, so they never disagree."""

from __future__ import annotations

import datetime as dt
import json

from govsite.audit.circular import Circular
from govsite.audit.document import Block, chinese_number
from govsite.audit.html import CSS, e
from govsite.audit.period import Period
from govsite.audit.province import CountySummary, Province, ProvinceReport


def render_json(report: ProvinceReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _main_areas(c: CountySummary, n: int = 3) -> str:
    top = sorted(c.areas.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return "、".join(f"{name} {k}" for name, k in top) or "—"


def _grade(c: CountySummary) -> str:
    return c.grade + ("（单项否决）" if c.site_veto else "")


def render_text(report: ProvinceReport) -> str:
    s = report.to_dict()["summary"]
    lines = [f"{report.province} 政府网站检查（审计日 {report.as_of}）：{s['counties']} 个县（区），已审计 {s['audited']} 个，"
             f"合格 {s['passed']} 个，稿件 {s['pages']} 篇", ""]
    for c in report.counties:
        if c.status != "audited":
            lines.append(f"   —. {c.name}（{c.id}）未能审计：{c.message}")
            continue
        veto = "；单项否决：" + "、".join(c.veto_failed) if c.site_veto else ""
        lines.append(f"  {c.rank:>2}. {c.name}（{c.id}）{c.score:>6.1f} 分 {c.grade}  单位 {c.units_passed}/{c.units} 合格，"
                     f"错误 {c.errors}、警告 {c.warnings}{veto}")
    return "\n".join(lines) + "\n"


def render_html(report: ProvinceReport) -> str:
    s = report.to_dict()["summary"]
    rows = []
    for c in report.counties:
        if c.status != "audited":
            rows.append(f"<tr><td>—</td><td>{e(c.name)}</td><td colspan=\"6\" class=\"fail\">未能审计：{e(c.message)}</td></tr>")
            continue
        cls = "fail" if c.grade == "不合格" else "pass"
        veto = f"<br><small>单项否决：{e('、'.join(c.veto_failed))}</small>" if c.site_veto else ""
        rows.append(f"<tr><td>{c.rank}</td><td>{e(c.name)}</td><td class=\"score\">{c.score:.1f}</td>"
                    f"<td class=\"{cls}\">{e(_grade(c))}{veto}</td><td>{c.units_passed}/{c.units}</td>"
                    f"<td>{c.errors} / {c.warnings}</td><td>{e(_main_areas(c))}</td><td>{c.pages}</td></tr>")
    problems = []
    for c in report.counties:
        if c.problems:
            items = "".join(f"<li>{e(p)}</li>" for p in c.problems)
            problems.append(f"<details><summary>{e(c.name)}（错误 {c.errors} 条，列前 {len(c.problems)} 条）</summary>"
                            f"<ol>{items}</ol></details>")
    return (
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{e(report.province)}政府网站检查记分卡</title><style>{CSS}</style></head><body>"
        f"<header><h1>{e(report.province)}政府网站检查记分卡</h1><p>审计日 {report.as_of}</p></header><main>"
        f"<section><h2>总体情况</h2><div class=\"kpi\"><b>{s['counties']}</b>县（区）</div>"
        f"<div class=\"kpi\"><b>{s['passed']}</b>合格</div><div class=\"kpi\"><b>{s['failed']}</b>未能审计</div>"
        f"<div class=\"kpi\"><b>{s['pages']}</b>稿件</div></section>"
        "<section><h2>排名</h2><div class=\"wide\"><table><thead><tr><th>排名</th><th>县（区）</th><th>得分</th><th>等级</th>"
        "<th>合格单位</th><th>错误 / 警告</th><th>主要问题</th><th>稿件</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table></div></section>"
        + (f"<section><h2>存在问题</h2>{''.join(problems)}</section>" if problems else "")
        + "</main></body></html>\n")


def _whole(province: Province) -> str:
    """全省 / 全市: "whole" with the province's own kind, from the last character of its name."""
    return "全" + (province.name[-1:] or "省")


def make_circular(province: Province, report: ProvinceReport, period: Period, number: str,
                  issued_on: dt.date) -> Circular:
    """The provincial circular: overall figures, the ranking of the counties, each county's errors, what to do."""
    s = report.to_dict()["summary"]
    ranked = [c for c in report.counties if c.rank]
    rate = f"{s['passed'] * 100 / len(ranked):.1f}%" if ranked else "—"
    blocks = [Block("p", f"根据《政府网站发展指引》（国办发〔2017〕47号）和《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号），"
                         f"{province.issuer}对{_whole(province)}{s['counties']}个县（区）政府网站{period.name}"
                         f"（截至{report.as_of.isoformat()}）运行情况进行了检查。现将有关情况通报如下。"),
              Block("h1", "一、总体情况")]
    text = (f"本期共检查 {s['counties']} 个县（区）政府网站，已发布稿件 {s['pages']} 篇；评定合格 {s['passed']} 个，"
            f"合格率 {rate}。")
    vetoed = [c.name for c in ranked if c.site_veto]
    if vetoed:
        text += f"{'、'.join(vetoed)}触发单项否决指标，本期评定为不合格。"
    if report.failed:
        text += (f"{'、'.join(c.name for c in report.failed)}的网站仓库本期未能读取，不参加排名，"
                 "请于 5 个工作日内说明情况。")
    blocks.append(Block("p", text))
    blocks.append(Block("h1", "二、排名情况"))
    blocks.append(Block("table", header=["排名", "县（区）", "得分", "等级", "合格单位", "错误/警告", "主要问题"],
                        rows=[[str(c.rank), c.name, f"{c.score:.1f}", _grade(c), f"{c.units_passed}/{c.units}",
                               f"{c.errors}/{c.warnings}", _main_areas(c)] for c in ranked],
                        widths=[10, 30, 12, 18, 16, 16, 54]))
    blocks.append(Block("h1", "三、存在问题"))
    n = 0
    for c in ranked:
        if not c.problems and not c.site_veto:
            continue
        n += 1
        blocks.append(Block("h2", f"（{chinese_number(n)}）{c.name}（错误 {c.errors} 条）"))
        if c.site_veto:
            blocks.append(Block("item", f"单项否决指标未通过：{'、'.join(c.veto_failed)}。"))
        more = f"（另有 {c.errors - len(c.problems)} 条，见该县读网报告）" if c.errors > len(c.problems) else ""
        for k, p in enumerate(c.problems, 1):
            blocks.append(Block("item", f"{k}. {p}" + (more if k == len(c.problems) else "")))
    if n == 0:
        blocks.append(Block("p", "本期未发现须通报的错误。"))
    blocks.append(Block("h1", "四、整改要求"))
    blocks.append(Block("p", "（一）各县（区）政府办公室要对照本通报和本县读网报告逐条整改，整改情况经主要负责人审核后报"
                             f"{province.issuer}。单项否决的县（区）须在 10 个工作日内完成整改并书面说明原因。"))
    blocks.append(Block("p", "（二）各县（区）要落实三审三校、栏目更新和信息发布时效制度，每周自查本县政府网站，"
                             "及时处理读网中的预警事项。"))
    return Circular(number=number, issuer=province.issuer,
                    title=f"{province.issuer}关于{period.name}{_whole(province)}县（区）政府网站检查情况的通报",
                    addressees="各县（区）人民政府办公室：", issued_on=issued_on, period=period, blocks=blocks, items=[])
