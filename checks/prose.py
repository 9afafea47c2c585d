"""Prose masking: which characters of a page are running text that text rules may judge.

Checks run on a copy of the page of the same length in which everything that is not prose (front-matter
keys and values other than the title, code, HTML comments and tags, link targets, bare URLs) is replaced by
spaces. Offsets in the copy are offsets in the page, so every finding maps back to a line and column.
"""

from __future__ import annotations

import re

# what the portal's Markdown shows as code: a fenced block only once it is closed (an unclosed fence is text)
FENCE = r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$"
COMMENT = r"<!--.*?-->"  # an unclosed one hides nothing: its text is checked (and reported)
INLINE_CODE = r"`[^`\n]+`"
CODE = re.compile(f"{FENCE}|{COMMENT}|{INLINE_CODE}", re.S | re.M)  # code and comments, for the link detectors
_FENCE = re.compile(FENCE, re.S | re.M)
_COMMENT = re.compile(COMMENT, re.S)
UNCLOSED_COMMENT = re.compile(r"<!--(?!.*?-->)", re.S)
_INLINE_CODE = re.compile(INLINE_CODE)
_LINK_TARGET = re.compile(r"(?<=\])\([^)\n]*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]\n]+\]:[^\n]*$", re.M)
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'）)，。；、\u3000]+|www\.[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s<>\"'）)，。；、]*")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.M)
_ATTR_LIST = re.compile(r"\{[:#.][^}\n]*\}")


def _spaces(text: str) -> str:
    """``text`` with everything but newlines turned into spaces."""
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given (possibly overlapping) spans blanked."""
    if not spans:
        return text
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if end <= pos:
            continue
        start = max(start, pos)
        out.append(text[pos:start])
        out.append(_spaces(text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


# cheap tests that let most pages skip most patterns
_TRIGGERS = ((_FENCE, ("```", "~~~")), (_COMMENT, ("<!--",)), (_INLINE_CODE, ("`",)), (_LINK_TARGET, ("](",)),
             (_REF_DEF, ("]:",)), (_AUTOLINK, ("<",)), (_HTML_TAG, ("<",)), (_URL, ("://", "www.")), (_EMAIL, ("@",)),
             (_TABLE_RULE, ("---",)), (_ATTR_LIST, ("{",)))


def _front_blanks(body_start: int, keep: tuple[int, int] | list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    """The spans of the front matter to blank: all of it but the ``keep`` spans (values the page prints)."""
    kept = [keep] if isinstance(keep, tuple) else sorted(keep or [])
    spans: list[tuple[int, int]] = []
    pos = 0
    for start, end in kept:
        if start >= pos:
            spans.append((pos, start))
            pos = end
    spans.append((pos, body_start))
    return [(a, b) for a, b in spans if b > a]


def mask_prose(text: str, body_start: int, title_span: tuple[int, int] | list[tuple[int, int]] | None = None) -> str:
    """Return ``text`` with non-prose characters blanked (same length, newlines kept). ``title_span``: the
    span (or spans) of front-matter values the page prints, which the text rules judge too."""
    spans = _front_blanks(body_start, title_span)
    for pattern, triggers in _TRIGGERS:
        if any(t in text for t in triggers):
            spans.extend((m.start(), m.end()) for m in pattern.finditer(text, body_start))
    return blank_spans(text, spans)


def visible_text(text: str, body_start: int, keep: list[tuple[int, int]]) -> str:
    """Everything of the page that reaches the published site, for the privacy and secrecy detectors: the
    body as it is (code, link targets such as ``tel:``, attributes and comments included) and the printed
    front-matter values; the rest of the front matter blanked."""
    return blank_spans(text, _front_blanks(body_start, keep))


# front-matter values a page prints: title, summary, source, 文号, 主题分类, and the repost's source name
_PRINTED = re.compile(r"^[ \t]*(?:title|summary|source|doc_number|category|from):[ \t]*(['\"]?)(.*?)\1[ \t]*$", re.M)
_FLOW_FROM = re.compile(r"\bfrom:[ \t]*(['\"]?)([^,}'\"\n]*)\1")


def printed_spans(text: str, body_start: int) -> list[tuple[int, int]]:
    """Offsets of the front-matter values the page prints (see :data:`_PRINTED`), so checks judge them."""
    front = text[:body_start]
    spans = [(m.start(2), m.end(2)) for m in _PRINTED.finditer(front) if m.end(2) > m.start(2)]
    if "{" in front:
        spans += [(m.start(2), m.end(2)) for m in _FLOW_FROM.finditer(front) if m.end(2) > m.start(2)]
    spans.sort()
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if not out or s >= out[-1][1]:
            out.append((s, e))
    return out


def title_span(text: str, body_start: int) -> tuple[int, int] | None:
    """Offsets of the title value in the front matter, so text rules judge the title too."""
    m = re.search(r"^title:[ \t]*(['\"]?)(.*?)\1[ \t]*$", text[:body_start], re.M)
    return (m.start(2), m.end(2)) if m else None
