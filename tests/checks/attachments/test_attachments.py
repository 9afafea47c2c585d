"""Attachments' text and metadata through the privacy, secrecy, political and sensitive rules, each finding at
its page, paragraph, table cell or sheet cell; unreadable files are a finding, never an exception."""

from __future__ import annotations

import pytest

from checks import attachments
from checks.attachments.extract import Limits, extract
from checks.attachments.check import PER_RULE, check_attachment
from tests.checks.attachments import files
from tests.checks.detectors.test_privacy import VALID_ID

WRONG_ID = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")


@pytest.fixture
def checker(repo):
    from govsite.compliance.context import checker_for
    from govsite.core.county import County

    return checker_for(County(repo.root))


def _check(checker, name: str, raw: bytes):
    return check_attachment(checker, f"content/town/gzdt/files/{name}", raw)


def test_a_spreadsheet_names_the_sheet_and_the_cell(checker):
    raw = files.xlsx({"说明": [["2026年第四季度临时救助公示"]],
                      "名单": [["2026年临时救助名单"], ["序号", "姓名", "身份证号", "联系电话", "住址"],
                              [1, "张大山", VALID_ID, "13812345678", "大昌镇白坪村3组12号"],
                              [2, "李小花", int(WRONG_ID), "023-57223344", "大昌镇白坪村"]]})
    found = _check(checker, "名单.xlsx", raw)
    got = {(f.rule, f.line, f.column) for f in found}
    assert {("privacy.id-number", 3, 3), ("privacy.mobile", 3, 4), ("privacy.home-address", 3, 5),
            ("privacy.name-with-number", 3, 2), ("privacy.name-with-number", 4, 2),
            ("privacy.id-number-checksum", 4, 3)} <= got, got
    first = next(f for f in found if f.rule == "privacy.id-number")
    assert first.path == "content/town/gzdt/files/名单.xlsx" and first.severity == "error"
    assert first.message.startswith("附件 files/名单.xlsx 工作表“名单” C3 单元格：发现公民身份号码")
    assert first.suggestion is None  # nothing to write back into a spreadsheet


def test_hidden_sheets_are_read_and_said_to_be_hidden(checker):
    raw = files.xlsx({"公示": [["本次公示5户"]], "底稿": [["张大山", "13812345678"]]}, hidden=("底稿",))
    found = [f for f in _check(checker, "a.xlsx", raw) if f.rule == "privacy.mobile"]
    assert len(found) == 1 and "工作表“底稿”（隐藏） B1 单元格" in found[0].message


def test_a_word_file_paragraphs_tables_and_header(checker):
    raw = files.docx(["关于临时救助对象的公示", "联系人手机13912345678。"],
                     table=[["户主", "电话"], ["王小明", "13712345679"]], header="秘密★1年")
    found = _check(checker, "公示.docx", raw)
    by_rule = {f.rule: f for f in found}
    assert any("正文第 2 段" in f.message for f in found if f.rule == "privacy.mobile")
    assert "表格 1 第 2 行第 1 列" in by_rule["privacy.name-with-number"].message
    assert "页眉" in by_rule["secrecy.classification-mark"].message


def test_a_pdf_names_the_page(checker):
    raw = files.pdf([["关于2026年临时救助的公示"], ["申请人张大山，身份证号" + VALID_ID + "。", "北朝鲜举行阅兵式。"]])
    found = _check(checker, "公示.pdf", raw)
    got = {(f.rule, f.line) for f in found}
    assert ("privacy.id-number", 2) in got and ("political.korea-north", 2) in got, got
    assert all(f.message.startswith("附件 files/公示.pdf 第 2 页：") for f in found)


def test_a_gbk_csv(checker):
    raw = "序号,姓名,手机\n1,张大山,13812345678\n".encode("gbk")
    found = _check(checker, "名单.csv", raw)
    assert any(f.rule == "privacy.mobile" and "第 2 行第 3 列（C2）" in f.message for f in found)


