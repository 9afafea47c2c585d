"""Article pages from one skeleton per folder (页面骨架): the theme renders each shape once, pages fill it in.

Material's page template costs about a millisecond per page even with its navigation cached, and the
articles of one column folder differ in four places only: the title (``<title>`` and header), the canonical
address, the skip link (the first heading's anchor) and the content block (metadata table, title, body —
rendered per page by main.html's own ``content`` block). So for the first article of each *shape* (the
same folder, navigation flags and depth) the theme renders the page once with sentinels in those four
places; every article of that shape is then the skeleton with its own four values joined in.

Nothing here changes what a page looks like: the first article of each shape is also rendered in full and
must come out byte for byte equal to its filled skeleton, and the skeleton must not contain the article's
own address; otherwise that shape keeps the full render for all its pages (tests compare both paths over
whole builds). Articles whose front matter sets something the theme reads (``description``, ``hide``…) or
whose title or address holds characters a template filter would change take the full render too.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

TEMPLATE = "article.html"  # site_config/theme/article.html: the filled skeleton, else the full main.html
_SLOTS = {
    "title": "\ue000gs-title\ue001",
    "canonical": "\ue000gs-canonical\ue001",
    "skip": "#\ue000gs-skip\ue001",  # a fragment, like the real value: MkDocs' url filter keeps both as they are
    "content": "\ue000gs-content\ue001",
}
# front matter keys Material's templates read: a page that sets one is rendered in full
THEME_META = frozenset({"description", "author", "hide", "template", "status", "tags", "icon", "subtitle",
                        "search", "robots", "social", "comments"})
_UNSAFE = frozenset("&<>\"'\n\r\t\ue000\ue001")
_MISSING = object()


class TocStub:
    """What Material's skip link reads of ``page.toc``: its first entry's ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __iter__(self):  # noqa: ANN204
        yield self


class Skeletons:
    """Skeletons of one build process, by shape; ``env`` is the theme's Jinja environment (``on_env``)."""

    def __init__(self, env: Any) -> None:
        self.env = env
        self._by_shape: dict[Hashable, list[str] | None] = {}
        self.filled = 0    # pages answered from a skeleton (for tests and the verbose log)
        self.refused: list[str] = []  # shapes that keep the full render, with the reason

    def page_html(self, context: dict[str, Any], page: Any, shape: Hashable) -> str | None:
        """The page's HTML, or None when the full template must render it."""
        if not eligible(page):
            return None
        parts = self._by_shape.get(shape, _MISSING)
        if parts is _MISSING:
            parts, full = self._make(context, page)
            self._by_shape[shape] = parts
            return full
        if parts is None:
            return None
        self.filled += 1
        return _fill(parts, self._values(context, page))

    # ------------------------------------------------------------------------------------------------

    def _values(self, context: dict[str, Any], page: Any) -> dict[str, str]:
        main = self.env.get_template("main.html")
        content = "".join(main.blocks["content"](main.new_context(context)))
        toc = list(page.toc or [])
        return {"title": str(page.meta["title"]), "canonical": str(page.canonical_url),
                "skip": toc[0].url if toc else "", "content": content}

    def _make(self, context: dict[str, Any], page: Any) -> tuple[list[str] | None, str | None]:
        """(skeleton parts or None, this page's full HTML)."""
        main = self.env.get_template("main.html")
        full = main.render(context)
        saved = (page.meta, page.canonical_url, page.toc)
        gs = context.get("gs")
        try:
            page.meta = {**page.meta, "title": _SLOTS["title"]}
            page.canonical_url = _SLOTS["canonical"]
            page.toc = TocStub(_SLOTS["skip"]) if list(saved[2] or []) else saved[2]
            if isinstance(gs, dict):
                gs["slot"] = _SLOTS["content"]
            skeleton = main.render(context)
        finally:
            page.meta, page.canonical_url, page.toc = saved
            if isinstance(gs, dict):
                gs.pop("slot", None)
        parts = _split(skeleton)
        own = page.url.rstrip("/").rsplit("/", 1)[-1]
        why = ""
        if own and own in skeleton:
            why = f"骨架中含有页面自身的地址 {own}"
        elif _fill(parts, self._values(context, page)) != full:
            why = "骨架填充结果与完整渲染不一致"
        if why:
            self.refused.append(f"{page.file.src_uri}: {why}")
            return None, full
        return parts, full


def eligible(page: Any) -> bool:
    """Whether the page differs from others of its shape only in the four slots."""
    meta = page.meta or {}
    title = meta.get("title")
    theme_keys = THEME_META & meta.keys()
    if meta.get("template") == TEMPLATE:
        theme_keys.discard("template")
    if not isinstance(title, str) or not title or title != title.strip() or theme_keys:
        return False
    canonical = page.canonical_url
    return (isinstance(canonical, str) and not _UNSAFE & set(title) and not _UNSAFE & set(canonical)
            and all(not _UNSAFE & set(e.url) for e in list(page.toc or [])[:1]))


def _split(skeleton: str) -> list[str]:
    """Alternating literal text and slot names: [text, slot, text, slot, …, text]."""
    parts = [skeleton]
    for name, mark in _SLOTS.items():
        out: list[str] = []
        for k, piece in enumerate(parts):
            if k % 2:
                out.append(piece)
                continue
            chunks = piece.split(mark)
            for j, chunk in enumerate(chunks):
                if j:
                    out.append(name)
                out.append(chunk)
        parts = out
    return parts


def _fill(parts: list[str], values: dict[str, str]) -> str:
    return "".join(values[p] if k % 2 else p for k, p in enumerate(parts))
