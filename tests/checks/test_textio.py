import pytest

from checks.textio import MAX_BYTES, UnreadableFile, decode_text


def test_utf8_with_bom_and_crlf_is_normalised():
    tf = decode_text(b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n")
    assert tf.text == "---\ntitle: x\n---\n"
    assert tf.had_bom and tf.had_crlf


def test_gbk_file_is_named_with_conversion_advice():
    with pytest.raises(UnreadableFile) as exc:
        decode_text("巫山县人民政府工作动态".encode("gbk"))
    assert exc.value.rule == "schema.encoding"
    assert "GBK" in exc.value.message and "iconv" in exc.value.message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_file_is_named_as_such_not_as_binary(codec: str) -> None:
    raw = ("\ufeff" if codec.endswith("be") else "").encode(codec) + "---\ntitle: 工作动态\n---\n".encode(codec)
    with pytest.raises(UnreadableFile) as exc:
        decode_text(raw)
    assert exc.value.rule == "schema.encoding"
    assert "UTF-16" in exc.value.message and "另存为 UTF-8" in exc.value.message


def test_binary_file_is_refused():
    with pytest.raises(UnreadableFile) as exc:
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert exc.value.rule == "schema.binary"


def test_huge_file_is_refused():
    with pytest.raises(UnreadableFile) as exc:
        decode_text(b"a" * (MAX_BYTES + 1))
    assert exc.value.rule == "schema.too-large"
