"""Unsafe markup (不安全的 HTML): what the portal would have to strip, reported where the editor wrote it.

Script, frames, forms and other tags outside the allow-list (:mod:`checks.html`), event-handler attributes
(``onclick=…``, also through Markdown's ``{onclick=…}`` attribute syntax) and links or images whose address
is ``javascript:``, ``data:`` or any scheme but http, https, mailto and tel (entity-encoded ones included).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from checks.detectors.view import PageView
from checks.html import TAGS, URL_SCHEMES
from checks.kinds import Hit
from checks.prose import CODE, blank_spans

_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_HANDLER = re.compile(r"(?:^|[\s\"'/{])(on[a-z]+)\s*=", re.I)
_URL_ATTR = re.compile(r"\b(href|src|action|formaction|data|poster|background|xlink:href)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
_STYLE = re.compile(r"\bstyle\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
_ATTR_LIST = re.compile(r"\{[:#.]?[^}\n]*\}")
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>")


def _scheme(url: str) -> str:
    """The scheme of ``url`` as a browser reads it: entities decoded, control characters and blanks dropped."""
    text = html.unescape(url.strip().strip("\"'"))
    text = "".join(ch for ch in text if ord(ch) > 32)
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    return m.group(1).lower() if m else ""


def _bad_url(url: str) -> str:
    scheme = _scheme(url)
    return scheme if scheme and scheme not in URL_SCHEMES else ""


def unsafe(view: PageView) -> Iterator[Hit]:
    text = view.page.text
    start = view.page.body_start
    if not any(t in text for t in ("<", "{", "](")):
        return
    clean = blank_spans(text, [(m.start(), m.end()) for m in CODE.finditer(text, start)]) if "`" in text or "~~~" in text or "<!--" in text else text
    repost = view.page.repost
    if repost is not None and repost.url and _bad_url(repost.url):
        lo, hi = view.line_span(repost.line)
        yield Hit(lo, hi, None, detail={"what": f"转载原文地址 {_bad_url(repost.url)}:", "how": "只允许 http、https 地址"})
    for m in _TAG.finditer(clean, start):
        name = m.group(2).lower()
        attrs = m.group(3) or ""
        if m.group(1) or ":" in name:
            continue  # a closing tag was reported with its opening one; <scheme:…> is an autolink (below)
        if name not in TAGS:
            yield Hit(m.start(), m.end(), None, detail={"what": f"标签 <{name}>", "how": "网页上会被删除，不能用它"})
            continue
        handler = _HANDLER.search(attrs)
        if handler:
            yield Hit(m.start(), m.end(), None, detail={"what": f"事件属性 {handler.group(1)}", "how": "它会在浏览器中运行脚本"})
        style = _STYLE.search(attrs)
        if style and re.search(r"javascript:|expression\(|url\(", html.unescape(style.group(1)), re.I):
            yield Hit(m.start(), m.end(), None, detail={"what": "样式中的地址或表达式", "how": "样式会被删除，其中的脚本也不会运行"})
        for a in _URL_ATTR.finditer(attrs):
            bad = _bad_url(a.group(2))
            if bad:
                yield Hit(m.start(), m.end(), None, detail={"what": f"{bad}: 地址", "how": "只允许 http、https、mailto、tel"})
    if "{" in clean:
        for m in _ATTR_LIST.finditer(clean, start):
            handler = _HANDLER.search(m.group(0))
            if handler:
                yield Hit(m.start(), m.end(), None, detail={"what": f"事件属性 {handler.group(1)}", "how": "它会在浏览器中运行脚本"})
    for pattern in (_MD_LINK, _AUTOLINK):
        for m in pattern.finditer(clean, start):
            bad = _bad_url(m.group(1))
            if bad:
                yield Hit(m.start(1), m.end(1), None, detail={"what": f"{bad}: 地址", "how": "只允许 http、https、mailto、tel"})
