"""Files an editor uploads at the desk (上传文件): photos made fit for the portal, attachments checked.

A photo is decoded once with Pillow, turned upright (EXIF orientation), stripped of all its metadata (EXIF
with the GPS position, XMP, comments), scaled to :attr:`UploadLimits.max_side` and compressed to
:attr:`UploadLimits.max_bytes`. An attachment (PDF, Word .docx, Excel .xlsx only, recognised by its content,
never by its name) is checked with the repository's attachment checks (:mod:`checks.attachments.check`), so an
ID number in a spreadsheet comes back as a finding with its sheet and cell.

Whatever the upload holds, what goes wrong is a :class:`GovsiteError` in Chinese (what, which file, what to
do); sizes are checked before anything is decoded.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.findings import Finding
from govsite.core.errors import GovsiteError

MB = 1024 * 1024
MAX_NAME = 80
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)})
_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")  # JPEG includes MPO (camera pairs)
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg", "png": "image/png",
}
_KIND_NAMES = {"pdf": "PDF", "docx": "Word（.docx）", "xlsx": "Excel（.xlsx）"}


@dataclass(frozen=True)
class UploadLimits:
    """What the desk accepts. In the desk's YAML::

        desk:
          uploads:
            max_side: 1600        # px, the longest side of a stored photo
            max_bytes: 500000     # bytes (or "500 KB"), a stored photo at most
            max_attachment: 20 MB # an attachment (PDF, .docx, .xlsx) at most
            max_image: 40 MB      # an original photo as uploaded, before it is decoded
            max_pixels: 100000000 # width × height of an original photo (refuses decompression bombs)
    """

    max_side: int = 1600
    max_bytes: int = 500 * 1024
    max_attachment: int = 20 * MB
    max_image: int = 40 * MB
    max_pixels: int = 100_000_000

    @classmethod
    def from_config(cls, config: dict[str, Any] | None) -> UploadLimits:
        """The limits from a configuration mapping: ``{"desk": {"uploads": {...}}}``, ``{"uploads": {...}}`` or
        the uploads mapping itself; keys not given keep their defaults."""
        data: Any = config or {}
        for key in ("desk", "uploads"):
            if isinstance(data, dict) and isinstance(data.get(key), dict):
                data = data[key]
        if not isinstance(data, dict):
            raise GovsiteError("上传设置（desk: uploads:）应是“键: 值”的映射。")
        known = {"max_side", "max_bytes", "max_attachment", "max_image", "max_pixels"}
        unknown = sorted(str(k) for k in set(data) - known - {"desk", "uploads"})
        if unknown:
            raise GovsiteError(f"上传设置中有不认识的项：{'、'.join(unknown)}。可用：{'、'.join(sorted(known))}。")
        values = {k: _size(k, data[k]) for k in known if data.get(k) is not None}
        limits = cls(**values)
        if limits.max_side < 16:
            raise GovsiteError("上传设置 max_side（照片最长边）至少应为 16 像素。")
        if limits.max_bytes < 10 * 1024:
            raise GovsiteError("上传设置 max_bytes（照片大小上限）至少应为 10 KB。")
        return limits


    def within(self, cap: UploadLimits) -> UploadLimits:
        """These limits, none above ``cap``'s."""
        return UploadLimits(**{f: min(getattr(self, f), getattr(cap, f)) for f in self.__dataclass_fields__})


def _size(key: str, value: Any) -> int:
    """A positive whole number; sizes may be written 500 KB, 20 MB."""
    if isinstance(value, bool):
        raise GovsiteError(f"上传设置 {key} 应是正整数，不是 {value!r}。")
    if isinstance(value, int):
        number = value
    else:
        found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(kb|k|mb|m|b)?\s*", str(value), re.I)
        if not found:
            raise GovsiteError(f"上传设置 {key} 应是正整数（大小可写成 500 KB、20 MB），不是“{value}”。")
        unit = (found.group(2) or "b").lower()
        number = int(float(found.group(1)) * {"b": 1, "k": 1024, "kb": 1024, "m": MB, "mb": MB}[unit])
    if number <= 0:
        raise GovsiteError(f"上传设置 {key} 应是正整数，不是 {value!r}。")
    return number


