import datetime as dt

import pytest

from checks.yamlio import YamlSyntaxError, load_yaml


def test_lines_of_nested_keys():
    doc = load_yaml("a: 1\nb:\n  - x: 2\n    y: 2026-01-02\n", first_line=5)
    assert doc.line("a") == 5
    assert doc.line("b", 0, "y") == 8
    assert doc.data["b"][0]["y"] == dt.date(2026, 1, 2)


def test_impossible_date_stays_text():
    assert load_yaml("d: 2026-02-30\n").data["d"] == "2026-02-30"


def test_syntax_error_has_line_and_chinese_message():
    with pytest.raises(YamlSyntaxError) as exc:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert exc.value.line >= 2
    assert "YAML 格式错误" in exc.value.message
