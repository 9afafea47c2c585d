"""Round trip of approval trailers: ``parse_message(format_message(...))`` gives back tier, unit, the
(path, blob) list, the render list and the checklist, for ordinary paths (no control characters)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from govsite.review.policy import CHECKLIST, TIERS
from govsite.review.trailers import format_message, parse_message

# any character a git path can hold but the separator: newlines, control characters, % and white space
# included (paths are percent-encoded where they are not plain, so none can forge another trailer)
NAME_CHAR = st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00")
TEXT_CHAR = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/")
segment = st.text(NAME_CHAR, min_size=1, max_size=12)
# repository paths: content/<unit>/<column>/<name>.md and attachments
paths = st.builds(lambda parts, ext: "/".join(["content", *parts]) + ext,
                  st.lists(segment, min_size=1, max_size=4), st.sampled_from([".md", ".yml", ".pdf", ".xlsx"]))
hex40 = st.text("0123456789abcdef", min_size=40, max_size=40)
hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)
units = st.one_of(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,15}", fullmatch=True),
                  st.text(TEXT_CHAR, min_size=1, max_size=12).filter(lambda s: s.strip() == s and s))
# a free-text note between subject and trailers, with no line that looks like a trailer
notes = st.one_of(st.just(""), st.lists(st.text(TEXT_CHAR, max_size=30), min_size=1, max_size=3).map("\n".join)
                  .filter(lambda n: n.strip() and not any(line.startswith("Review-") for line in n.split("\n"))))


@settings(max_examples=300)
@given(tier=st.sampled_from(TIERS), unit=units,
       blobs=st.lists(st.tuples(paths, st.one_of(hex40, hex64)), max_size=5),
       renders=st.lists(st.tuples(paths, hex64), max_size=3),
       checklist=st.lists(st.sampled_from(sorted(CHECKLIST)), max_size=len(CHECKLIST)).map(tuple),
       note=notes)
def test_format_then_parse_gives_the_approval_back(tier, unit, blobs, renders, checklist, note):
    message = format_message(tier, unit, blobs, checklist, renders=renders, note=note)
    approval = parse_message(message)
    assert approval is not None
    assert approval.tier == tier
    assert approval.unit == unit
    assert approval.blobs == blobs
    assert approval.renders == renders
    assert approval.checklist == checklist
    assert approval.problems == []


@settings(max_examples=100)
@given(blobs=st.lists(st.tuples(paths, hex40), min_size=1, max_size=3))
def test_crlf_line_ends_parse_the_same(blobs):
    message = format_message("2", "dachang", blobs, ("law", "accuracy"))
    assert parse_message(message.replace("\n", "\r\n")) == parse_message(message)


def test_message_layout_is_subject_blank_line_trailers():
    blob = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"
    message = format_message("1", "dachang", [("content/dachang/gzdt/x.md", blob)], ("secrecy", "privacy"))
    assert message == ("审核：一审 content/dachang/gzdt/x.md\n\nReview-Tier: 1\nReview-Unit: dachang\n"
                       "Review-Blob: content/dachang/gzdt/x.md 3b18e512dba79e4c8300dd08aeb37f8e728b8dad\n"
                       "Review-Checklist: secrecy, privacy\n")


@given(st.text(max_size=200))
@settings(max_examples=200)
def test_a_message_without_a_tier_trailer_is_no_approval(text):
    assume("Review-Tier:" not in text)
    assert parse_message(text) is None


@pytest.mark.parametrize("path", ["content/town/gzdt/a ", "content/town/gzdt/a\u3000"])
def test_a_path_ending_in_white_space_round_trips(path):
    message = format_message("1", "town", [(path, "0" * 40)], ())
    assert parse_message(message).blobs == [(path, "0" * 40)]
