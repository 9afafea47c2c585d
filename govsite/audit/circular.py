"""The inspection circular (通报): what the county office sends after each period's 读网, as one document model
that the Word writer (:mod:`govsite.audit.circular_docx`), the PDF writer (:mod:`govsite.audit.circular_pdf`)
and the problem list (:mod:`govsite.audit.problem_list`) all render, so the three never disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from govsite.audit.document import Block, chinese_date, chinese_number
from govsite.audit.model import AuditReport
from govsite.audit.period import Period
from govsite.audit.rectification import Ledger, LedgerItem, enter, follow_up, when_fixed
from govsite.audit.scheme import Scheme

@dataclass
class Circular:
    number: str          # 文号, e.g. 巫山府办〔2026〕4号
    issuer: str          # 发文机关
    title: str
    addressees: str      # 主送机关
    issued_on: dt.date
    period: Period
    blocks: list[Block]
    items: list[LedgerItem]          # every problem of the problem list: overdue first, then this period's
    copy_to: str = ""    # 抄送
    attachment: str = ""  # 附件 line


def default_number(prefix: str, ledger: Ledger, period: Period, issued_on: dt.date) -> str:
    for c in ledger.circulars:
        if c.get("period") == period.key:
            return str(c["number"])  # the same period issued again keeps its number
    return f"{prefix}〔{issued_on.year}〕{ledger.issued_in(issued_on.year) + 1}号"


def _pass_rate(report: AuditReport) -> tuple[int, int]:
    ranked = [u for u in report.units if not u.closed]
    return sum(1 for u in ranked if u.grade != "不合格"), len(ranked)


def _previous_record(ledger: Ledger, period: Period) -> dict | None:
    key = period.previous().key
    return next((c for c in ledger.circulars if c.get("period") == key), None)


def make_circular(report: AuditReport, ledger: Ledger, scheme: Scheme, period: Period, issued_on: dt.date,
                  issuer: str, prefix: str, changes: tuple[dict[str, dt.date], dict[tuple[str, str], list[dt.date]]],
                  number: str | None = None, previous: AuditReport | None = None) -> Circular:
    """Follow up the ledger against ``report``, enter this period's problems, and lay out the circular.
    ``changes``: what the repository changed since the oldest open item (:func:`govsite.audit.circulate.changes`).
    ``previous``: the previous period's audit, used when the ledger holds no record of its circular."""
    number = number or default_number(prefix, ledger, period, issued_on)
    older = [i for i in ledger.items.values() if i.circular != number]
    fixed = when_fixed(older, report, *changes)
    followed = [i for i in follow_up(ledger, report, fixed) if i.circular != number]
    new = [i for i in enter(ledger, report.findings, scheme, number, issued_on) if i.circular == number]
    new.sort(key=lambda i: (i.deadline or dt.date.max, i.unit, i.id))
    names = {u.unit: u.name for u in report.units}
    prev = _previous_record(ledger, period)
    if prev is None and previous is not None:
        ok, total = _pass_rate(previous)
        prev = {"period": period.previous().key, "problems": sum(1 for f in previous.findings
                                                                  if f.severity != "info" and f.unit),
                "passed": ok, "units": total, "ranks": {u.unit: u.rank for u in previous.units if u.rank},
                "computed": True}
    blocks: list[Block] = []
    blocks.append(Block("p", f"根据《巫山县政府网站与政务新媒体管理办法》第二十六条、第四十条，县政府办公室对{period.name}"
                             f"（{period.start.isoformat()}至{report.as_of.isoformat()}）全县政府网站各单位网页和政务新媒体运行情况"
                             "进行了检查。现将有关情况通报如下。"))
    blocks.append(Block("h1", "一、总体情况"))
    problems = [f for f in report.findings if f.severity != "info" and f.unit]
    ok, total = _pass_rate(report)
    rate = f"{ok * 100 / total:.1f}%" if total else "—"
    errors = sum(1 for f in problems if f.severity == "error")
    vetoed = [u.name for u in report.units if u.veto and not u.closed]
    text = (f"本期共检查 {total} 个单位的网页，已发布稿件 {report.pages} 篇。发现问题 {len(problems)} 条，其中错误 {errors} 条、"
            f"警告 {len(problems) - errors} 条；合格单位 {ok} 个，合格率 {rate}。")
    if vetoed:
        text += f"{'、'.join(vetoed)}触发单项否决指标，本期评定为不合格。"
    if prev:
        p_rate = f"{prev['passed'] * 100 / prev['units']:.1f}%" if prev.get("units") else "—"
        diff = len(problems) - int(prev.get("problems", 0))
        trend = f"增加 {diff} 条" if diff > 0 else (f"减少 {-diff} 条" if diff < 0 else "持平")
        text += (f"与上期（{period.previous().name}）相比，问题数{trend}（上期 {prev.get('problems', 0)} 条），"
                 f"合格率由 {p_rate} 变为 {rate}。")
    else:
        text += "本期为首次通报，无上期数据可比。"
    blocks.append(Block("p", text))
    site_fail = [v for v in report.veto if v.status == "fail"]
    if site_fail:
        blocks.append(Block("p", "全站单项否决指标未通过：" + "；".join(f"{v.name}（{v.evidence}）" for v in site_fail) + "。"))
    if followed:
        counts = {s: sum(1 for i in followed if i.status == s) for s in ("overdue", "open", "fixed")}
        blocks.append(Block("p", f"前期通报问题 {counts['overdue'] + counts['open'] + counts['fixed']} 条（不含已记录的逾期发布等），"
                                 f"已整改 {counts['fixed']} 条，整改中 {counts['open']} 条，逾期未整改 {counts['overdue']} 条。"))

    blocks.append(Block("h1", "二、排名情况"))
    ranks = (prev or {}).get("ranks") or {}
    rows = []
    for u in report.units:
        if u.closed:
            continue
        before = ranks.get(u.unit)
        change = "新参评" if not before else ("持平" if before == u.rank else
                                              (f"上升 {before - u.rank} 位" if before > u.rank else f"下降 {u.rank - before} 位"))
        lost = "；".join(f"{d.name}−{d.points:g}" for d in u.deductions) or "—"
        rows.append([str(u.rank), u.name, f"{u.score:.1f}", u.grade + ("（单项否决）" if u.veto else ""), lost,
                     str(before or "—"), change])
    blocks.append(Block("table", header=["排名", "单位", "得分", "等级", "主要扣分", "上期排名", "变化"], rows=rows,
                        widths=[10, 45, 12, 14, 40, 16, 19]))
    closed = [u.name for u in report.units if u.closed]
    if closed:
        blocks.append(Block("p", f"{'、'.join(closed)}已按规定关停，不参加排名。"))

    overdue = [i for i in followed if i.status == "overdue"]
    blocks.append(Block("h1", "三、存在问题"))
    n = 0
    if overdue:
        n += 1
        blocks.append(Block("h2", f"（{chinese_number(n)}）前期通报逾期未整改的问题（{len(overdue)} 条）"))
        for k, i in enumerate(overdue, 1):
            blocks.append(Block("item", f"{k}. {names.get(i.unit, i.unit)}：{i.message}（问题编号 {i.id}，{i.circular}通报，"
                                        f"整改期限 {chinese_date(i.deadline) if i.deadline else '—'}，已逾期。）"))
    by_unit: dict[str, list[LedgerItem]] = {}
    for i in new:
        by_unit.setdefault(i.unit, []).append(i)
    for u in report.units:
        items = by_unit.get(u.unit)
        if not items:
            continue
        n += 1
        blocks.append(Block("h2", f"（{chinese_number(n)}）{u.name}（{len(items)} 条）"))
        for k, i in enumerate(items, 1):
            due = f"整改期限 {chinese_date(i.deadline)}" if i.deadline else "已发生，须举一反三"
            if i.responsible:
                due += f"，由{i.responsible}办理"
            blocks.append(Block("item", f"{k}. {i.message}依据：{i.article}。（问题编号 {i.id}，{due}。）"))
    if n == 0:
        blocks.append(Block("p", "本期未发现须通报的问题。"))

    blocks.append(Block("h1", "四、整改要求"))
    blocks.append(Block("p", "（一）各单位要对照问题清单逐条整改，在每条问题所列整改期限前完成，并由单位主要负责人审核后，"
                             "将整改情况报县政府办公室。逾期未整改的问题将在下期通报中列在最前，并按《管理办法》第四十条约谈相关责任人。"))
    blocks.append(Block("p", "（二）栏目更新类问题，须发布该栏目的新信息，修改旧稿件不算更新；发布时效类问题已经发生，"
                             "须查找审核发布流程中的原因，举一反三，确保信息形成后20个工作日内公开（第二十一条）。"))
    blocks.append(Block("p", "（三）各单位要落实三审三校和更新责任制度（第十六条、第十七条、第二十二条），"
                             "信息员每周自查本单位网页，及时处理 govsite 审计中的预警事项。"))
    items = overdue + [i for i in followed if i.status == "open"] + new
    return Circular(number=number, issuer=issuer, title=f"{issuer}关于{period.name}全县政府网站和政务新媒体检查情况的通报",
                    addressees="各乡镇人民政府、街道办事处，县政府各部门，有关单位：", issued_on=issued_on, period=period,
                    blocks=blocks, items=items, copy_to="县委办公室，县人大常委会办公室，县政协办公室。",
                    attachment=f"附件：{period.name}政府网站和政务新媒体问题清单")


def record_circular(ledger: Ledger, circular: Circular, report: AuditReport) -> None:
    """Keep the circular's summary in the ledger, so the next period compares with what was circulated."""
    ok, total = _pass_rate(report)
    rec = {"period": circular.period.key, "number": circular.number, "issued_on": circular.issued_on.isoformat(),
           "as_of": report.as_of.isoformat(), "problems": sum(1 for f in report.findings if f.severity != "info" and f.unit),
           "passed": ok, "units": total, "ranks": {u.unit: u.rank for u in report.units if u.rank}}
    ledger.circulars = [c for c in ledger.circulars if c.get("period") != circular.period.key] + [rec]


def output_names(out: Path, period: Period) -> dict[str, Path]:
    return {"docx": out / f"通报-{period.key}.docx", "pdf": out / f"通报-{period.key}.pdf",
            "xlsx": out / f"问题清单-{period.key}.xlsx"}
