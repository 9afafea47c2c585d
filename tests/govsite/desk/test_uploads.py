"""Uploads at the desk (上传文件): photos stripped of their metadata and made small, attachments recognised by
content and checked, safe names; every file is made here with Pillow, openpyxl and python-docx."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsite.core.errors import GovsiteError
from govsite.desk.uploads import UploadLimits, check_attachment, prepare_image, safe_name
from tests.checks.attachments import files
from tests.checks.detectors.test_privacy import VALID_ID


def noisy_photo(size: tuple[int, int], exif: object = None, quality: int = 92) -> bytes:
    """A photo-like JPEG: noise in three channels (no encoder makes it small)."""
    from PIL import Image

    channels = [Image.effect_noise(size, 60).point(lambda v, k=k: (v + 40 * k) % 256) for k in range(3)]
    image = Image.merge("RGB", channels)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def gps_exif(orientation: int = 1) -> object:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (31.0, 4.0, 30.0), 3: "E", 4: (109.0, 52.0, 40.0)}
    return exif


def test_a_gps_photo_is_stored_without_exif_and_the_editor_is_told() -> None:
    from PIL import Image

    original = noisy_photo((400, 300), gps_exif())
    with Image.open(io.BytesIO(original)) as im:
        assert im.getexif().get_ifd(0x8825)  # the original does carry a position
    up = prepare_image(original, "走访照片.JPG")
    with Image.open(io.BytesIO(up.data)) as stored:
        assert not stored.getexif() and "exif" not in stored.info
    assert b"Exif" not in up.data[:2000] and b"HUAWEI" not in up.data
    assert any("位置" in n and "北纬 31.07500°" in n for n in up.notes)
    (finding,) = up.findings
    assert finding.rule == "privacy.image-gps" and "拍摄位置" in finding.message
    assert up.name == "走访照片.jpg" and up.content_type == "image/jpeg"


def test_orientation_is_applied_before_the_metadata_goes() -> None:
    up = prepare_image(noisy_photo((400, 300), gps_exif(orientation=6)), "a.jpg")
    assert (up.width, up.height) == (300, 400)  # turned upright: 6 = rotate 90°


def test_a_6000_by_4000_photo_comes_back_within_1600_px_and_500_kb() -> None:
    original = noisy_photo((6000, 4000), quality=95)
    assert len(original) > 5 * 1024 * 1024
    up = prepare_image(original, "IMG_20261128_093000.jpg")
    assert max(up.width or 0, up.height or 0) <= 1600 and (up.width, up.height) == (1600, 1067)
    assert len(up.data) <= 500 * 1024 and up.kind == "jpg"


def test_a_graphic_with_transparency_stays_png() -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((20, 20, 200, 150), fill=(200, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    up = prepare_image(out.getvalue(), "示意图.png")
    assert up.kind == "png" and up.name == "示意图.png"
    with Image.open(io.BytesIO(up.data)) as stored:
        assert stored.mode == "RGBA" and stored.getpixel((0, 0))[3] == 0


def test_a_large_chart_with_few_colours_stays_png_and_is_scaled() -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (3200, 2000), "white")
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate(["#c00000", "#0070c0", "#00b050", "#ffc000"]):
        draw.rectangle((200 + i * 700, 1800 - i * 350, 600 + i * 700, 1800), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    up = prepare_image(out.getvalue(), "统计图.png")
    assert up.kind == "png" and (up.width, up.height) == (1600, 1000) and len(up.data) <= 500 * 1024


def test_what_is_not_an_image_is_refused_in_chinese() -> None:
    with pytest.raises(GovsiteError, match="不是能识别的图片") as err:
        prepare_image(b"MZ\x90\0" + b"\0" * 100, "photo.jpg")
    assert "photo.jpg" in str(err.value)
    with pytest.raises(GovsiteError, match="HEIC"):
        prepare_image(b"\0\0\0\x18ftypheic" + b"\0" * 100, "IMG_1.HEIC")


def test_a_truncated_photo_is_refused() -> None:
    with pytest.raises(GovsiteError, match="不完整或已损坏"):
        prepare_image(noisy_photo((800, 600))[:4000], "a.jpg")


def test_an_animated_gif_is_refused() -> None:
    from PIL import Image

    frames = [Image.new("RGB", (40, 40), (i * 60, 0, 0)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(GovsiteError, match="动图（3 帧）"):
        prepare_image(out.getvalue(), "a.gif")


def test_a_decompression_bomb_is_refused_by_its_header() -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # 400 million pixels in a few kilobytes
    assert len(out.getvalue()) < 200_000
    with pytest.raises(GovsiteError, match="20000×20000"):
        prepare_image(out.getvalue(), "bomb.png")


def test_a_200_mb_upload_is_refused_by_size_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    import PIL.Image

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded")

    monkeypatch.setattr(PIL.Image, "open", no_decoding)
    huge = b"\xff\xd8\xff" + bytes(200 * 1024 * 1024)
    with pytest.raises(GovsiteError, match="超过 40 MB"):
        prepare_image(huge, "big.jpg")
    with pytest.raises(GovsiteError, match="超过 20 MB"):
        check_attachment(huge, "big.pdf", checker=object())


@pytest.fixture
def checker(repo):  # type: ignore[no-untyped-def]
    from govsite.compliance.context import checker_for
    from govsite.core.county import County

    return checker_for(County(repo.root))


def test_an_id_number_in_a_spreadsheet_is_a_finding_with_sheet_and_cell(checker: object) -> None:
    raw = files.xlsx({"说明": [["2026年临时救助公示"]],
                      "名单": [["序号", "姓名", "身份证号"], [1, "张大山", VALID_ID]]})
    up = check_attachment(raw, "救助 名单.xlsx", checker=checker, folder="content/dachang/gzdt/files")
    assert up.kind == "xlsx" and up.name == "救助-名单.xlsx" and up.data == raw
    found = [f for f in up.findings if f.rule == "privacy.id-number"]
    assert len(found) == 1 and (found[0].line, found[0].column) == (2, 3)
    assert found[0].message.startswith("附件 files/救助-名单.xlsx 工作表“名单” C2 单元格：")
    assert found[0].path == "content/dachang/gzdt/files/救助-名单.xlsx"


def test_a_word_attachment_misnamed_pdf_is_recognised_and_renamed(checker: object) -> None:
    raw = files.docx(["请联系13912345678。"])
    up = check_attachment(raw, "通知.pdf", checker=checker)
    assert up.kind == "docx" and up.name == "通知.docx" and any(".docx" in n for n in up.notes)
    assert any(f.rule == "privacy.mobile" for f in up.findings)


def test_a_pdf_is_accepted_and_checked(checker: object) -> None:
    up = check_attachment(files.pdf([["公示名单", f"身份证号 {VALID_ID}"]]), "公示.pdf", checker=checker)
    assert up.kind == "pdf" and up.content_type == "application/pdf"
    assert any(f.rule == "privacy.id-number" and "第 1 页" in f.message for f in up.findings)


def test_an_executable_renamed_pdf_is_refused() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200 + b"This program cannot be run in DOS mode"
    with pytest.raises(GovsiteError, match="可执行程序") as err:
        check_attachment(exe, "通知.pdf", checker=object())
    assert "通知.pdf" in str(err.value)


@pytest.mark.parametrize(("data", "words"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Office"),
    (b"PK\x03\x04" + b"\0" * 100, "已损坏"),
    (files.zip_bomb("a.txt", 1000), "压缩包"),
    (b"<html><body>hi</body></html>", "不是 PDF、Word"),
])
def test_other_files_are_refused_with_what_to_do(data: bytes, words: str) -> None:
    with pytest.raises(GovsiteError, match=words):
        check_attachment(data, "附件.xlsx", checker=object())


def test_limits_from_config() -> None:
    limits = UploadLimits.from_config({"desk": {"uploads": {"max_side": 1200, "max_bytes": "300 KB",
                                                            "max_attachment": "10 MB"}}})
    assert (limits.max_side, limits.max_bytes, limits.max_attachment) == (1200, 300 * 1024, 10 * 1024 * 1024)
    assert UploadLimits.from_config({}) == UploadLimits()
    with pytest.raises(GovsiteError, match="max_sid"):
        UploadLimits.from_config({"uploads": {"max_sid": 3}})
    with pytest.raises(GovsiteError, match="max_bytes"):
        UploadLimits.from_config({"uploads": {"max_bytes": "很大"}})


def test_smaller_limits_are_kept() -> None:
    up = prepare_image(noisy_photo((1200, 900)), "a.jpg", UploadLimits(max_side=400, max_bytes=40 * 1024))
    assert max(up.width or 0, up.height or 0) <= 400 and len(up.data) <= 40 * 1024


def test_safe_name_examples() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\王\\照片 1.JPEG") == "照片-1.jpeg"
    assert safe_name(".bashrc") == "bashrc"
    assert safe_name("通知（终稿）.docx") == "通知-终稿.docx"
    assert safe_name("a.docx", {"a.docx", "A-2.docx"}) == "a-3.docx"
    assert safe_name("con.txt") == "file-con.txt"
    assert safe_name("") == "文件"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sets(st.text(max_size=90), max_size=5))
def test_safe_name_is_always_safe(original: str, used: set[str]) -> None:
    name = safe_name(original, used)
    assert name and len(name) <= 80
    assert "/" not in name and "\\" not in name and not name.startswith(".") and ".." not in name
    assert not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in name)
    assert name.lower() not in {u.lower() for u in used}
    assert name.count(".") <= 1
    assert safe_name(original, used | {name}) != name  # unique against what is used


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="通知ab.-_ ", min_size=1, max_size=100))
def test_many_uploads_of_one_name_stay_unique(original: str) -> None:
    used: set[str] = set()
    for _ in range(5):
        used.add(safe_name(original, used))
    assert len(used) == 5 and all(len(n) <= 80 for n in used)