@dataclass(frozen=True)
class Upload:
    """A file ready to be stored: its safe ``name``, the ``data`` to store (for a photo the resized copy without
    metadata), ``kind`` (jpg, png, pdf, docx, xlsx), ``notes`` for the editor in Chinese and ``findings`` of
    the checks (a photo's GPS position as ``privacy.image-gps``)."""

    name: str
    data: bytes
    content_type: str
    kind: str
    width: int | None = None
    height: int | None = None
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


# -- names -------------------------------------------------------------------------------------------------------
def _allowed(ch: str) -> bool:
    return ch in "-_" or (ch.isascii() and ch.isalnum()) or "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def safe_name(original: str, used: Collection[str] = ()) -> str:
    """A file name for the repository from ``original``: Chinese characters, ASCII letters and digits, '-' and
    '_', one lower-case extension; no separators, leading dots, control characters or spaces (→ '-'); at most
    80 characters; not in ``used`` (compared without regard to case: Windows clones)."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFKC", original or ""))[-1]
    stem, ext = base, ""
    dot = base.rfind(".")
    if dot > 0:
        candidate = base[dot + 1:].lower()
        if 1 <= len(candidate) <= 8 and candidate.isascii() and candidate.isalnum():
            stem, ext = base[:dot], candidate
    cleaned = "".join(ch if _allowed(ch) else "-" for ch in stem)
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-_")
    if not cleaned:
        cleaned = "文件"
    if cleaned.lower() in _WINDOWS_RESERVED:
        cleaned = "file-" + cleaned
    suffix = f".{ext}" if ext else ""
    taken = {u.lower() for u in used}
    n = 1
    while True:
        tail = "" if n == 1 else f"-{n}"
        head = cleaned[:MAX_NAME - len(suffix) - len(tail)].rstrip("-_") or "文件"
        name = f"{head}{tail}{suffix}"
        if name.lower() not in taken:
            return name
        n += 1


def _with_extension(name: str, ext: str) -> str:
    dot = name.rfind(".")
    return f"{name[:dot] if dot > 0 else name}.{ext}"


# -- photos --------------------------------------------------------------------------------------------------------
def prepare_image(data: bytes, name: str, limits: UploadLimits = UploadLimits(), used: Collection[str] = ()) -> Upload:
    """The photo or graphic ``data`` (uploaded as ``name``) as the portal stores it: upright, without metadata,
    at most ``limits.max_side`` px and ``limits.max_bytes``, JPEG for photos and PNG for graphics with few
    colours or transparency. Raises :class:`GovsiteError` for what is not a usable image."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    shown = name or "（未命名）"
    if len(data) > limits.max_image:
        raise GovsiteError(f"图片“{shown}”有 {len(data) / MB:.1f} MB，超过 {limits.max_image / MB:.0f} MB 的上限，未处理。"
                           "请先用手机或电脑把照片缩小（或截图）后再上传。")
    if not data:
        raise GovsiteError(f"图片“{shown}”是空文件（0 字节），请重新上传。")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=_IMAGE_FORMATS)
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise GovsiteError(_not_an_image(shown, data)) from exc
        except Exception as exc:  # noqa: BLE001 - a malformed header: whatever Pillow raised
            raise GovsiteError(f"图片“{shown}”已损坏，读不出来。请用手机相册或看图软件打开确认，另存为 JPG 后再上传。") from exc
        with image:
            _check_dimensions(image, shown, limits)
            gps = _gps(data)
            notes: list[str] = []
            picture, graphic = _decode(image, shown, limits, notes)
    out, kind = _compress(picture, graphic, limits, notes, shown)
    stored = _with_extension(safe_name(name, ()), kind)
    stored = safe_name(stored, used)
    findings = []
    if gps is not None:
        findings.append(_gps_finding(stored, gps))
        notes.insert(0, f"照片含拍摄位置（{_position(gps)}）：原照片的 EXIF 信息里记录了 GPS 坐标。存入的副本已删除位置"
                        "和全部 EXIF 信息，公开的照片不会带出拍摄地点；请勿把原照片另行发出。")
    with Image.open(io.BytesIO(out)) as check:
        width, height = check.size
    return Upload(name=stored, data=out, content_type=_CONTENT_TYPES[kind], kind=kind, width=width, height=height,
                  notes=notes, findings=findings)


