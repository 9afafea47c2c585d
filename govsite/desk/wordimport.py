"""Importing a Word draft (Word 稿件导入): a clerk's (信息员) .docx becomes a page body in Markdown and the
photos in it become files next to the page.

mammoth turns the document into HTML (headings, lists, tables, images), collecting every image's bytes under
``content/<unit>/<column>/files/<stem>-<n>.<ext>``; markdownify turns the HTML into Markdown with ATX
headings and pipe tables. The title, the document number (文号) and the date the document was made (成文日期)
are proposed from the text for the editor to confirm; what the import could not carry over is said in
:attr:`Imported.messages`. A file that is not a readable .docx is a :class:`GovsiteError`, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from govsite.core.errors import GovsiteError

MAX_DOCX_BYTES = 50 * 1024 * 1024

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXTENSIONS = {
    "image/jpeg": "jpg", "image/jpg": "jpg", "image/pjpeg": "jpg", "image/png": "png", "image/gif": "gif",
    "image/bmp": "bmp", "image/x-bmp": "bmp", "image/tiff": "tif", "image/webp": "webp", "image/svg+xml": "svg",
    "image/x-emf": "emf", "image/emf": "emf", "image/x-wmf": "wmf", "image/wmf": "wmf",
}
_WEB_IMAGES = frozenset({"jpg", "png", "gif", "webp", "svg"})
# Word's built-in styles by their English and Chinese names (documents made with WPS or a Chinese Word)
_STYLE_MAP = "\n".join(
    ["p[style-name='Title'] => h1:fresh", "p[style-name='标题'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh",
     "p[style-name='副标题'] => h2:fresh"]
    + [f"p[style-name='标题 {n}'] => h{n}:fresh" for n in range(1, 7)]
    + [f"p[style-name='标题{n}'] => h{n}:fresh" for n in range(1, 7)])


@dataclass(frozen=True)
class Imported:
    """A Word draft as a page: ``markdown`` is the body (images linked as ``files/<stem>-<n>.<ext>``),
    ``images`` (repository path, bytes, content type); ``title``, ``doc_number`` and ``formed`` are proposals
    (None when nothing fits); ``messages`` are notes in Chinese for the editor."""

    markdown: str
    images: list[tuple[str, bytes, str]] = field(default_factory=list)
    title: str | None = None
    doc_number: str | None = None
    formed: dt.date | None = None
    messages: list[str] = field(default_factory=list)


def import_docx(data: bytes, unit: str, column: str, stem: str, max_bytes: int = MAX_DOCX_BYTES) -> Imported:
    """The Word document ``data`` as the page ``content/<unit>/<column>/<stem>.md`` would hold it.

    Raises :class:`GovsiteError` for a file too large, not a .docx (an old .doc, a PDF renamed), encrypted or
    broken."""
    _check_container(data, max_bytes)
    _check_path_part(unit, "单位")
    _check_path_part(column, "栏目")
    _check_path_part(stem, "文件名")
    images = _Images(unit, column, stem)
    html, raw_messages = _to_html(data, images)
    markdown, table_notes = _to_markdown(html)
    text = _plain_lines(markdown)
    messages = images.messages() + table_notes + _mammoth_messages(raw_messages)
    if not markdown.strip():
        messages.insert(0, "文档中没有读到正文文字，请打开原文件核对（内容可能在文本框或图片里）。")
    return Imported(markdown=markdown, images=images.files, title=propose_title(markdown),
                    doc_number=propose_doc_number(text), formed=propose_formed(text), messages=messages)


# -- the container -------------------------------------------------------------------------------------------
def _check_container(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise GovsiteError(f"Word 文件有 {len(data) / 1024 / 1024:.1f} MB，超过 {max_bytes / 1024 / 1024:.0f} MB 的上限。"
                           "请压缩文档中的图片（Word：文件 → 压缩图片）或把图片单独上传后再导入。")
    if not data:
        raise GovsiteError("上传的 Word 文件是空的（0 字节）。请重新保存后再上传。")
    head = data[:8]
    if head == _OLE:
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise GovsiteError("这份 Word 文件设有打开密码（已加密），无法导入。"
                               "请在 Word 中取消密码（文件 → 信息 → 保护文档 → 用密码进行加密，清空密码）后重新上传。")
        raise GovsiteError("这是旧版 Word（.doc）或其他旧格式文件，不是 .docx，无法导入。"
                           "请在 Word 或 WPS 中“另存为”Word 文档（*.docx）后重新上传。")
    if head.startswith(b"%PDF"):
        raise GovsiteError("这是 PDF 文件（只是扩展名改成了 .docx），无法作为 Word 稿件导入。"
                           "请上传原始的 Word 文档（.docx）；PDF 可作为附件上传。")
    if head.startswith(b"{\\rtf"):
        raise GovsiteError("这是 RTF 格式文件，不是 .docx。请在 Word 或 WPS 中“另存为”Word 文档（*.docx）后重新上传。")
    if not head.startswith(_ZIP):
        raise GovsiteError("这个文件不是 Word 文档（.docx），或者已损坏。请在 Word 或 WPS 中打开原稿，"
                           "“另存为”Word 文档（*.docx）后重新上传。")
    import zipfile

    from checks.attachments.extract import Bomb, Limits, check_zip

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
        check_zip(data, Limits(bytes=max_bytes))
    except Bomb as exc:
        raise GovsiteError(f"这个 Word 文件内部数据解开后异常膨胀（{exc}），可能已损坏或是恶意构造的，未导入。"
                           "请在 Word 中打开原稿重新保存后再上传。") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise GovsiteError("这个 Word 文件已损坏（压缩包结构不完整，可能没有传完）。"
                           "请在 Word 中打开原稿，重新保存后再上传。") from exc
    if "word/document.xml" not in names:
        what = "Excel 表格" if "xl/workbook.xml" in names else "PowerPoint 演示文稿" if "ppt/presentation.xml" in names \
            else "压缩包"
        raise GovsiteError(f"这个文件是{what}，不是 Word 文档（.docx），无法作为稿件导入。请上传 Word 原稿。")


def _check_path_part(value: str, what: str) -> None:
    if not value or value in (".", "..") or any(c in value for c in "/\\\0") or value.startswith("."):
        raise GovsiteError(f"{what}“{value}”不能用作路径的一部分（不能为空，不能含斜杠或以点开头）。")


# -- Word to HTML ----------------------------------------------------------------------------------------------
class _Images:
    """The image converter given to mammoth: each distinct image once, numbered in document order."""

    def __init__(self, unit: str, column: str, stem: str) -> None:
        self.folder = f"content/{unit}/{column}/files"
        self.stem = stem
        self.files: list[tuple[str, bytes, str]] = []
        self.seen: dict[str, str] = {}
        self.missing_alt: list[str] = []
        self.not_web: list[str] = []
        self.unreadable = 0

    def __call__(self, image: Any) -> dict[str, str]:
        try:
            with image.open() as f:
                data = f.read()
        except Exception:  # noqa: BLE001 - a linked or missing image part: mammoth goes on, so do we
            self.unreadable += 1
            return {"src": ""}
        digest = hashlib.sha256(data).hexdigest()
        rel = self.seen.get(digest)
        if rel is None:
            content_type = str(image.content_type or "application/octet-stream").lower()
            ext = _EXTENSIONS.get(content_type) or _sniff_extension(data)
            rel = f"files/{self.stem}-{len(self.files) + 1}.{ext}"
            self.seen[digest] = rel
            self.files.append((f"{self.folder}/{rel[len('files/'):]}", data, content_type))
            if ext not in _WEB_IMAGES:
                self.not_web.append(rel)
            if not (image.alt_text or "").strip():
                self.missing_alt.append(rel)
        return {"src": rel}

    def messages(self) -> list[str]:
        out = []
        if self.missing_alt:
            out.append(f"{len(self.missing_alt)} 张图片没有替代文字（alt）：{'、'.join(self.missing_alt)}。"
                       "请逐张补上对图片内容的简要说明（无障碍要求，读屏软件会读出它），再提交审核。")
        if self.not_web:
            out.append(f"图片 {'、'.join(self.not_web)} 是网页无法显示的格式（如 EMF/WMF/TIFF/BMP），"
                       "请在 Word 中另存为 JPG 或 PNG 后替换。")
        if self.unreadable:
            out.append(f"有 {self.unreadable} 张图片读不出来（可能是链接到本机的图片，没有嵌入文档），未导入，"
                       "请单独上传这些图片。")
        return out


def _sniff_extension(data: bytes) -> str:
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return "bin"


def _to_html(data: bytes, images: _Images) -> tuple[str, list[Any]]:
    import mammoth

    try:
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(images),
                                         style_map=_STYLE_MAP)
    except Exception as exc:  # noqa: BLE001 - whatever the library raised, the file is unreadable
        raise GovsiteError("这个 Word 文件内容已损坏，无法读取（其中的文档数据不完整或格式不对）。"
                           "请在 Word 中打开原稿，重新保存为 .docx 后再上传。") from exc
    return str(result.value), list(result.messages)


def _mammoth_messages(messages: list[Any]) -> list[str]:
    styles: list[str] = []
    other: list[str] = []
    for m in messages:
        text = str(getattr(m, "message", m))
        found = re.match(r"Unrecognised (paragraph|run|table) style: (.+?)(?: \(Style ID: .*\))?$", text)
        if found:
            name = f"“{found.group(2)}”"
            if name not in styles:
                styles.append(name)
        elif text not in other:
            other.append(text)
    out = []
    if styles:
        out.append(f"文档中的样式 {'、'.join(styles)} 没有对应的网页格式，已按普通文字导入，请核对标题层级和强调。")
    out.extend(f"Word 转换提示：{text}（请对照原文核对此处）" for text in other)
    return out


# -- HTML to Markdown ------------------------------------------------------------------------------------------
def _to_markdown(html: str) -> tuple[str, list[str]]:
    from markdownify import MarkdownConverter

    class Converter(MarkdownConverter):
        """Table cells: a '|' in the text would split the cell; paragraphs in a cell become one line."""

        def convert_td(self, el: Any, text: str, parent_tags: Any) -> str:
            parent: Any = super()
            return str(parent.convert_td(el, _cell(text), parent_tags))

        def convert_th(self, el: Any, text: str, parent_tags: Any) -> str:
            parent: Any = super()
            return str(parent.convert_th(el, _cell(text), parent_tags))

    notes = []
    if re.search(r"<t[dh][^>]*\browspan=", html):
        notes.append("文档的表格中有上下合并的单元格，Markdown 表格不能合并单元格，已拆开导入，请核对表格内容。")
    if "<table" in html and re.search(r"<t[dh][^>]*>(?:(?!</t[dh]>).)*<table", html, re.S):
        notes.append("文档中有表格套表格，导入后内层表格被展开成文字，请核对。")
    markdown = Converter(heading_style="ATX", bullets="-", table_infer_header=True, escape_misc=False,
                         strong_em_symbol="*").convert(html)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return markdown, notes


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _plain_lines(markdown: str) -> list[str]:
    """The body's lines without Markdown markup, non-empty (for the proposals)."""
    out = []
    for line in markdown.splitlines():
        line = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)
        line = re.sub(r"^\s*(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)", "", line)
        line = line.replace("**", "").replace("__", "").replace("\\", "").strip(" |*_")
        line = line.strip()
        if line and not re.fullmatch(r"[-| :]+", line):
            out.append(line)
    return out


