"""CSV attachments: one line per row, ``where`` 第 7 行第 2 列（B7）."""

from __future__ import annotations

import time

from checks.attachments.extract import Extracted, Limits, Line, Note, Piece, column_letters

FORMAT = " CSV "


def encrypted(exc: BaseException) -> bool:
    return False


def read(raw: bytes, out: Extracted, limits: Limits, deadline: float) -> None:
    import csv

    text = None
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on a Chinese Windows saves CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\0" in text:
        out.notes.append(Note("broken", "文件不是文字表格（无法按 UTF-8 或 GBK 读取）"))
        return
    cells = 0
    for r, row in enumerate(csv.reader(text.splitlines()), start=1):
        if time.monotonic() > deadline:
            out.truncate("读取超时，只检查了前面部分")
            return
        pieces = []
        for c, value in enumerate(row, start=1):
            cells += 1
            value = " ".join(value.split())
            if value:
                pieces.append(Piece(value, r, c, f"第 {r} 行第 {c} 列（{column_letters(c)}{r}）"))
        if cells > limits.cells:
            out.truncate(f"单元格超过 {limits.cells // 10000} 万个，只检查了前面部分")
            return
        if pieces and not out.add(Line(pieces, table=True)):
            return
