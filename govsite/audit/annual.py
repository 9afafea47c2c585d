"""The annual report on government information disclosure (政府信息公开工作年度报告), drafted in the format of
国办公开办函〔2021〕30号: what the repository knows is filled in (pages proactively disclosed, Art. 21 timeliness,
columns, new media, 规章 and 行政规范性文件 made, repealed and in force, the year-end audit's problems); what only
the unit knows (applications, 复议 and 诉讼, licences, fees) is left as 待填 cells, which ``govsite check``
refuses to publish until they are filled. The draft is a page of the unit's 年报 column, reviewed like any other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from govsite.audit.document import Block, chinese_date
from govsite.core.errors import GovsiteError

TODO = "【待填】"  # norm.unfilled-placeholder stops a draft with these from being published
ANNUAL_CATEGORY = "annual_report"
POLICY_TYPES = ("规章", "行政规范性文件")
APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# 三、收到和处理政府信息公开申请情况: the rows of the national format, in order
APPLICATION_ROWS = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果",
    "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项", "（四）无法提供",
    "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确", "（五）不予处理",
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息", "（六）其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "（七）总计",
    "四、结转下年度继续办理",
]
SUB_HEADINGS = {"三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"}
REVIEW_COLUMNS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


@dataclass
class AnnualReport:
    year: int
    organ: str                # 报告机关: the unit's name, or the county government
    unit: str                 # unit id whose 年报 column receives the page
    column: str               # that column's id
    title: str
    blocks: list[Block]
    drafted_on: dt.date

    @property
    def page_path(self) -> str:
        return f"content/{self.unit}/{self.column}/{self.drafted_on.isoformat()}-{self.year}-ndbg.md"


def _policy_counts(snap, units: set[str], year: int) -> dict[str, list[int]]:
    """doc_type → [made in the year, repealed or expired in the year, in force at the year's end]."""
    from govsite.audit.snapshot import read_blobs  # noqa: PLC0415
    from checks.textio import UnreadableFile, decode_text  # noqa: PLC0415
    from govsite.core.pages import parse_page  # noqa: PLC0415

    end = dt.date(year, 12, 31)
    pages = [p for p in snap.pages.values() if p.unit in units and p.blob]
    blobs = read_blobs(snap.root, [p.blob for p in pages])
    out = {t: [0, 0, 0] for t in POLICY_TYPES}
    for p in pages:
        raw = blobs.get(p.blob, b"")
        if b"doc_type" not in raw:
            continue
        try:
            text = decode_text(raw).text
        except UnreadableFile:
            continue
        page, _ = parse_page(p.path, text, None, lines=False)
        if page.doc_type not in out:
            continue
        made = page.formed or p.first_published
        v = page.validity
        ended_on = v.date if v is not None and not v.in_force else None
        if made.year == year:
            out[page.doc_type][0] += 1
        if ended_on and ended_on.year == year:
            out[page.doc_type][1] += 1
        if made <= end and (ended_on is None or ended_on > end):
            out[page.doc_type][2] += 1
    return out


def draft_annual_report(root: Path, year: int, unit_id: str | None, today: dt.date) -> AnnualReport:
    """The draft for ``unit_id`` (None: the county government, from every unit's pages)."""
    from govsite.audit.freshness import column_state  # noqa: PLC0415
    from govsite.audit.run import run_audit  # noqa: PLC0415
    from govsite.audit.snapshot import take_snapshot  # noqa: PLC0415
    from govsite.core import workdays  # noqa: PLC0415
    from govsite.core.county import County  # noqa: PLC0415

    county = County(root)
    end = dt.date(year, 12, 31)
    if dt.date(year, 1, 1) > today:
        raise GovsiteError(f"{year} 年尚未开始，不能起草它的年度报告。")
    as_of = min(end, today)
    site = county.site
    units = county.units
    owner_id = unit_id or county.office_unit
    owner = units.get(owner_id)
    if owner is None:
        known = "、".join(sorted(units))
        raise GovsiteError(f"单位“{owner_id}”不存在（units/ 中没有 {owner_id}.yml）。已有单位：{known}。")
    column = next((cid for cid, c in owner.columns.items() if c.category == ANNUAL_CATEGORY), None)
    if column is None:
        raise GovsiteError(f"{owner.name}的栏目目录中没有“政府信息公开年度报告”栏目（category: {ANNUAL_CATEGORY}）。"
                           f"请先在 units/{owner_id}.yml 的 columns 中增设该栏目（报县政府办公室同意）。")
    organ = owner.name if unit_id else str(site.get("name") or owner.name)
    scope = {unit_id} if unit_id else set(units)
    snap = take_snapshot(root, as_of, set(county.categories) or None)
    mine = [p for p in snap.pages.values() if p.unit in scope and p.first_published.year == year]
    timely = [p for p in mine if p.formed and p.formed <= p.first_published
              and workdays.working_days_after(p.formed, p.first_published) <= 20]
    dated = [p for p in mine if p.formed]
    columns = [(u, cid, c) for u in snap.units.values() if u.id in scope for cid, c in u.columns.items()]
    titles = {(u.id, cid): c.title for u, cid, c in columns}
    by_column: dict[str, int] = {}  # by column title: the county's report adds up every unit's 通知公告
    for p in mine:
        title = titles.get((p.unit, p.column), p.column)
        by_column[title] = by_column.get(title, 0) + 1
    on_time = 0
    for u, cid, _ in columns:
        st = column_state(u, cid, [p for p in snap.pages.values() if p.unit == u.id and p.column == cid], as_of)
        on_time += st.status in ("fresh", "due")
    media = [a for u in snap.units.values() if u.id in scope for a in u.new_media]
    policy = _policy_counts(snap, scope, year)
    audit = run_audit(root, as_of, None, run_checks=False)
    problems = [f for f in audit.findings if f.unit in scope and f.severity != "info"]

    contact = owner.contact
    blocks: list[Block] = [Block("p", (
        f"本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息公开办公室关于印发"
        f"〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。本报告中所列数据的"
        f"统计期限自{year}年1月1日起至{year}年12月31日止。本报告在{site.get('name') or '本级人民政府'}门户网站公布。"
        f"如对本报告有疑问，请与{organ}联系（地址：{contact.address or TODO}；电话：{contact.phone or TODO}）。"))]
    blocks.append(Block("h1", "一、总体情况"))
    rate = f"{len(timely) * 100 / len(dated):.1f}%" if dated else "—"
    top = sorted(by_column.items(), key=lambda kv: (-kv[1], kv[0]))[:6]
    blocks.append(Block("p", (
        f"（一）主动公开。{year}年，{organ}通过政府网站主动公开政府信息 {len(mine)} 条"
        + (f"，其中{'、'.join(f'“{k}”{n} 条' for k, n in top)}" if top else "")
        + f"。注明形成日期的 {len(dated)} 条中，{len(timely)} 条在信息形成或变更之日起20个工作日内公开，及时公开率 {rate}"
        "（《巫山县政府网站与政务新媒体管理办法》第二十一条）。")))
    blocks.append(Block("p", f"（二）依申请公开。全年收到政府信息公开申请 {TODO} 件，按时答复 {TODO} 件（详见第三部分）。"))
    made = sum(v[0] for v in policy.values())
    gone = sum(v[1] for v in policy.values())
    force = sum(v[2] for v in policy.values())
    blocks.append(Block("p", (
        f"（三）政府信息管理。全年制发规章和行政规范性文件 {made} 件，废止或失效 {gone} 件，年末现行有效 {force} 件；"
        "每件文件在门户网站标注效力状态，信息发布前按三审三校要求审核。")))
    blocks.append(Block("p", (
        f"（四）平台建设。在县政府门户网站开设栏目 {len(columns)} 个，年末按规定周期更新的 {on_time} 个；"
        + (f"政务新媒体 {len(media)} 个（{'、'.join(f'{a.platform}“{a.name}”' for a in media)}）。" if media
           else "未开设政务新媒体。"))))
    blocks.append(Block("p", f"（五）监督保障。{TODO}（工作机构、人员、培训、考核等情况）。"))

    blocks.append(Block("h1", "二、主动公开政府信息情况"))
    blocks.append(Block("table", header=["第二十条第（一）项", "本年制发件数", "本年废止件数", "现行有效件数"],
                        rows=[[t, *map(str, policy[t])] for t in POLICY_TYPES], widths=[34, 22, 22, 22]))
    blocks.append(Block("table", header=["第二十条第（五）项", "本年处理决定数量"], rows=[["行政许可", TODO]], widths=[50, 50]))
    blocks.append(Block("table", header=["第二十条第（六）项", "本年处理决定数量"],
                        rows=[["行政处罚", TODO], ["行政强制", TODO]], widths=[50, 50]))
    blocks.append(Block("table", header=["第二十条第（八）项", "本年收费金额（单位：万元）"],
                        rows=[["行政事业性收费", TODO]], widths=[50, 50]))

    blocks.append(Block("h1", "三、收到和处理政府信息公开申请情况"))
    blocks.append(Block("p", "申请人情况中，商业企业、科研机构、社会公益组织、法律服务机构、其他为“法人或其他组织”。"
                             "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和。"))
    rows = [[r, *([""] * len(APPLICANTS) if r in SUB_HEADINGS and r != "三、本年度办理结果" else [TODO] * len(APPLICANTS))]
            for r in APPLICATION_ROWS]
    rows[APPLICATION_ROWS.index("三、本年度办理结果")][1:] = [""] * len(APPLICANTS)
    blocks.append(Block("table", header=["项目", *APPLICANTS], rows=rows, widths=[37, 9, 9, 9, 9, 9, 9, 9]))

    blocks.append(Block("h1", "四、政府信息公开行政复议、行政诉讼情况"))
    blocks.append(Block("table", header=["行政复议", *REVIEW_COLUMNS], rows=[["件数", *([TODO] * 5)]],
                        widths=[25, 15, 15, 15, 15, 15]))
    blocks.append(Block("table", header=["行政诉讼", *REVIEW_COLUMNS],
                        rows=[["未经复议直接起诉", *([TODO] * 5)], ["复议后起诉", *([TODO] * 5)]],
                        widths=[25, 15, 15, 15, 15, 15]))

    blocks.append(Block("h1", "五、存在的主要问题及改进情况"))
    kinds: dict[str, int] = {}
    for f in problems:
        kinds[f.area] = kinds.get(f.area, 0) + 1
    from govsite.audit.model import AREA_NAMES  # noqa: PLC0415

    if problems:
        blocks.append(Block("p", f"截至{chinese_date(as_of)}，读网审计发现问题 {len(problems)} 条："
                                 + "；".join(f"{AREA_NAMES.get(a, a)} {n} 条" for a, n in kinds.items())
                                 + f"。改进措施：{TODO}。"))
    else:
        blocks.append(Block("p", f"截至{chinese_date(as_of)}，读网审计未发现须整改的问题。"))
    blocks.append(Block("p", f"上一年度报告所列问题的改进情况：{TODO}。"))
    blocks.append(Block("h1", "六、其他需要报告的事项"))
    blocks.append(Block("p", f"（一）依据《政府信息公开信息处理费管理办法》收取信息处理费情况：本年度发出收费通知 {TODO} 件，"
                             f"总金额 {TODO} 万元；实际收取 {TODO} 件，总金额 {TODO} 万元。"))
    blocks.append(Block("p", f"（二）人大代表建议和政协提案办理结果公开情况：{TODO}。"))
    blocks.append(Block("p", f"（三）年度工作要点落实情况：{TODO}。"))
    return AnnualReport(year, organ, owner_id, column, f"{organ}{year}年政府信息公开工作年度报告", blocks, today)


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ") or " "


def render_markdown(report: AnnualReport) -> str:
    """The draft as a page of the 年报 column (front matter as the content model reads it)."""
    out = ["---", f"title: {report.title}", f"formed: {report.drafted_on.isoformat()}", "---", ""]
    for b in report.blocks:
        if b.kind == "h1":
            out += [f"## {b.text}", ""]
        elif b.kind == "h2":
            out += [f"### {b.text}", ""]
        elif b.kind == "table":
            out.append("| " + " | ".join(map(_cell, b.header)) + " |")
            out.append("|" + "|".join(" --- " for _ in b.header) + "|")
            out += ["| " + " | ".join(map(_cell, r)) + " |" for r in b.rows]
            out.append("")
        else:
            out += [b.text, ""]
    out += [f"{report.organ}", "", chinese_date(report.drafted_on), ""]
    return "\n".join(out)


def write_annual_docx(report: AnnualReport, path: Path) -> None:
    from govsite.audit.circular_docx import TITLE_FONT, add_blocks, new_document, paragraph, save  # noqa: PLC0415

    doc = new_document(report.title, report.organ)
    paragraph(doc, report.title, TITLE_FONT, 22, "center", indent=False, line=35)
    paragraph(doc, "", indent=False)
    add_blocks(doc, report.blocks, table_pt=9)
    paragraph(doc, "", indent=False)
    paragraph(doc, report.organ, align="right", indent=False, right_chars=2)
    paragraph(doc, chinese_date(report.drafted_on), align="right", indent=False, right_chars=2)
    save(doc, path)
