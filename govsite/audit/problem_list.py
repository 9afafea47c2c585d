"""The circular's problem list (问题清单) as an Excel workbook (openpyxl): one row per problem with unit, column,
page, article, deadline and status, overdue items first, ready to filter and to hand to each unit."""

from __future__ import annotations

from pathlib import Path

from govsite.audit.circular import Circular
from govsite.core.errors import GovsiteError

HEADER = ("序号", "问题编号", "单位", "栏目", "稿件或位置", "问题", "依据", "整改要求", "责任人", "整改期限", "状态",
          "通报文号", "整改日期")
WIDTHS = (5, 11, 16, 10, 24, 44, 22, 30, 14, 11, 10, 16, 11)  # in characters of the default font
LINE_HEIGHT = 15  # points per wrapped line (openpyxl does not measure text, so rows are sized here)


def _lines(value: object, width: int) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide (a Chinese character is two)."""
    text = "" if value is None else str(value)
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, -(-units // max(width - 1, 1)))


def write_xlsx(circular: Circular, path: Path, unit_names: dict[str, str], column_titles: dict[tuple[str, str], str]) -> None:
    try:
        from openpyxl import Workbook  # noqa: PLC0415
        from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
        from openpyxl.utils import get_column_letter  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the audit extra installs it
        raise GovsiteError("生成问题清单需要 openpyxl。请运行 make setup（或 pip install govsite[audit]）后重试。") from None
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append([f"{circular.period.name}政府网站和政务新媒体问题清单（{circular.number}附件）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(name="黑体", size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(HEADER))
    for cell in ws[2]:
        cell.font = Font(name="黑体", bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F4")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    overdue_fill = PatternFill("solid", fgColor="FDE8E7")
    for n, item in enumerate(circular.items, 1):
        ws.append([n, item.id, unit_names.get(item.unit, item.unit),
                   column_titles.get((item.unit, item.column), item.column), item.path, item.message, item.article,
                   item.fix, item.responsible, item.deadline or "已发生，举一反三", item.status_name, item.circular, item.fixed_on])
        row = ws.max_row
        for cell in ws[row]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.row_dimensions[row].height = LINE_HEIGHT * max(_lines(c.value, w) for c, w in zip(ws[row], WIDTHS))
        for col in (10, 13):
            ws.cell(row, col).number_format = "yyyy-mm-dd"
        if item.status == "overdue":
            for cell in ws[row]:
                cell.fill = overdue_fill
    for i, w in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(HEADER))}{max(ws.max_row, 2)}"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = f"{circular.period.name}问题清单"
    wb.properties.creator = circular.issuer
    try:
        wb.save(str(path))
    except OSError as exc:
        raise GovsiteError(f"无法写入 {path}：{exc.strerror or exc}。请检查该位置是否有写权限。") from None
