"""Publication norms that need a little logic (GB/T 15834 punctuation; alt text for images)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.detectors.links import page_links
from checks.detectors.view import PageView
from checks.kinds import Hit

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
# a half-width mark right after a Chinese character, followed by Chinese text (or a number after a colon)
_HALF = re.compile(rf"(?<=[{_CJK}])([,;:?!])(?=[ \t]?[{_CJK}“]|[ \t]*$)|(?<=[{_CJK}])(:)(?=\d)", re.M)
# a half-width pair of parentheses with Chinese inside or right next to it
_PAREN = re.compile(r"\(([^()\n]{0,60})\)")
_IMG_HTML = re.compile(r"<img\b(?![^>]*\balt\s*=\s*[\"'][^\"']+[\"'])[^>]*>", re.I)


def halfwidth_punctuation(view: PageView) -> Iterator[Hit]:
    text = view.masked
    for m in _HALF.finditer(text, view.page.body_start):
        g = 1 if m.group(1) else 2
        yield Hit(m.start(g), m.end(g), _FULL[m.group(g)])
    for m in _PAREN.finditer(text, view.page.body_start):
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        chinese = re.compile(f"[{_CJK}]")
        if chinese.search(m.group(1)) or chinese.match(before) or chinese.match(after):
            # the replacement keeps what the page has inside, not the masked copy (code spans, links stay)
            yield Hit(m.start(), m.end(), "（" + view.page.text[m.start(1):m.end(1)] + "）")


def image_alt(view: PageView) -> Iterator[Hit]:
    for link in page_links(view.page.text, view.page.body_start):
        if link.is_image and not link.text.strip():
            yield Hit(link.start, link.end, None, detail={"target": link.target})
    for m in _IMG_HTML.finditer(view.page.text, view.page.body_start):
        yield Hit(m.start(), m.end(), None, detail={"target": m.group(0)[:60]})