def _not_an_image(shown: str, data: bytes) -> str:
    head = data[:16]
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypavif"):
        return (f"“{shown}”是 HEIC/AVIF 格式的照片（苹果手机默认格式），网页不能直接显示。请在手机“设置 → 相机 → 格式”中"
                "选“兼容性最佳”后重拍，或把照片转换为 JPG 后再上传。")
    if head.startswith(b"%PDF"):
        return f"“{shown}”是 PDF 文件，不是图片。PDF 请作为附件上传。"
    return f"“{shown}”不是能识别的图片（支持 JPG、PNG、WebP、GIF、BMP、TIFF）。请确认选对了文件，或另存为 JPG 后再上传。"


def _check_dimensions(image: Any, shown: str, limits: UploadLimits) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise GovsiteError(f"图片“{shown}”的尺寸为 {width}×{height}，不是有效的图片。请重新导出后上传。")
    if width * height > limits.max_pixels or max(width, height) > 30000:
        raise GovsiteError(f"图片“{shown}”的尺寸是 {width}×{height} 像素，大得不正常（上限约 {limits.max_pixels // 1_000_000} "
                           "百万像素），可能是损坏或恶意构造的文件，未处理。请用看图软件缩小后另存为 JPG 再上传。")
    if max(width, height) > 50 * min(width, height):
        raise GovsiteError(f"图片“{shown}”的尺寸是 {width}×{height} 像素，长宽比例异常，不适合在网页上显示。"
                           "请裁剪后再上传。")
    if getattr(image, "is_animated", False) and image.format != "MPO":
        raise GovsiteError(f"图片“{shown}”是动图（{getattr(image, 'n_frames', 2)} 帧）。政府网站不发布动图，"
                           "请上传其中一帧的静态图片（截图或另存为 JPG/PNG）。")


def _gps(data: bytes) -> tuple[float, float] | None:
    """The original's GPS position, read as the attachment checks read it (:mod:`checks.attachments.image`)."""
    from checks.attachments.extract import extract

    return extract("upload.jpg", data).gps


def _position(gps: tuple[float, float]) -> str:
    lat, lon = gps
    return f"{'北纬' if lat >= 0 else '南纬'} {abs(lat):.5f}°，{'东经' if lon >= 0 else '西经'} {abs(lon):.5f}°"


def _gps_finding(name: str, gps: tuple[float, float]) -> Finding:
    return Finding(name, 1, 1, 1, 2, "privacy", "privacy.image-gps", "info",
                   f"照片含拍摄位置（{_position(gps)}）。存入的副本已删除位置信息和全部 EXIF 信息；原照片请勿另行公开。",
                   extra={"gps": gps, "removed": True})


def _decode(image: Any, shown: str, limits: UploadLimits, notes: list[str]) -> tuple[Any, bool]:
    """The pixels, upright, in RGB or RGBA (sRGB where the photo says which colours it uses), at most
    ``limits.max_side``; and whether it is a graphic (judged before scaling, which blends colours)."""
    from PIL import Image, ImageOps

    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", (limits.max_side, limits.max_side))  # decode at a reduced scale: much faster
    try:
        image.load()
    except Exception as exc:  # noqa: BLE001 - truncated or corrupt data
        raise GovsiteError(f"图片“{shown}”不完整或已损坏（可能没有上传完）。请重新上传，或用看图软件打开后另存为 JPG。") from exc
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a broken EXIF block: keep the pixels as they are
        upright = image
        notes.append(f"图片“{shown}”的 EXIF 信息已损坏，无法判断拍摄方向，请确认图片没有横倒。")
    picture = upright if upright is not None else image
    picture = _to_srgb(picture)
    transparent = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    picture = picture.convert("RGBA" if transparent else "RGB")
    graphic = _is_graphic(picture)
    if max(picture.size) > limits.max_side:
        picture.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    picture.info = {}  # nothing of the original's metadata (EXIF, XMP, ICC, comments) reaches the stored file
    return picture, graphic


