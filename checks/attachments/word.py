"""Word attachments (.docx) through python-docx: paragraphs (正文第 N 段), table cells (表格 T 第 R 行第 C 列),
text boxes, headers and footers; ``line`` counts the blocks (paragraphs and table rows) in the order they stand."""

from __future__ import annotations

import time

from checks.attachments.extract import Extracted, Limits, Line, Piece, check_zip

FORMAT = " Word（.docx）"


def encrypted(exc: BaseException) -> bool:
    # an encrypted .docx is an OLE file, not a zip: python-docx says "not a zip file"; so does a .doc renamed
    return False


def read(raw: bytes, out: Extracted, limits: Limits, deadline: float) -> None:
    import io

    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE: an encrypted Word file, or a .doc renamed .docx
        from checks.attachments.extract import Note

        out.notes.append(Note("encrypted", "文件已加密，或是改了扩展名的旧版 Word（.doc）文件"))
        return
    check_zip(raw, limits)
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(raw))
    state = {"block": 0, "paragraph": 0, "table": 0}

    def paragraph(text: str, where: str) -> bool:
        state["block"] += 1
        text = " ".join(text.split())
        return not text or out.add(Line([Piece(text, state["block"], 1, where)]))

    def table(tbl: Table, label: str) -> bool:
        out.brk()
        for r, row in enumerate(tbl.rows, start=1):
            if time.monotonic() > deadline:
                out.truncate("读取超时，只检查了前面部分")
                return False
            state["block"] += 1
            pieces, seen = [], set()
            for c, cell in enumerate(row.cells, start=1):
                if id(cell._tc) in seen:  # a merged cell is listed once for every column it spans
                    continue
                seen.add(id(cell._tc))
                text = " ".join(cell.text.split())
                if text:
                    pieces.append(Piece(text, state["block"], c, f"{label}第 {r} 行第 {c} 列"))
            if pieces and not out.add(Line(pieces, table=True)):
                return False
        out.brk()
        return True

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            state["table"] += 1
            if not table(block, f"表格 {state['table']} "):
                return
        else:
            if block.text.strip():
                state["paragraph"] += 1
            if not paragraph(block.text, f"正文第 {state['paragraph']} 段"):
                return
    from docx.oxml.ns import qn

    for box in document.element.body.iter(qn("w:txbxContent")):  # text boxes: python-docx leaves them out
        for para in box.iter(qn("w:p")):
            if not paragraph("".join(t.text or "" for t in para.iter(qn("w:t"))), "文本框"):
                return
    for s, section in enumerate(document.sections, start=1):
        for part, name in ((section.header, "页眉"), (section.footer, "页脚")):
            if part.is_linked_to_previous and s > 1:
                continue
            for para in part.paragraphs:
                if not paragraph(para.text, name):
                    return
