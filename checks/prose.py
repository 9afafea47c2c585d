"""Prose masking: which characters of a page are running text that text rules may judge.

Checks run on a copy of the page of the same length in which everything that is not prose (front-matter
keys and values other than the title, code, HTML comments and tags, link targets, bare URLs) is replaced by
spaces. Offsets in the copy are offsets in the page, so every finding maps back to a line and column.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^(```|~~~)[^\n]*\n.*?(^\1[ \t]*$|\Z)", re.S | re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)  # an unclosed one hides nothing: its text is checked (and reported)
UNCLOSED_COMMENT = re.compile(r"<!--(?!.*?-->)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
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


def mask_prose(text: str, body_start: int, title_span: tuple[int, int] | None = None) -> str:
    """Return ``text`` with non-prose characters blanked (same length, newlines kept)."""
    spans: list[tuple[int, int]] = []
    if title_span:
        spans += [(0, title_span[0]), (title_span[1], body_start)]
    else:
        spans.append((0, body_start))
    for pattern, triggers in _TRIGGERS:
        if any(t in text for t in triggers):
            spans.extend((m.start(), m.end()) for m in pattern.finditer(text, body_start))
    return blank_spans(text, spans)


def title_span(text: str, body_start: int) -> tuple[int, int] | None:
    """Offsets of the title value in the front matter, so text rules judge the title too."""
    m = re.search(r"^title:[ \t]*(['\"]?)(.*?)\1[ \t]*$", text[:body_start], re.M)
    return (m.start(2), m.end(2)) if m else None
