"""Reading one attachment: its text in pieces with their places, its notes, an image's GPS position."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from checks.attachments import MAX_BYTES, OLD_FORMATS, READERS


@dataclass(frozen=True)
class Limits:
    bytes: int = MAX_BYTES                 # a larger file is not read at all
    chars: int = 2_000_000                 # text kept of one attachment
    pdf_pages: int = 500
    cells: int = 500_000                   # spreadsheet cells (Excel, CSV)
    unzipped: int = 100 * 1024 * 1024      # what a .docx/.xlsx may unpack to, all members together (memory)
    ratio: int = 200                       # how much more one member may unpack to than it takes
    seconds: float = 30.0                  # reading one attachment


LIMITS = Limits()


@dataclass(frozen=True)
class Piece:
    """One piece of an attachment's text and where it stands: ``line`` and ``column`` are what the finding
    reports (PDF page; Word block; spreadsheet row and column), ``where`` what a person reads
    (第 3 页, 工作表“名单” B7 单元格)."""

    text: str
    line: int
    column: int
    where: str


@dataclass
class Line:
    """One line of the attachment's text: a paragraph or PDF text line (one piece), or a table row."""

    pieces: list[Piece]
    table: bool = False


@dataclass(frozen=True)
class Note:
    """Why an attachment was not, or not wholly, checked: ``kind`` (encrypted, broken, too-large, truncated,
    old-format, bomb) and a sentence for the reader."""

    kind: str
    reason: str


@dataclass
class Extracted:
    """What was read of one attachment. ``lines`` with None between tables or sheets; ``gps``: (latitude,
    longitude) in degrees from an image's EXIF data."""

    lines: list[Line | None] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    gps: tuple[float, float] | None = None
    chars: int = 0
    budget: int = LIMITS.chars

    def add(self, line: Line) -> bool:
        """Keep ``line``; False once the text budget is spent (a ``truncated`` note is added once)."""
        size = sum(len(p.text) for p in line.pieces)
        if self.chars + size > self.budget:
            self.truncate(f"文字超过 {self.budget // 10000} 万字，只检查了前面部分")
            return False
        self.chars += size
        self.lines.append(line)
        return True

    def truncate(self, reason: str) -> None:
        if not any(n.kind == "truncated" for n in self.notes):
            self.notes.append(Note("truncated", reason))

    def brk(self) -> None:
        if self.lines and self.lines[-1] is not None:
            self.lines.append(None)


def extract(name: str, raw: bytes, limits: Limits | None = None, size: int | None = None) -> Extracted:
    """Read one attachment (``name`` decides the format; ``size`` instead of ``raw`` for a file too large to
    read). Never raises for what the file holds."""
    import importlib
    import logging
    import time
    import warnings

    limits = limits or LIMITS
    lower = name.lower()
    suffix = lower[lower.rfind("."):] if "." in lower else ""
    out = Extracted(budget=limits.chars)
    if suffix in OLD_FORMATS:
        out.notes.append(Note("old-format", f"{OLD_FORMATS[suffix]}格式无法自动检查"))
        return out
    reader = READERS.get(suffix)
    if reader is None:
        return out
    size = len(raw) if size is None else size
    if size > limits.bytes:
        out.notes.append(Note("too-large", f"文件有 {size / 1024 / 1024:.0f} MB，超过 {limits.bytes // 1024 // 1024} MB，未读取"))
        return out
    module = importlib.import_module(f"checks.attachments.{reader}")
    deadline = time.monotonic() + limits.seconds
    quiet = logging.getLogger("pypdf"), logging.getLogger("PIL")
    levels = [q.level for q in quiet]
    try:
        for q in quiet:
            q.setLevel(logging.CRITICAL)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module.read(raw, out, limits, deadline)
    except ImportError as exc:  # an environment installed without them (make installs them)
        out.notes.append(Note("unavailable", f"本机未安装读取该格式所需的程序（{exc.name or exc}），请运行 make setup 后重试"))
    except MemoryError:
        out.notes.append(Note("too-large", "文件内容过大，读取时内存不足"))
    except Bomb as exc:
        out.notes.append(Note("bomb", f"文件内部数据解开后异常膨胀（{exc}），可能是恶意构造的，未读取"))
    except Exception as exc:  # noqa: BLE001 - a broken file is a note, whatever the library raised
        if module.encrypted(exc):
            out.notes.append(Note("encrypted", "文件已加密（设有打开密码）"))
        else:
            out.notes.append(Note("broken", "文件已损坏或不是有效的" + module.FORMAT + "文件"))
    finally:
        for q, level in zip(quiet, levels):
            q.setLevel(level)
    return out


def check_zip(raw: bytes, limits: Limits) -> None:
    """Refuse a .docx/.xlsx that would unpack to too much (a zip bomb) before a library opens it."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.file_size > 1024 * 1024 and info.file_size > limits.ratio * max(info.compress_size, 1):
                raise Bomb(f"其中的 {info.filename} 压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍）")
            if total > limits.unzipped:
                raise Bomb(f"解压后超过 {limits.unzipped // 1024 // 1024} MB")


class Bomb(Exception):
    """A packed file that would unpack to far more than it takes."""


@functools.lru_cache(maxsize=1)
def reader_identity() -> str:
    """The versions of the libraries that read attachments: another version may read other text."""
    from importlib import metadata

    out = []
    for name in ("pypdf", "python-docx", "openpyxl", "pillow"):
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


def column_letters(index: int) -> str:
    """1 → A, 27 → AA (spreadsheet column names)."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
