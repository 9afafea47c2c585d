"""Word drafts (Word 稿件) into pages: structure, images, proposals, and clear refusals of bad files; every
document is made here with python-docx and Pillow."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from govsite.core.errors import GovsiteError
from govsite.desk.wordimport import Imported, import_docx, propose_doc_number, propose_formed


def photo(size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (200, 40, 40), fmt: str = "JPEG") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def draft(doc_number: str = "巫山府办发[2026]12号", date: str = "二〇二六年十一月二十八日", title_style: int = 1,
          images: list[tuple[bytes, str]] | None = None, paragraphs: tuple[str, ...] = ()) -> bytes:
    """A county notice as a clerk writes it: a title, the 文号, headings, lists, a table, photos, the 落款
    (``paragraphs``: more text after the salutation)."""
    import docx

    document = docx.Document()
    document.add_heading("关于开展冬季森林防火检查的通知", title_style)
    document.add_paragraph(doc_number)
    document.add_paragraph("各乡镇人民政府，县政府各部门：")
    for text in paragraphs:
        document.add_paragraph(text)
    document.add_heading("一、检查范围", 2)
    document.add_paragraph("全县林区", style="List Bullet")
    document.add_paragraph("重点景区", style="List Bullet")
    document.add_heading("二、工作步骤", 2)
    document.add_paragraph("自查自纠", style="List Number")
    document.add_paragraph("集中督查", style="List Number")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["乡镇", "检查点", "负责人"], ["大昌镇", "12", "王某"], ["福田镇", "8|9", "李某"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for data, alt in images if images is not None else [(photo(), "检查人员在林区巡查"), (photo(fmt="PNG"), "")]:
        document.add_picture(io.BytesIO(data))
        if alt:
            document.inline_shapes[-1]._inline.docPr.set("descr", alt)
    document.add_paragraph("巫山县人民政府办公室")
    document.add_paragraph(date)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def imported() -> Imported:
    return import_docx(draft(), "dachang", "gzdt", "fanghuo")


def test_headings_lists_and_tables_survive(imported: Imported) -> None:
    md = imported.markdown
    assert "# 关于开展冬季森林防火检查的通知" in md.splitlines()
    assert "## 一、检查范围" in md.splitlines() and "## 二、工作步骤" in md.splitlines()
    assert "- 全县林区\n- 重点景区" in md
    assert "1. 自查自纠\n2. 集中督查" in md
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert rows[0] == "| 乡镇 | 检查点 | 负责人 |"
    assert rows[1] == "| --- | --- | --- |"
    assert rows[3] == "| 福田镇 | 8\\|9 | 李某 |"  # a '|' in a cell does not split it
    assert len(rows) == 4


def test_images_are_extracted_with_paths_content_types_and_alt_text(imported: Imported) -> None:
    paths = [(path, content_type) for path, _, content_type in imported.images]
    assert paths == [("content/dachang/gzdt/files/fanghuo-1.jpeg".replace("jpeg", "jpg"), "image/jpeg"),
                     ("content/dachang/gzdt/files/fanghuo-2.png", "image/png")]
    assert imported.images[0][1][:3] == b"\xff\xd8\xff" and imported.images[1][1][:4] == b"\x89PNG"
    assert "![检查人员在林区巡查](files/fanghuo-1.jpg)" in imported.markdown
    assert "![](files/fanghuo-2.png)" in imported.markdown
    missing = [m for m in imported.messages if "替代文字" in m]
    assert len(missing) == 1 and "files/fanghuo-2.png" in missing[0] and "fanghuo-1" not in missing[0]


def test_the_same_photo_twice_is_one_file() -> None:
    same = photo(colour=(10, 120, 10))
    got = import_docx(draft(images=[(same, "甲"), (same, "甲")]), "dachang", "gzdt", "x")
    assert [p for p, _, _ in got.images] == ["content/dachang/gzdt/files/x-1.jpg"]
    assert got.markdown.count("](files/x-1.jpg)") == 2


def test_title_doc_number_and_chinese_numeral_date_are_proposed(imported: Imported) -> None:
    assert imported.title == "关于开展冬季森林防火检查的通知"
    assert imported.doc_number == "巫山府办发〔2026〕12号"  # [] written as GB/T 9704's 〔〕
    assert imported.formed == dt.date(2026, 11, 28)


def test_arabic_date_round_brackets_and_title_style() -> None:
    got = import_docx(draft(doc_number="巫山府发（2026）3号", date="2026年1月5日", title_style=0), "u", "c", "s")
    assert got.doc_number == "巫山府发〔2026〕3号"
    assert got.formed == dt.date(2026, 1, 5)
    assert got.title == "关于开展冬季森林防火检查的通知"  # Word's Title style is a heading too


@pytest.mark.parametrize(("lines", "expected"), [
    (["正文", "巫山县农业农村委员会", "二〇二六年十二月一日"], dt.date(2026, 12, 1)),
    (["正文", "二〇二六年二月三十日"], None),  # no such day
    (["2026年3月1日召开会议", "（此件公开发布）", "2026 年 11 月 28 日"], dt.date(2026, 11, 28)),
    (["二〇二六年十月二十日前报送", "附件：名单"], dt.date(2026, 10, 20)),
])
def test_formed_is_the_date_of_the_closing(lines: list[str], expected: dt.date | None) -> None:
    assert propose_formed(lines) == expected


@pytest.mark.parametrize(("lines", "expected"), [
    (["巫山府办发〔2026〕12号"], "巫山府办发〔2026〕12号"),
    (["巫山府办发［2026］012号"], "巫山府办发〔2026〕12号"),
    (["根据巫山府发(2025)7号文件精神，现通知如下"], "巫山府发〔2025〕7号"),
    (["今年第12号台风"], None),
])
def test_doc_number_is_normalised(lines: list[str], expected: str | None) -> None:
    assert propose_doc_number(lines) == expected


def _refused(data: bytes, **kwargs: int) -> str:
    with pytest.raises(GovsiteError) as err:
        import_docx(data, "dachang", "gzdt", "x", **kwargs)
    return str(err.value)


def test_a_truncated_docx_is_said_to_be_broken() -> None:
    message = _refused(draft()[:3000])
    assert "损坏" in message and "重新保存" in message


def test_a_zip_without_a_valid_document_is_said_to_be_broken() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "not xml at all <")
    assert "损坏" in _refused(out.getvalue())


def test_an_old_doc_is_told_to_be_saved_as_docx() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le") + b"\0" * 512
    message = _refused(ole)
    assert "旧版 Word（.doc）" in message and "另存为" in message and ".docx" in message


def test_an_encrypted_docx_asks_for_the_password_to_be_removed() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512
    assert "密码" in _refused(ole)


def test_a_renamed_pdf_and_other_files_are_refused() -> None:
    assert "PDF" in _refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert "不是 Word 文档" in _refused(b"just some text, not a document")
    from tests.checks.attachments import files

    assert "Excel" in _refused(files.xlsx({"表": [["a"]]}))


def test_a_file_over_the_limit_is_refused_before_reading() -> None:
    message = _refused(b"PK\x03\x04" + b"\0" * 5000, max_bytes=4096)
    assert "超过" in message and "MB" in message
    assert "超过 50 MB" in _refused(b"\0" * (50 * 1024 * 1024 + 1))


def test_a_stem_with_a_separator_is_refused() -> None:
    with pytest.raises(GovsiteError, match="斜杠"):
        import_docx(draft(), "dachang", "gzdt", "../x")