# -- proposals -------------------------------------------------------------------------------------------------
def propose_title(markdown: str) -> str | None:
    """The first heading, else the first short line that is neither a document number nor a date."""
    for line in markdown.splitlines():
        found = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
        if found:
            return _clean_title(found.group(1))
    for line in _plain_lines(markdown):
        if len(line) <= 60 and not _DOC_NUMBER.search(line) and _date_in(line) is None:
            return _clean_title(line)
    return None


def _clean_title(text: str) -> str:
    text = text.replace("**", "").replace("\\", "")
    return " ".join(text.split())


_OPEN = "〔[［(（【「"
_CLOSE = "〕]］)）】」"
_DOC_NUMBER = re.compile(
    rf"([\u4e00-\u9fff]{{2,12}}?)\s*[{re.escape(_OPEN)}]\s*((?:19|20)\d\d)\s*[{re.escape(_CLOSE)}]\s*"
    r"(\d{1,4})\s*号")


def propose_doc_number(lines: list[str]) -> str | None:
    """The 文号 (巫山府办发〔2026〕12号) from the text, with 〔〕 as GB/T 9704 writes it: first a line that is the
    number alone (under the issuing organ's mark), else one in the document's first lines."""
    normal = [unicodedata.normalize("NFKC", line).replace(" ", "") for line in lines]
    for line in normal[:30]:
        found = _DOC_NUMBER.fullmatch(line)
        if found:
            return _doc_number(found)
    for line in normal[:30]:
        found = _DOC_NUMBER.search(line)
        if found:
            prefix = re.sub(r"^.*?(根据|按照|依据|依照|执行|落实|转发|印发|关于|贯彻)", "", found.group(1))
            if len(prefix) >= 2:
                return f"{prefix}〔{found.group(2)}〕{int(found.group(3))}号"
    return None