def _to_srgb(picture: Any) -> Any:
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in ("RGB", "RGBA", "CMYK"):
        return picture
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if picture.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(picture, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except Exception:  # noqa: BLE001 - an unusable profile: the colours stay as they are
        return picture


def _is_graphic(picture: Any) -> bool:
    """Transparency or few colours (a chart, a logo, a screenshot of a form): PNG keeps it sharp."""
    if picture.mode == "RGBA" and picture.getextrema()[3][0] < 255:
        return True
    from PIL import Image

    sample = picture.copy()
    sample.thumbnail((256, 256), Image.Resampling.NEAREST)  # no blending: the picture's own colours
    return bool(sample.getcolors(maxcolors=512) is not None)


def _compress(picture: Any, graphic: bool, limits: UploadLimits, notes: list[str], shown: str) -> tuple[bytes, str]:
    from PIL import Image

    if graphic:
        out = _png(picture)
        if len(out) <= limits.max_bytes:
            return out, "png"
        quantized = picture.quantize(colors=256, method=Image.Quantize.FASTOCTREE if picture.mode == "RGBA" else None)
        out = _png(quantized)
        if len(out) <= limits.max_bytes:
            return out, "png"
        if picture.mode == "RGBA" and picture.getextrema()[3][0] < 255:
            return _shrink_png(quantized, limits, notes, shown), "png"
    rgb = picture if picture.mode == "RGB" else _flatten(picture)
    for scale in (1.0, 0.85, 0.7, 0.55, 0.4, 0.3, 0.2):
        current = rgb if scale == 1.0 else rgb.resize(_scaled(rgb.size, scale), Image.Resampling.LANCZOS)
        for quality in (82, 76, 70, 64, 58, 52):
            out = _jpeg(current, quality)
            if len(out) <= limits.max_bytes:
                if scale < 1.0 or quality < 70:
                    notes.append(f"图片“{shown}”压缩较多（质量 {quality}，{current.size[0]}×{current.size[1]} 像素）"
                                 f"才小于 {limits.max_bytes // 1024} KB，请看一下是否清晰。")
                return out, "jpg"
    raise GovsiteError(f"图片“{shown}”压缩到很小仍超过 {limits.max_bytes // 1024} KB，无法存入。请换一张图片或裁剪后再上传。")


def _shrink_png(quantized: Any, limits: UploadLimits, notes: list[str], shown: str) -> bytes:
    from PIL import Image

    current = quantized
    for scale in (0.8, 0.6, 0.45, 0.3, 0.2):
        current = quantized.resize(_scaled(quantized.size, scale), Image.Resampling.NEAREST)
        out = _png(current)
        if len(out) <= limits.max_bytes:
            notes.append(f"图片“{shown}”缩小到 {current.size[0]}×{current.size[1]} 像素才小于 {limits.max_bytes // 1024} KB，"
                         "请看一下是否清晰。")
            return out
    raise GovsiteError(f"图片“{shown}”缩小后仍超过 {limits.max_bytes // 1024} KB，无法存入。请换一张图片或裁剪后再上传。")


def _scaled(size: tuple[int, int], scale: float) -> tuple[int, int]:
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _flatten(picture: Any) -> Any:
    from PIL import Image

    background = Image.new("RGB", picture.size, (255, 255, 255))
    background.paste(picture, mask=picture.getchannel("A") if picture.mode == "RGBA" else None)
    return background


def _jpeg(picture: Any, quality: int) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True, subsampling="4:2:0")
    return buffer.getvalue()


