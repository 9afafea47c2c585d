"""The office's documents as Word (.docx, python-docx) — the circular here, the annual report through
:func:`new_document` and :func:`add_blocks` — in 公文 layout (GB/T 9704—2012: A4, margins 37/35/28/26 mm,
22 lines of 28 characters, 发文机关标志 in red 小标宋, the red separator, 三号仿宋 body, 黑体/楷体 headings, page
numbers “— 1 —” in 四号 宋体, 版记 between rules)."""

from __future__ import annotations

from pathlib import Path

from govsite.audit.circular import Circular
from govsite.audit.document import Block, chinese_date
from govsite.core.errors import GovsiteError

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
RED = "FF0000"
BODY_PT = 16        # 三号
LINE_PT = 28.95     # 22 lines on the 225 mm text block


def _fonts(run, name: str, size: float, bold: bool = False, color: str | None = None) -> None:
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.shared import Pt, RGBColor  # noqa: PLC0415

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def paragraph(doc, text: str, font: str = BODY_FONT, size: float = BODY_PT, align: str = "justify", indent: bool = True,
          bold: bool = False, color: str | None = None, line: float = LINE_PT, right_chars: float = 0,
          keep: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                     "left": WD_ALIGN_PARAGRAPH.LEFT}.get(align, WD_ALIGN_PARAGRAPH.JUSTIFY)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)  # 首行缩进 2 字
    if right_chars:
        fmt.right_indent = Pt(size * right_chars)
    fmt.keep_with_next = keep
    if text:
        _fonts(p.add_run(text), font, size, bold, color)
    return p


def _border(p, side: str, color: str, size: int) -> None:
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    ppr = p._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    el = OxmlElement(f"w:{side}")
    for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        el.set(qn(k), v)
    bdr.append(el)


def _page_number(section) -> None:
    """Footer “— N —”, centred (GB/T 9704 puts it outside on alternate sides; centred reads the same on screen)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(p.add_run("— "), PAGE_FONT, 14)
    run = p.add_run()
    _fonts(run, PAGE_FONT, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _fonts(p.add_run(" —"), PAGE_FONT, 14)


def _table(doc, block: Block, size: float = 10.5) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: PLC0415
    from docx.shared import Mm  # noqa: PLC0415

    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(block.widths) or len(block.header)
    widths = [Mm(156 * w / total) for w in (block.widths or [1] * len(block.header))]
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid: what LibreOffice reads
    for cell, text, width in zip(table.rows[0].cells, block.header, widths):
        cell.width = width
        cell.paragraphs[0].alignment = 1
        _fonts(cell.paragraphs[0].add_run(text), H1_FONT, size)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, row, widths):
            cell.width = width
            _fonts(cell.paragraphs[0].add_run(text), BODY_FONT, size)
    paragraph(doc, "", indent=False)


def new_document(title: str, author: str):
    """An empty A4 document with 公文 margins, 仿宋 body and page numbers."""
    try:
        import docx  # noqa: PLC0415
        from docx.oxml.ns import qn  # noqa: PLC0415
        from docx.shared import Mm  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the audit extra installs it
        raise GovsiteError("生成 Word 文件需要 python-docx。请运行 make setup（或 pip install govsite[audit]）后重试。") from None
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(22)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.core_properties.language = "zh-CN"
    _page_number(section)
    return doc


def add_blocks(doc, blocks: list[Block], table_pt: float = 10.5) -> None:
    for block in blocks:
        if block.kind == "table":
            _table(doc, block, table_pt)
        elif block.kind == "h1":
            paragraph(doc, block.text, H1_FONT, keep=True)
        elif block.kind == "h2":
            paragraph(doc, block.text, H2_FONT, keep=True)
        elif block.kind == "item":
            paragraph(doc, block.text, align="left")
        else:
            paragraph(doc, block.text)


def save(doc, path: Path) -> None:
    try:
        doc.save(str(path))
    except OSError as exc:
        raise GovsiteError(f"无法写入 {path}：{exc.strerror or exc}。请检查该位置是否有写权限。") from None


def write_docx(circular: Circular, path: Path) -> None:
    doc = new_document(circular.title, circular.issuer)
    # 版头: issuer's mark in red, the number, the red rule
    paragraph(doc, circular.issuer, TITLE_FONT, 30, "center", indent=False, color=RED, line=50)
    paragraph(doc, "", indent=False)
    mark = paragraph(doc, circular.number, align="center", indent=False)
    _border(mark, "bottom", RED, 18)
    paragraph(doc, "", indent=False)
    # 主体
    paragraph(doc, circular.title, TITLE_FONT, 22, "center", indent=False, line=35)
    paragraph(doc, "", indent=False)
    paragraph(doc, circular.addressees, indent=False)
    add_blocks(doc, circular.blocks)
    if circular.attachment:
        paragraph(doc, "", indent=False)
        paragraph(doc, circular.attachment)
    paragraph(doc, "", indent=False)
    paragraph(doc, "", indent=False)
    paragraph(doc, circular.issuer, align="right", indent=False, right_chars=2)
    paragraph(doc, chinese_date(circular.issued_on), align="right", indent=False, right_chars=2)
    # 版记: 抄送 and 印发 between rules (14 pt 仿宋)
    paragraph(doc, "", indent=False)
    if circular.copy_to:
        cc = paragraph(doc, f"抄送：{circular.copy_to}", size=14, indent=False)
        _border(cc, "top", "000000", 8)
    printed = paragraph(doc, f"{circular.issuer}　　　　{chinese_date(circular.issued_on)}印发", size=14, indent=False)
    _border(printed, "top", "000000", 4)
    _border(printed, "bottom", "000000", 8)
    save(doc, path)