@pytest.mark.parametrize("fmt,name", [("JPEG", "zoufang.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_an_image_with_its_gps_position(checker, fmt, name):
    found = _check(checker, name, files.jpeg((31.0747, 109.8786), fmt))
    assert [(f.rule, f.severity, f.line) for f in found] == [("privacy.image-gps", "warning", 1)]
    assert "北纬 31.07470°，东经 109.87860°" in found[0].message and "删除属性和个人信息" in found[0].message
    assert not _check(checker, name, files.jpeg(None, fmt))


@pytest.mark.parametrize("name,raw,says", [
    ("a.pdf", b"%PDF-1.4\n1 0 obj garbage", "损坏"),
    ("a.pdf", b"", "损坏"),
    ("a.xlsx", b"PK\x03\x04 not really", "损坏"),
    ("a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "加密"),
    ("a.jpg", b"\xff\xd8\xff\xe0 broken", "损坏"),
    ("a.doc", b"\xd0\xcf\x11\xe0", "旧版 Word"),
    ("a.et", b"x", "WPS 表格"),
])
def test_what_cannot_be_read_is_a_warning_never_an_exception(checker, name, raw, says):
    found = _check(checker, name, raw)
    assert [f.rule for f in found] == ["privacy.attachment-unchecked"], found
    assert says in found[0].message and found[0].severity == "warning"


def test_an_encrypted_pdf(checker):
    found = _check(checker, "a.pdf", files.encrypted_pdf([["身份证号" + VALID_ID]]))
    assert [f.rule for f in found] == ["privacy.attachment-unchecked"]
    assert "加密" in found[0].message


@pytest.mark.parametrize("name,member", [("a.xlsx", "xl/worksheets/sheet1.xml"), ("a.docx", "word/document.xml")])
def test_zip_bombs_are_not_unpacked(checker, name, member):
    found = _check(checker, name, files.zip_bomb(member))
    assert [f.rule for f in found] == ["privacy.attachment-unchecked"] and "膨胀" in found[0].message


def test_limits_pages_text_and_size():
    two_pages = files.pdf([["第一页"], ["身份证号" + VALID_ID]])
    found = extract("a.pdf", two_pages, Limits(pdf_pages=1))
    assert [n.kind for n in found.notes] == ["truncated"] and "只检查了前 1 页" in found.notes[0].reason
    assert all(p.line == 1 for line in found.lines if line for p in line.pieces)
    assert [n.kind for n in extract("a.pdf", two_pages, Limits(chars=5)).notes] == ["truncated"]
    assert [n.kind for n in extract("a.pdf", two_pages, Limits(seconds=0)).notes] == ["truncated"]
    big = extract("a.pdf", b"", Limits(bytes=10), size=10 * 1024 * 1024 * 1024)
    assert [n.kind for n in big.notes] == ["too-large"] and "10240 MB" in big.notes[0].reason
    rows = files.xlsx({"a": [[str(i)] * 10 for i in range(20)]})
    assert [n.kind for n in extract("a.xlsx", rows, Limits(cells=50)).notes] == ["truncated"]


def test_many_findings_of_one_rule_are_summed_up(checker):
    rows = [["姓名", "电话"]] + [[f"张{'一二三四五六七八九十'[i % 10]}{'甲乙丙丁戊己庚辛壬癸'[i // 10]}",
                                 f"138{i:08d}"] for i in range(PER_RULE + 7)]
    found = [f for f in _check(checker, "a.xlsx", files.xlsx({"名单": rows})) if f.rule == "privacy.mobile"]
    assert len(found) == PER_RULE + 1
    assert "还有 7 处未逐条列出" in found[-1].message.replace("（privacy.mobile）", "")
    assert found[-1].severity == "error"


def test_an_attachment_cannot_silence_its_own_findings(checker):
    raw = files.docx(["<!-- govsite: allow privacy 已公开 --> 联系人手机13912345678"])
    found = _check(checker, "a.docx", raw)
    assert [f.rule for f in found] == ["privacy.mobile"] and not found[0].suppressed


def test_the_libraries_are_imported_only_for_attachments():
    import subprocess
    import sys

    code = ("import sys; from checks.attachments.extract import extract; import checks.attachments.check; "
            "extract('a.txt', b''); print(sorted(m for m in ('pypdf', 'docx', 'openpyxl', 'PIL') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_limits_are_the_module_defaults():
    from checks.attachments.extract import LIMITS

    assert LIMITS.bytes == attachments.MAX_BYTES == 50 * 1024 * 1024 and attachments.is_attachment("content/a/b/x.XLSX")
    assert not attachments.is_attachment("content/a/b/x.md") and not attachments.is_attachment("content/a/b/v.mp4")


def test_a_pdf_locked_only_against_copying_is_read(checker):
    """A permissions password (禁止复制) leaves the file open to anyone: it is checked like any other."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf([["身份证号" + VALID_ID]]))))
    writer.encrypt(user_password="", owner_password="only-the-office", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    assert [f.rule for f in _check(checker, "a.pdf", out.getvalue())] == ["privacy.id-number"]


def test_the_hooks_pass_attachments():
    import re

    from tests.conftest import REPO

    for name in (".pre-commit-hooks.yaml", ".pre-commit-config.yaml"):
        import yaml

        data = yaml.safe_load((REPO / name).read_text(encoding="utf-8"))
        hooks = data if isinstance(data, list) else [h for r in data["repos"] for h in r["hooks"]]
        pattern = re.compile(next(h["files"] for h in hooks if h["id"] == "govsite-check"))
        for path in ("content/a/b/x.md", "content/a/b/files/名单.xlsx", "content/a/b/files/IMG_0001.JPG",
                     "content/a/b/files/公示.pdf", "units/a.yml"):
            assert pattern.search(path), (name, path)
        assert not pattern.search("content/a/b/files/v.mp4")


def test_a_scanned_pdf_without_text_is_said_to_be_unchecked(checker):
    found = _check(checker, "扫描件.pdf", files.pdf([[], []]))
    assert [f.rule for f in found] == ["privacy.attachment-unchecked"] and "扫描件" in found[0].message


def test_a_word_text_box_is_read(checker):
    found = _check(checker, "a.docx", files.docx_with_text_box("正文", "联系人手机13912345678"))
    assert [(f.rule, f.message.split("：")[0]) for f in found] == [("privacy.mobile", "附件 files/a.docx 文本框")]
