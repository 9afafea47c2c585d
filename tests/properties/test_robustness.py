"""Robustness: whatever a page or unit file holds (random bytes, random text, random YAML), reading and
checking it returns findings and never raises."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.engine import Checker
from govsite.compliance.context import checker_for
from checks.findings import Finding
from govsite.core.pages import Page, parse_page
from govsite.core.units import Unit, parse_unit
from govsite.core.county import County
from checks.textio import UnreadableFile, decode_text
from tests.conftest import UNIT_YML, Repo

PAGE_PATHS = ["content/town/gzdt/x.md", "content/town/nosuch/x.md", "content/nounit/gzdt/x.md", "x.md",
              "content/town/gzdt/sub/deep/x.md"]
CATEGORIES = {"news", "notices", "policy", "other"}

# Found by these properties and fixed: a URL with a bracket in its host part made the link detectors raise,
# and so did an integer of more than 4300 digits in YAML; both have their own tests at the end.
def _no_known_crash(text: str) -> bool:
    return True


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Checker:
    repo = Repo(tmp_path_factory.mktemp("robust") / "site")
    repo.page("town/gzdt/other.md", "另一篇。\n")  # something for relative links to find
    return checker_for(County(repo.root))


# -- generators ----------------------------------------------------------------------------------------------
# Markdown and YAML fragments that the parsers and detectors key on, mixed with prose
FRAGMENTS = ["[", "]", "](", ")", "(", "![", "http://", "https://", "www.", "gov.cn", "<", ">", "<a href='", "'>",
             "`", "```\n", "~~~\n", "<!--", "-->", "|", "|---|", "---\n", "#", "{#", "}", "@", ":", "：", "%", "%00",
             "/", "../", "?", "#x", "会议", "巫山县", "身份证", "5002371985061212", "138", "1234", "5678", "，", "。",
             "\n", " ", "\t", "\r\n", "\u3000", "\ufeff", "<!-- govsite: allow ", "privacy.mobile", "norm", " 理由",
             "-->\n", "title: ", "formed: ", "2026-11-20", "2026-02-30", "repost:\n  from: ", "  url: ", "- ", "\"",
             "'", "&a ", "*a", "!!binary ", "? ", "null", "~", ".inf", "0x1F", "1_000", "0o17", "1:20:30", "<<: "]
markdownish = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=300), markdownish).filter(_no_known_crash)

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["", " ", "2026-02-30", "yes", "~", "主动公开", "不予公开", "dachang",
                                           "ssh-ed25519 AAAA key", "weekly", "editor", "town", "gzdt"]),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30)),
)
FRONT_KEYS = ["title", "formed", "doc_number", "category", "major", "co_units", "source", "repost", "disclosure",
              "summary", "unit", "column", "from", "url"]
UNIT_KEYS = ["id", "name", "short_name", "kind", "contact", "functions", "opened", "closing", "columns", "new_media",
             "people", "address", "hours", "phone", "head", "email", "postcode", "approval", "approved_on",
             "announcement", "date", "announced_on", "close_on", "reason", "title", "update", "owner", "platform",
             "account", "followers", "followers_on", "last_post", "roles", "keys", "key", "valid_from", "valid_until",
             "left"]
ODD_KEYS = st.one_of(st.integers(-5, 5), st.booleans(), st.none(), st.dates(), st.floats(allow_nan=False),
                     st.text(max_size=8))


def yaml_values(keys: list[str]):
    key = st.one_of(st.sampled_from(keys), st.sampled_from(keys), ODD_KEYS)
    return st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(key, inner, max_size=5)), max_leaves=20)


def yaml_documents(keys: list[str]):
    top = st.one_of(st.dictionaries(st.one_of(st.sampled_from(keys), ODD_KEYS), yaml_values(keys), max_size=8),
                    yaml_values(keys))
    return st.builds(lambda data, flow: yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow,
                                                       sort_keys=False),
                     top, st.sampled_from([False, True, None])).filter(_no_known_crash)


def _returns_findings(result) -> None:
    assert isinstance(result, list) and all(isinstance(f, Finding) for f in result)


# -- pages -----------------------------------------------------------------------------------------------------
@settings(max_examples=200)
@given(raw=st.binary(max_size=400).filter(lambda b: _no_known_crash(b.decode("utf-8", "replace"))),
       rel=st.sampled_from(PAGE_PATHS))
def test_random_bytes_as_a_page(checker, raw, rel):
    try:
        decode_text(raw)
    except UnreadableFile as exc:
        assert exc.rule.startswith("schema.") and exc.message
    _returns_findings(checker.check_raw(rel, raw))


@settings(max_examples=300)
@given(text=any_text, rel=st.sampled_from(PAGE_PATHS), with_front=st.booleans())
def test_random_text_as_a_page(checker, text, rel, with_front):
    if with_front:
        text = f"---\ntitle: 测试\nformed: 2026-11-20\n---\n{text}"
    try:
        tf = decode_text(text.encode("utf-8"))
    except UnreadableFile as exc:  # a NUL byte: "binary"; the only way decode_text may refuse valid UTF-8
        assert exc.rule == "schema.binary" and "\x00" in text
    else:
        page, problems = parse_page(rel, tf.text, checker.reader.units)
        assert isinstance(page, Page)
        _returns_findings(problems)
    _returns_findings(checker.check_raw(rel, text.encode("utf-8")))


@settings(max_examples=300)
@given(front=yaml_documents(FRONT_KEYS), body=any_text, rel=st.sampled_from(PAGE_PATHS))
def test_random_yaml_as_front_matter(checker, front, body, rel):
    text = f"---\n{front}---\n{body}".replace("\x00", "")
    page, problems = parse_page(rel, decode_text(text.encode("utf-8")).text, checker.reader.units)
    assert isinstance(page, Page)
    _returns_findings(problems)
    _returns_findings(checker.check_raw(rel, text.encode("utf-8")))


@settings(max_examples=200)
@given(front=st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join).filter(_no_known_crash))
def test_yaml_like_fragments_as_front_matter(checker, front):
    text = f"---\n{front}\n---\n正文。\n"
    page, problems = parse_page("content/town/gzdt/x.md", text, checker.reader.units)
    _returns_findings(problems)


# -- unit files ------------------------------------------------------------------------------------------------
@settings(max_examples=300)
@given(doc=yaml_documents(UNIT_KEYS))
def test_random_yaml_as_a_unit_file(doc):
    unit, problems = parse_unit(doc, "units/x.yml", "x", CATEGORIES)
    assert unit is None or isinstance(unit, Unit)
    _returns_findings(problems)


@settings(max_examples=200)
@given(text=any_text)
def test_random_text_as_a_unit_file(text):
    unit, problems = parse_unit(text, "units/x.yml", "x", CATEGORIES)
    assert unit is None or isinstance(unit, Unit)
    _returns_findings(problems)


@settings(max_examples=200)
@given(data=st.data())
def test_a_valid_unit_file_with_one_value_replaced(data):
    """Start from a valid unit file and replace one value deep inside by random YAML."""
    unit = yaml.safe_load(UNIT_YML.format(uid="x"))
    unit["people"][0]["keys"] = [{"key": "ssh-ed25519 AAAA x", "valid_from": dt.date(2026, 9, 1),
                                  "valid_until": dt.date(2026, 11, 30)}]
    unit["new_media"] = [{"platform": "微信公众号", "name": "巫山测试", "followers": 10}]
    unit["closing"] = {"approval": "x", "approved_on": dt.date(2026, 11, 2), "announcement": "x/tzgg/a.md",
                       "announced_on": dt.date(2026, 11, 3), "close_on": dt.date(2026, 11, 30)}
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + (i,))

    walk(unit, ())
    where = data.draw(st.sampled_from(paths[1:]), label="where")
    target = unit
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = data.draw(yaml_values(UNIT_KEYS), label="value")
    found_unit, problems = parse_unit(yaml.safe_dump(unit, allow_unicode=True), "units/x.yml", "x", CATEGORIES)
    assert found_unit is None or isinstance(found_unit, Unit)
    _returns_findings(problems)


# -- inputs that raise today (defects; do not fix here) ---------------------------------------------------------
FRONT = "---\ntitle: 测试\nformed: 2026-11-20\n---\n"


@pytest.mark.parametrize("body", [
    "见[网站](http://[abc)。",                 # inline link
    "详见 http://www.gov.cn[1]。",              # bare address with a footnote mark after a space
    "见 http://0[",                            # the shortest bare form the search found
    "<http://[x>",                             # autolink
    '<a href="http://[x">x</a>',               # HTML link
    "[1]: http://[x",                          # reference definition
])
def test_a_url_with_a_bracket_in_its_host_gives_findings(checker, body):
    _returns_findings(checker.check_raw("content/town/gzdt/x.md", (FRONT + body + "\n").encode("utf-8")))


def test_an_integer_of_4301_digits_in_front_matter_gives_findings(checker):
    text = f"---\ntitle: 测试\nformed: 2026-11-20\nmajor: {'9' * 4301}\n---\n正文。\n"
    _returns_findings(parse_page("content/town/gzdt/x.md", text, checker.reader.units)[1])


def test_an_integer_of_4301_digits_in_a_unit_file_gives_findings():
    _returns_findings(parse_unit(f"id: x\nname: {'1' * 4301}\n", "units/x.yml", "x", CATEGORIES)[1])


def test_an_integer_of_4300_digits_is_still_a_schema_finding(checker):
    text = f"---\ntitle: 测试\nformed: 2026-11-20\nmajor: {'9' * 4300}\n---\n正文。\n"
    problems = parse_page("content/town/gzdt/x.md", text, checker.reader.units)[1]
    assert [f.rule for f in problems] == ["schema.type"]
