"""Properties of prose masking (``mask_prose``): same length, newlines kept, only spaces put in, and every
non-prose construct of the body (fenced code, inline code, HTML comments, link targets) blanked while the
prose around it is kept exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govsite.core.pages import split_front_matter
from checks.prose import mask_prose, title_span

# Prose that no masking pattern can touch: CJK, letters, digits, spaces and Chinese punctuation, and none of
# the characters the patterns key on (` < > [ ] ( ) { } @ : / . - | ~ #).
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
INERT = st.one_of(HAN, st.sampled_from(list("abcXYZ019 ，。、；！？“”《》…")))
prose = st.text(INERT, min_size=1, max_size=30).filter(lambda s: s.strip() == s)
one_line = st.text(INERT, min_size=1, max_size=20)
lines = st.lists(one_line, min_size=0, max_size=4).map("\n".join)
# inside code and comments: markdown punctuation too, but nothing that opens another construct
CODE_CHARS = st.one_of(INERT, st.sampled_from(list("[]()*#|!")))
code_lines = st.lists(st.text(CODE_CHARS, max_size=20), max_size=4).map("\n".join)
TARGET = st.text(st.sampled_from(list("abcz019/_-#?=&%.:")), max_size=30)

# (kind, text); "block" kinds must stand on lines of their own
segment = st.one_of(
    st.tuples(st.just("prose"), prose),
    st.tuples(st.just("fence"), st.builds(lambda fence, info, body: f"{fence}{info}\n{body}\n{fence}",
                                          st.sampled_from(["```", "~~~"]), st.text("pythonyaml", max_size=6),
                                          code_lines)),
    st.tuples(st.just("inline"), one_line.map(lambda s: f"`{s}`")),
    st.tuples(st.just("comment"), st.builds(lambda a, b: f"<!--{a}\n{b}-->" if b else f"<!--{a}-->", one_line,
                                            code_lines.map(lambda s: s.replace("`", "")))),
    st.tuples(st.just("link"), st.tuples(one_line, TARGET)),
)


@st.composite
def pages(draw):
    """A page with front matter and a body of segments; returns (text, [(kind, start, end)])."""
    title = draw(prose)
    summary = draw(st.sampled_from(["", "summary: 见`代码`与[链接](http://a.gov.cn)\n", "category: <!--x-->\n"]))
    text = f"---\ntitle: {title}\nformed: 2026-11-20\n{summary}---\n"
    spans = [("front", 0, len(text)), ("title", 11, 11 + len(title))]
    for kind, value in draw(st.lists(segment, max_size=8)):
        if kind in ("fence",) and not text.endswith("\n"):
            text += "\n"
        if kind == "link":
            label, target = value
            start = len(text)
            text += f"[{label}]"
            spans.append(("prose", start, len(text)))
            start = len(text)
            text += f"({target})"
            spans.append(("target", start, len(text)))
            continue
        start = len(text)
        text += value
        spans.append((kind, start, len(text)))
        if kind == "fence":
            text += "\n"
    return text, spans


def _blank(s: str) -> bool:
    return all(ch in " \n" for ch in s)


@settings(max_examples=300)
@given(st.text(max_size=300), st.data())
def test_any_text_keeps_length_and_newlines_and_only_gains_spaces(text, data):
    body_start = data.draw(st.integers(0, len(text)), label="body_start")
    span = data.draw(st.one_of(st.none(), st.tuples(st.integers(0, body_start), st.integers(0, body_start))
                               .map(sorted).map(tuple)), label="title_span")
    masked = mask_prose(text, body_start, span)
    assert len(masked) == len(text)
    assert [i for i, ch in enumerate(masked) if ch == "\n"] == [i for i, ch in enumerate(text) if ch == "\n"]
    assert all(m == t or m == " " for m, t in zip(masked, text))
    # everything before the body that is not the title is blanked
    keep = range(*span) if span else range(0)
    assert all(masked[i] in " \n" for i in range(body_start) if i not in keep)


@settings(max_examples=300)
@given(pages())
def test_body_constructs_are_blanked_and_prose_is_kept(page):
    text, spans = page
    _, _, body_start = split_front_matter(text)
    assert body_start == spans[0][2]
    masked = mask_prose(text, body_start, title_span(text, body_start))
    assert len(masked) == len(text)
    for kind, start, end in spans:
        if kind == "front":
            continue
        got, original = masked[start:end], text[start:end]
        if kind in ("prose", "title"):
            assert got == original, (kind, original)
        else:
            assert _blank(got), (kind, original, got)
            assert [i for i, c in enumerate(got) if c == "\n"] == [i for i, c in enumerate(original) if c == "\n"]
    # the front matter outside the title is blanked, whatever constructs it holds
    title = next((s, e) for k, s, e in spans if k == "title")
    assert _blank(masked[:title[0]] + masked[title[1]:body_start])


def test_constructs_inside_the_title_are_kept_since_only_the_body_is_scanned():
    text = "---\ntitle: 关于`试点`工作\nformed: 2026-11-20\n---\n正文`代码`。\n"
    _, _, body_start = split_front_matter(text)
    masked = mask_prose(text, body_start, title_span(text, body_start))
    assert masked[11:19] == "关于`试点`工作"
    assert masked[body_start:] == "正文    。\n"