def _png(picture: Any) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# -- attachments ---------------------------------------------------------------------------------------------------
def sniff_attachment(data: bytes, shown: str) -> str:
    """``pdf``, ``docx`` or ``xlsx`` from the content; :class:`GovsiteError` for anything else."""
    head = data[:8]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head[:2] == b"MZ" or head[:4] in (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce") or head[:2] == b"#!":
        raise GovsiteError(f"“{shown}”是可执行程序，不是文档，已拒绝（不论扩展名是什么）。网站只收 PDF、Word（.docx）、"
                           "Excel（.xlsx）附件。")
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise GovsiteError(f"“{shown}”设有打开密码（已加密），无法检查，也不能发布。请取消密码后重新上传。")
        raise GovsiteError(f"“{shown}”是旧版 Office 文件（.doc/.xls）。请在 Word、Excel 或 WPS 中“另存为” .docx 或 .xlsx "
                           "（或导出为 PDF）后重新上传。")
    if head[:4] == b"PK\x03\x04":
        return _sniff_zip(data, shown)
    raise GovsiteError(f"“{shown}”不是 PDF、Word（.docx）或 Excel（.xlsx）文件（按文件内容判断，不看扩展名），已拒绝。"
                       "请确认选对了文件；其他格式请先导出为 PDF。")


def _sniff_zip(data: bytes, shown: str) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise GovsiteError(f"“{shown}”已损坏（压缩包结构不完整，可能没有上传完）。请重新保存后再上传。") from exc
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            if "word/vbaProject.bin" in names:
                raise GovsiteError(f"“{shown}”是带宏的 Word 文档（.docm），网站不收带宏的文件。请另存为 .docx 或 PDF 后上传。")
            return "docx"
        if "xl/workbook.xml" in names:
            if "xl/vbaProject.bin" in names:
                raise GovsiteError(f"“{shown}”是带宏的 Excel 表格（.xlsm），网站不收带宏的文件。请另存为 .xlsx 或 PDF 后上传。")
            return "xlsx"
        if "ppt/presentation.xml" in names:
            raise GovsiteError(f"“{shown}”是 PowerPoint 演示文稿，网站不收。请导出为 PDF 后上传。")
    raise GovsiteError(f"“{shown}”是压缩包，不是 Word 或 Excel 文档。网站不收压缩包：请把其中的文件分别上传（PDF、.docx、.xlsx）。")


def check_attachment(data: bytes, name: str, limits: UploadLimits = UploadLimits(), *, checker: Any = None,
                     root: Path | None = None, folder: str = "content/upload/files",
                     used: Collection[str] = ()) -> Upload:
    """The attachment ``data`` (uploaded as ``name``) checked: PDF, .docx or .xlsx by content, at most
    ``limits.max_attachment``; ``findings`` are the repository's attachment checks on it (privacy, secrecy,
    political, sensitive) as it would be stored under ``folder`` (``content/<unit>/<column>/files``).

    ``checker`` is the county's checker (:func:`govsite.compliance.context.checker_for`); without one, it is
    made for the repository at ``root`` (default: the current directory)."""
    shown = name or "（未命名）"
    if len(data) > limits.max_attachment:
        raise GovsiteError(f"附件“{shown}”有 {len(data) / MB:.1f} MB，超过 {limits.max_attachment / MB:.0f} MB 的上限，未处理。"
                           "请压缩其中的图片，或拆成几个文件后再上传。")
    if not data:
        raise GovsiteError(f"附件“{shown}”是空文件（0 字节），请重新上传。")
    kind = sniff_attachment(data, shown)
    notes = []
    stored = safe_name(name, ())
    if not stored.lower().endswith(f".{kind}"):
        notes.append(f"“{shown}”的实际格式是 {_KIND_NAMES[kind]}，文件名已改用 .{kind} 扩展名。")
        stored = _with_extension(stored, kind)
    stored = safe_name(stored, used)
    if checker is None:
        checker = _checker(root)
    from checks.attachments.check import check_attachment as check_bytes

    rel = f"{folder.rstrip('/')}/{stored}"
    findings = check_bytes(checker, rel, data)
    return Upload(name=stored, data=data, content_type=_CONTENT_TYPES[kind], kind=kind, notes=notes,
                  findings=findings)


def _checker(root: Path | None) -> Any:
    from govsite.compliance.context import checker_for
    from govsite.core.county import County

    return checker_for(County(root or Path.cwd()))
