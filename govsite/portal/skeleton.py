"""Article pages from one skeleton per folder (页面骨架): the theme renders each shape once, pages fill it in.

Rendering the whole page template costs a good part of a millisecond per page even with its navigation
cached, and the articles of one column folder differ in five places only: the title, the canonical address, the
skip link when a template uses the first heading's anchor, the government meta tags in the head
(``partials/gov-meta.html``, rendered per page) and the content block (metadata table, title, body —
rendered per page by main.html's own ``content`` block). So the first article of each *shape* (the same
folder, navigation flags and depth) is rendered in full by the theme and kept; at the second, the theme
renders the page once more with sentinels in those five places, and from then on each article of that shape
is the skeleton with its own five values joined in.

Nothing here changes what a page looks like: the skeleton, filled with the first article's values, must give
that article's full HTML byte for byte, and must contain neither article's own address; otherwise the shape
keeps the full render for all its pages (tests compare both paths over whole builds). A folder with a single
article costs almost nothing extra. Articles whose front matter sets something the theme reads (``description``,
``hide``…) or whose title or address holds characters a template filter would change take the full render.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

TEMPLATE = "article.html"  # site_config/theme/article.html: the filled skeleton, else the full main.html
_SLOTS = {
    "title": "\ue000gs-title\ue001",
    "canonical": "\ue000gs-canonical\ue001",
    "skip": "#\ue000gs-skip\ue001",  # a fragment, like the real value: MkDocs' url filter keeps both as they are
    "content": "\ue000gs-content\ue001",
    "govmeta": "\ue000gs-govmeta\ue001",  # the page's government meta tags (partials/gov-meta.html)
}
GOVMETA = "partials/gov-meta.html"
# front matter keys a theme's templates may read (a county's overrides too): a page that sets one is rendered in full
THEME_META = frozenset({"description", "author", "hide", "template", "status", "tags", "icon", "subtitle",
                        "search", "robots", "social", "comments"})
_UNSAFE = frozenset("&<>\"'\n\r\t\ue000\ue001")
_MISSING = object()


class TocStub:
    """What a template reads of ``page.toc`` for a skip link: its first entry's ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __iter__(self):  # noqa: ANN204
        yield self


class Skeletons:
    """Skeletons of one build process, by shape; ``env`` is the theme's Jinja environment (``on_env``)."""

    def __init__(self, env: Any) -> None:
        self.env = env
        self._by_shape: dict[Hashable, list[str] | None] = {}
        self._first: dict[Hashable, _First] = {}  # shapes seen once: the skeleton is made at their second page
        self._waiting: dict[str, Hashable] = {}  # first articles whose full HTML is still to come (keep)
        self.filled = 0    # pages answered from a skeleton (for tests and the verbose log)
        self.refused: list[str] = []  # shapes that keep the full render, with the reason
        self._tags: Any = _MISSING  # the compiled partials/gov-meta.html, looked up once
        self._owner: Any = None  # the template that defines the content block

    def page_html(self, context: dict[str, Any], page: Any, shape: Hashable) -> str | None:
        """The page's HTML, or None when the full template must render it."""
        if not eligible(page):
            return None
        parts = self._by_shape.get(shape, _MISSING)
        if parts is None:
            return None
        if parts is _MISSING:
            first = self._first.get(shape)
            if first is None:  # a folder's first article: rendered in full, kept to check the skeleton against
                try:
                    values = self._values(context, page)
                except Exception as exc:  # noqa: BLE001 - e.g. a county's content block calling super(): render in full
                    self._by_shape[shape] = None
                    self.refused.append(f"{page.file.src_uri}: 正文块不能单独渲染（{exc}）")
                    return None
                self._first[shape] = _First(page.file.src_uri, _own(page), "", values)
                self._waiting[page.file.src_uri] = shape
                return None
            parts = self._by_shape[shape] = self._make(context, page, first)
            del self._first[shape]
            if parts is None:
                return None
        self.filled += 1
        return _fill(parts, self._values(context, page))

    def keep(self, src_uri: str, html: str) -> None:
        """A page's HTML as written (the hooks pass every article on from ``on_post_page``): kept when it is
        the full render of a shape's first article."""
        shape = self._waiting.pop(src_uri, _MISSING)
        if shape is not _MISSING and shape in self._first:
            self._first[shape].html = html

    # ------------------------------------------------------------------------------------------------

    def _values(self, context: dict[str, Any], page: Any) -> dict[str, str]:
        owner = self._content_owner()
        content = "".join(owner.blocks["content"](owner.new_context(context)))
        tags = self._govmeta()
        govmeta = "".join(tags.root_render_func(tags.new_context(context))) if tags is not None else ""
        toc = list(page.toc or [])
        return {"title": str(page.meta["title"]), "canonical": str(page.canonical_url),
                "skip": toc[0].url if toc else "", "content": content, "govmeta": govmeta}

    def _content_owner(self) -> Any:
        """The template whose ``content`` block a page shows: main.html when it defines one (a county's own),
        else the layout it extends (base.html)."""
        if self._owner is None:
            for name in ("main.html", "base.html"):
                template = self.env.get_template(name)
                if "content" in template.blocks:
                    self._owner = template
                    break
            else:
                raise LookupError("main.html 和 base.html 都没有 content 块")
        return self._owner

    def _govmeta(self) -> Any:
        """The government meta tags partial, None for a theme without one (its slot then never appears)."""
        if self._tags is _MISSING:
            from jinja2 import TemplateNotFound  # noqa: PLC0415

            try:
                self._tags = self.env.get_template(GOVMETA)
            except TemplateNotFound:
                self._tags = None
        return self._tags

    def _make(self, context: dict[str, Any], page: Any, first: _First) -> list[str] | None:
        """The shape's skeleton, rendered for its second article and checked against the first one's full
        HTML; None (and a reason in ``refused``) when it does not reproduce it."""
        main = self.env.get_template("main.html")
        saved = (page.meta, page.canonical_url, page.toc)
        gs = context.get("gs")
        try:
            page.meta = {**page.meta, "title": _SLOTS["title"]}
            page.canonical_url = _SLOTS["canonical"]
            page.toc = TocStub(_SLOTS["skip"]) if list(saved[2] or []) else saved[2]
            if isinstance(gs, dict):
                gs["slot"] = _SLOTS["content"]
                gs["meta_slot"] = _SLOTS["govmeta"]
            skeleton = main.render(context)
        finally:
            page.meta, page.canonical_url, page.toc = saved
            if isinstance(gs, dict):
                gs.pop("slot", None)
                gs.pop("meta_slot", None)
        parts = _split(skeleton)
        why = ""
        for own in (first.own, _own(page)):
            if own and own in skeleton:
                why = f"骨架中含有页面自身的地址 {own}"
        if not why and (not first.html or _fill(parts, first.values) != first.html):
            why = f"骨架填充结果与 {first.src_uri} 的完整渲染不一致"
        if why:
            self.refused.append(f"{page.file.src_uri}: {why}")
            return None
        return parts


@dataclass
class _First:
    """A shape's first article: its own address, its full HTML, its five values."""

    src_uri: str
    own: str
    html: str
    values: dict[str, str]


def _own(page: Any) -> str:
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def theme_has_template(theme_dirs: list[str]) -> bool:
    """Whether the theme carries :data:`TEMPLATE` (a county's own theme folder may not): without it every
    article keeps MkDocs' usual template."""
    return any(os.path.isfile(os.path.join(d, TEMPLATE)) for d in theme_dirs)


def eligible(page: Any) -> bool:
    """Whether the page differs from others of its shape only in the five slots."""
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
