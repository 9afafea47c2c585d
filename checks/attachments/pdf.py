"""PDF attachments through pypdf: the text of each page, ``line`` the page number."""

from __future__ import annotations

import time

from checks.attachments.extract import Extracted, Limits, Line, Note, Piece

FORMAT = " PDF "


def encrypted(exc: BaseException) -> bool:
    return type(exc).__name__ in ("FileNotDecryptedError", "WrongPasswordError", "DependencyError")


def read(raw: bytes, out: Extracted, limits: Limits, deadline: float) -> None:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(raw))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # only a permissions (owner) password: anyone can open it
        except Exception as exc:  # noqa: BLE001 - an unknown encryption is as closed as a password
            if type(exc).__name__ == "DependencyError":  # AES without the cryptography package
                out.notes.append(Note("unavailable", "文件设有加密保护，本机的检查程序无法解密"))
                return
            opened = 0
        if not opened:
            out.notes.append(Note("encrypted", "文件已加密（设有打开密码），公众和检查都无法打开"))
            return
    pages = len(reader.pages)
    broken: list[int] = []
    before = out.chars
    for number in range(1, pages + 1):
        if number > limits.pdf_pages:
            out.truncate(f"共 {pages} 页，只检查了前 {limits.pdf_pages} 页")
            break
        if time.monotonic() > deadline:
            out.truncate(f"读取超时，只检查了前 {number - 1} 页")
            break
        try:
            text = reader.pages[number - 1].extract_text() or ""
        except Exception:  # noqa: BLE001 - one broken page: the others are still read
            broken.append(number)
            continue
        where = f"第 {number} 页"
        for row in text.split("\n"):
            row = row.strip()
            if row and not out.add(Line([Piece(row, number, 1, where)])):
                return
        out.brk()
    if pages and out.chars == before and len(broken) < pages and not out.notes:
        out.notes.append(Note("no-text", "文件没有可读取的文字，多半是扫描件或图片，其中的内容检查不到"))
    if broken:
        shown = "、".join(str(n) for n in broken[:10]) + ("等" if len(broken) > 10 else "")
        out.notes.append(Note("broken", f"第 {shown} 页已损坏，无法读取其中文字"))
