"""Reading user files safely: encodings, BOM, CRLF, binary and huge files.

Every problem becomes a Chinese message naming the file and what to do, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024  # a page larger than 2 MB is not a page; refuse it with a clear message
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class TextFile:
    """A decoded text file. ``text`` uses ``\\n`` line ends and has no BOM."""

    text: str
    raw: bytes
    had_bom: bool = False
    had_crlf: bool = False


class UnreadableFile(Exception):
    """The file cannot be read as UTF-8 text; ``rule`` and ``message`` explain why (Chinese)."""

    def __init__(self, rule: str, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line


def _looks_like_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def decode_text(raw: bytes) -> TextFile:
    """Decode ``raw`` as UTF-8 text or raise :class:`UnreadableFile`."""
    if len(raw) > MAX_BYTES:
        raise UnreadableFile(
            "schema.too-large",
            f"文件过大（{len(raw) // 1024} KB，上限 {MAX_BYTES // 1024} KB），不像是一篇网页稿件。"
            "请拆分为多篇，或把数据作为附件另行发布。",
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Word's "Unicode text" and Windows Notepad's "Unicode" save UTF-16, which looks binary
        raise UnreadableFile(
            "schema.encoding",
            "文件是 UTF-16 编码（Word 或记事本“Unicode”格式），不是 UTF-8。请在编辑器中“另存为 UTF-8”，"
            "或用 iconv -f UTF-16 -t UTF-8 原文件 > 新文件 转换后再提交。",
        )
    if b"\x00" in raw[:8192]:
        raise UnreadableFile(
            "schema.binary",
            "这是二进制文件，不是 Markdown 文本。请把图片、表格等放到栏目下的 files/ 目录作为附件，并在正文中链接。",
        )
    had_bom = raw.startswith(UTF8_BOM)
    body = raw[len(UTF8_BOM):] if had_bom else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        if _looks_like_gbk(body):
            raise UnreadableFile(
                "schema.encoding",
                "文件不是 UTF-8 编码，看起来是 GBK/GB18030。请转换为 UTF-8 后再提交，例如："
                "iconv -f GB18030 -t UTF-8 原文件 > 新文件，或在编辑器中“另存为 UTF-8”。",
                line,
            ) from None
        raise UnreadableFile(
            "schema.encoding",
            f"第 {line} 行附近有无法识别的字节，文件不是 UTF-8 文本。请用编辑器另存为 UTF-8 编码。",
            line,
        ) from None
    had_crlf = "\r" in text
    if had_crlf:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TextFile(text=text, raw=raw, had_bom=had_bom, had_crlf=had_crlf)


def read_text(path: Path) -> TextFile:
    """Read and decode a file; OS errors become :class:`UnreadableFile`."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFile(
                "schema.too-large",
                f"文件过大（{size // 1024} KB，上限 {MAX_BYTES // 1024} KB），不像是一篇网页稿件。"
                "请拆分为多篇，或把数据作为附件另行发布。",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile("schema.unreadable", f"无法读取文件：{exc.strerror or exc}。请检查文件是否存在及权限。") from None
    return decode_text(raw)
