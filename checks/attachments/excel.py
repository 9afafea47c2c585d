"""Excel attachments (.xlsx) through openpyxl in read-only mode: one line per row, ``line`` the row and
``column`` the column, ``where`` 工作表“名单” B7 单元格. Hidden sheets are read too: they are published."""

from __future__ import annotations

import datetime as dt
import time

from checks.attachments.extract import Extracted, Limits, Line, Piece, check_zip, column_letters

FORMAT = " Excel（.xlsx）"


def encrypted(exc: BaseException) -> bool:
    return False


def cell_text(value: object) -> str:
    """What a cell shows: a whole number without ``.0`` (an ID number typed as a number is still one)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e20:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return " ".join(str(value).split())


def read(raw: bytes, out: Extracted, limits: Limits, deadline: float) -> None:
    import io

    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        from checks.attachments.extract import Note

        out.notes.append(Note("encrypted", "文件已加密，或是改了扩展名的旧版 Excel（.xls）文件"))
        return
    check_zip(raw, limits)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    cells = 0
    try:
        for sheet in book.worksheets:
            hidden = "（隐藏）" if getattr(sheet, "sheet_state", "visible") != "visible" else ""
            out.brk()
            for number, row in enumerate(sheet.iter_rows(), start=1):
                if time.monotonic() > deadline:
                    out.truncate("读取超时，只检查了前面部分")
                    return
                pieces = []
                for cell in row:
                    cells += 1
                    text = cell_text(getattr(cell, "value", None))
                    if not text:
                        continue
                    r = getattr(cell, "row", None) or number
                    c = getattr(cell, "column", None) or len(pieces) + 1
                    pieces.append(Piece(text, r, c, f"工作表“{sheet.title}”{hidden} {column_letters(c)}{r} 单元格"))
                if cells > limits.cells:
                    out.truncate(f"单元格超过 {limits.cells // 10000} 万个，只检查了前面部分")
                    return
                if pieces and not out.add(Line(pieces, table=True)):
                    return
    finally:
        book.close()
