"""Properties of the literal gate of regex rules (``required_literals``): whenever a pattern matches, one of
its gate literals lies inside the match, unless the gate gave up (``None``). Checked on generated patterns
and on every regex rule of the shipped packs, with generated texts and the packs' own examples."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.kinds.literals import required_literals
from checks.kinds.terms import TermMatcher
from checks.rules import Rule, load_rules

# -- generated patterns ------------------------------------------------------------------------------------
CHARS = ["a", "b", "发", "文", r"\.", r"\(", r"\*", " "]
literal = st.lists(st.sampled_from(CHARS), min_size=1, max_size=3).map("".join)
atom = st.one_of(literal, literal, st.sampled_from(["[ab]", ".", r"\d", "[^a]", r"\s", "[发文]"]))
QUANTIFIERS = ["*", "+", "?", "{2}", "{0,2}", "{1,3}", "{2,}", "*?", "+?", "??", "{1,2}?", "*+", "++", "?+"]


def _compose(inner):
    return st.one_of(
        st.tuples(inner, inner).map("".join),                                  # sequence
        st.tuples(inner, inner).map("|".join),                                 # bare alternation
        st.tuples(inner, inner).map(lambda t: f"(?:{t[0]}|{t[1]})"),           # grouped alternation
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]}|{t[1]}|{t[2]})"),
        inner.map(lambda r: f"({r})"),                                         # capturing group
        inner.map(lambda r: f"(?:{r})"),
        inner.map(lambda r: f"(?>{r})"),                                       # atomic group
        st.tuples(inner, st.sampled_from(QUANTIFIERS)).map(lambda t: f"(?:{t[0]}){t[1]}"),
    )


patterns = st.recursive(atom, _compose, max_leaves=10)
ASSERTIONS = st.one_of(st.sampled_from(["^", "$", r"\b", r"\B"]),
                       literal.map(lambda s: f"(?<={s})"), literal.map(lambda s: f"(?<!{s})"))
patterns_with_lookarounds = st.recursive(
    st.one_of(atom, ASSERTIONS),
    lambda inner: st.one_of(_compose(inner), inner.map(lambda r: f"(?={r})"), inner.map(lambda r: f"(?!{r})")),
    max_leaves=10)
TEXT = st.text(st.sampled_from(list("ab发文.(* x1\n")), max_size=24)


def assert_gate_holds(pattern: str, text: str, flags: int = 0) -> None:
    literals = required_literals(pattern, flags)
    if literals is None:
        return
    assert literals and all(literals), (pattern, literals)
    for m in re.finditer(pattern, text, flags):
        assert any(lit in m.group() for lit in literals), (pattern, literals, text, m.group())


@settings(max_examples=400)
@given(st.data(), patterns)
def test_generated_pattern_matches_contain_a_gate_literal(data, pattern):
    text = data.draw(st.one_of(TEXT, st.from_regex(pattern)), label="text")
    assert_gate_holds(pattern, text)


@settings(max_examples=300)
@given(patterns_with_lookarounds, TEXT)
def test_generated_pattern_with_lookarounds_matches_contain_a_gate_literal(pattern, text):
    assert_gate_holds(pattern, text)


@pytest.mark.parametrize("pattern, expected", [
    ("abc", ["abc"]),
    ("ab|cd", ["ab", "cd"]),
    ("a(?:b|c)d", ["a"]),
    ("(?:ab)+c", ["ab"]),
    ("x{2}yz", ["yz"]),
    ("[ab]c", ["c"]),
    ("ab*", ["a"]),
    ("(?:ab)?", None),
    ("a|", None),
    ("[ab]+", None),
])
def test_gate_literals_of_known_patterns(pattern, expected):
    assert required_literals(pattern) == expected


def test_ignorecase_patterns_are_never_gated():
    assert required_literals("abc", re.IGNORECASE) is None


def test_scoped_ignorecase_group_is_not_gated_on_its_lower_case_literal():
    assert_gate_holds("(?i:ab)c", "ABc")


def test_rule_with_scoped_ignorecase_group_finds_upper_case_text():
    rule = Rule(id="norm.scoped-flag", category="norm", kind="existence", level="warning", message="m",
                tokens=["(?i:abc)d"], regex=True)
    assert "norm.scoped-flag" in TermMatcher([rule]).find("见ABCd。")


# -- the shipped packs ---------------------------------------------------------------------------------------
SHIPPED = load_rules(None)
PACK_PATTERNS = [(rule, term) for rule in sorted(SHIPPED.rules.values(), key=lambda r: r.id)
                 if rule.regex and rule.kind in ("existence", "substitution") for term in rule.tokens + list(rule.swap)]


def _flags(rule: Rule) -> int:
    return re.IGNORECASE if rule.ignorecase else 0


def _ids(item) -> str:
    rule, term = item
    return f"{rule.id}:{(rule.tokens + list(rule.swap)).index(term)}"


def test_the_packs_have_regex_rules_with_gates():
    assert len(PACK_PATTERNS) >= 30
    assert sum(required_literals(term, _flags(rule)) is not None for rule, term in PACK_PATTERNS) >= 10


REGEX_RULES = sorted({rule.id: rule for rule, _ in PACK_PATTERNS}.values(), key=lambda r: r.id)
ALL_EXAMPLES = sorted({text for rule in REGEX_RULES for kind in ("bad", "good")
                       for text in rule.examples.get(kind, [])})


@pytest.mark.parametrize("rule", REGEX_RULES, ids=lambda r: r.id)
def test_pack_rule_gates_hold_on_the_packs_examples(rule):
    """Every pattern of the rule against every example of every regex rule; the rule's own bad examples must
    be matched by its patterns, or the check would prove nothing."""
    terms = rule.tokens + list(rule.swap)
    for term in terms:
        for text in ALL_EXAMPLES:
            assert_gate_holds(term, text, _flags(rule))
    for bad in rule.examples.get("bad", []):
        assert any(re.search(term, bad, _flags(rule)) for term in terms), bad


def _pattern_alphabet(term: str) -> list[str]:
    """Characters of the pattern's own text (so generated texts often match), digits and some prose."""
    return sorted(set(term) - set("\\^$") | set("0123456789年月日号，。、（）() \n发文第"))


@pytest.mark.parametrize("item", PACK_PATTERNS, ids=_ids)
@settings(max_examples=25)
@given(data=st.data())
def test_pack_pattern_gate_holds_on_generated_text(item, data):
    rule, term = item
    text = data.draw(st.one_of(st.text(st.sampled_from(_pattern_alphabet(term)), max_size=30),
                               st.from_regex(term)), label="text")
    assert_gate_holds(term, text, _flags(rule))