def _doc_number(found: re.Match[str]) -> str:
    return f"{found.group(1)}〔{found.group(2)}〕{int(found.group(3))}号"


_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_ARABIC_DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CHINESE_DATE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*"
                           r"([一二三四五六七八九十]{1,3})\s*日")


def _chinese_number(text: str) -> int | None:
    """一 … 三十一 (month and day as documents write them)."""
    if "十" not in text:
        return _DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    t = _DIGITS.get(tens, -1) if tens else 1
    o = _DIGITS.get(ones, -1) if ones else 0
    return None if t < 1 or o < 0 else t * 10 + o


def _date_in(line: str) -> dt.date | None:
    line = unicodedata.normalize("NFKC", line)
    found = _ARABIC_DATE.search(line)
    if found:
        parts: tuple[int | None, ...] = tuple(int(g) for g in found.groups())
    else:
        chinese = _CHINESE_DATE.search(line)
        if not chinese:
            return None
        year = "".join(str(_DIGITS[c]) for c in chinese.group(1))
        parts = (int(year), _chinese_number(chinese.group(2)), _chinese_number(chinese.group(3)))
    year_, month, day = parts
    if year_ is None or month is None or day is None:
        return None
    try:
        return dt.date(year_, month, day)
    except ValueError:
        return None


def propose_formed(lines: list[str], tail: int = 12) -> dt.date | None:
    """The 成文日期 from the 落款 at the end: the last date in the last lines, a line that is only the date
    first (2026年11月28日 or 二〇二六年十一月二十八日)."""
    last = lines[-tail:]
    for line in reversed(last):
        compact = unicodedata.normalize("NFKC", line).replace(" ", "").strip("（）()")
        if _ARABIC_DATE.fullmatch(compact) or _CHINESE_DATE.fullmatch(compact):
            date = _date_in(compact)
            if date is not None:
                return date
    for line in reversed(last):
        date = _date_in(line)
        if date is not None:
            return date
    return None
