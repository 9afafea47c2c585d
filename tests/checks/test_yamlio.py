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



@pytest.mark.parametrize("text", [
    "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n",   # billion laughs, small
    "a: &a [*a]\n",                                             # refers to itself
    "base: &b {x: 1}\nother:\n  <<: *b\n",                       # merge keys are aliases too
    "a: " + "[" * 200 + "]" * 200 + "\n",                        # nesting no page needs
])
def test_yaml_that_could_loop_or_grow_without_bound_is_refused_with_a_message(text: str) -> None:
    for lines in (True, False):
        with pytest.raises(YamlSyntaxError) as exc:
            load_yaml(text, lines=lines)
        assert "锚点" in exc.value.message or "嵌套过深" in exc.value.message
