"""Only safe HTML reaches the portal (净化): an allow-list of tags, attributes and URL schemes (nh3, the Rust
ammonia library). A government site that serves injected script fails its inspection outright (挂马), and
Markdown lets an editor write raw HTML, ``{onclick=…}`` attributes and ``javascript:`` links.

What Markdown produces survives: paragraphs, headings with their ids, lists, tables with their alignment,
links, images, code, quotes. Comments, scripts, frames, forms, event handlers, styles other than text
alignment, and every URL whose scheme is not http, https, mailto or tel are removed.
"""

from __future__ import annotations

from urllib.parse import urlsplit


from checks.html import ATTRIBUTES, STYLE_PROPERTIES, TAGS, URL_SCHEMES


def clean(html: str) -> str:
    """``html`` with everything outside the allow-list removed (links keep their ``rel`` as written)."""
    import nh3  # noqa: PLC0415 - a compiled module, loaded by the build only

    return nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True,
                     filter_style_properties=set(STYLE_PROPERTIES))


def text_only(html: str) -> str:
    """The text of ``html`` without any markup (for feeds, whose readers render HTML)."""
    import nh3  # noqa: PLC0415

    if "<" not in html and "&" not in html:
        return html
    from html import unescape  # noqa: PLC0415

    return unescape(nh3.clean(html, tags=set(), strip_comments=True))


def safe_url(url: str) -> str:
    """``url`` when it is relative or http(s)/mailto/tel, else '' (a field of the front matter or site.yml)."""
    text = url.strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    if any(ord(ch) < 32 for ch in text):
        return ""
    return text if scheme in URL_SCHEMES or (not scheme and not text.startswith("//")) else ""
