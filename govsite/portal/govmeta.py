"""Government meta tags (政府网站网页标签): what national monitoring reads to date and classify a page.

The 政府网站网页设计规范 of 《政府网站发展指引》（国办发〔2017〕47号）names three groups of
``<meta name="…" content="…">`` tags; each built page carries those of its kind:

- **site** (every page): ``SiteName`` (``name`` of site_config/site.yml), ``SiteDomain`` (the host of
  ``base_url``), ``SiteIDCode`` (``site_code``, the 网站标识码 of the footer);
- **column** (column list pages, unit homes and articles): ``ColumnName``, ``ColumnDescription``,
  ``ColumnKeywords``, ``ColumnType`` of the page's column. A unit home is its unit's own column: the unit's
  name, its functions (职能) as the description, and its group of the portal (乡镇（街道）, 县政府部门, 其他单位)
  as the type. The portal home and the search page are the site's own pages: site tags only;
- **article** (articles): ``ArticleTitle``, ``PubDate`` (发布日期, the first publication, ``YYYY-MM-DD HH:MM``
  China time), ``ContentSource`` (来源), ``Keywords`` (主题分类 and the column: the page schema has no keywords
  field), ``Author`` (the publishing unit, 发布机构 — never a person), ``Description`` (the first 120 characters
  of the body's text), ``Image`` (the first picture's absolute address) and ``Url`` (the page's absolute
  address under ``base_url``).

A tag whose value is empty is left out (``Image`` of a page without pictures, ``PubDate`` of a preview page not
yet committed). Values are plain text here; ``partials/gov-meta.html`` escapes them.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

from govsite.core.china import CHINA
from govsite.portal.catalog import Article

Tags = list[tuple[str, str]]

DESCRIPTION_CHARS = 120
_TAG = re.compile(r"<!--.*?-->|</?([a-zA-Z][a-zA-Z0-9]*)?[^>]*>", re.S)
# tags inside a line of text: removed without a space (the others end a block: a space between the blocks' texts)
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "img", "ins",
                     "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"})
_SPACE = re.compile(r"\s+")
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def site_tags(site: dict[str, Any], base_url: str) -> Tags:
    """SiteName, SiteDomain, SiteIDCode: the same on every page."""
    return _present([("SiteName", str(site.get("name") or "")),
                     ("SiteDomain", urlsplit(base_url).hostname or ""),
                     ("SiteIDCode", str(site.get("site_code") or ""))])


def column_tags(unit: Any, column: Any, categories: dict[str, str]) -> Tags:
    """The column tags of one of a unit's columns (its list pages and its articles)."""
    kind = categories.get(column.category) or column.category
    about = f"{unit.name}“{column.title}”栏目" + (f"（{kind}）" if kind and kind != column.title else "")
    return _present([("ColumnName", column.title), ("ColumnDescription", about),
                     ("ColumnKeywords", _join(column.title, kind, unit.display_name)), ("ColumnType", kind)])


def unit_tags(unit: Any, group: str) -> Tags:
    """The column tags of a unit's home: the unit as its own column, typed by its group of the portal."""
    about = _cut(_SPACE.sub(" ", unit.functions).strip()) if unit.functions else f"{unit.name}的信息公开和工作动态"
    return _present([("ColumnName", unit.display_name), ("ColumnDescription", about),
                     ("ColumnKeywords", _join(unit.name, unit.display_name, group)), ("ColumnType", group)])


def article_tags(a: Article, unit: Any, column: Any, body: str, base_url: str) -> Tags:
    """The article tags of an article whose rendered (sanitised) body is ``body``."""
    url = base_url + a.url
    return _present([("ArticleTitle", a.title), ("PubDate", pub_date(a.published)), ("ContentSource", a.source),
                     ("Keywords", _join(a.category, column.title)), ("Author", unit.name),
                     ("Description", excerpt(body)), ("Image", first_image(body, url)), ("Url", url)])


def pub_date(when: dt.datetime | None) -> str:
    """``YYYY-MM-DD HH:MM`` in China time, the form the norm gives ('' for no date)."""
    return when.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if when is not None else ""


def excerpt(html: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The first ``limit`` characters of the text of ``html``: no markup, entities decoded, whitespace runs
    made one space; '…' when there is more. Reads only as much of a long body as it needs."""
    size = 4 * limit
    while True:
        part = html[:size]
        if size < len(html):  # a tag or an entity cut at the end would show as text
            lt = part.rfind("<")
            if lt > part.rfind(">"):
                part = part[:lt]
            amp = part.rfind("&")
            if amp > part.rfind(";"):
                part = part[:amp]
        text = _SPACE.sub(" ", unescape(_TAG.sub(_gap, part))).strip()
        if len(text) > limit or size >= len(html):
            return text if len(text) <= limit else text[:limit].rstrip() + "…"
        size *= 4


def _gap(m: re.Match[str]) -> str:
    return "" if (m.group(1) or "").lower() in _INLINE else " "


def first_image(html: str, page_url: str) -> str:
    """The absolute address of the body's first picture ('' when it has none or an address no browser opens
    over http(s))."""
    if "<img" not in html and "<IMG" not in html:
        return ""
    m = _IMG_SRC.search(html)
    if m is None:
        return ""
    src = unescape(next(g for g in m.groups() if g is not None)).strip()
    url = urljoin(page_url, src)
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _join(*words: str) -> str:
    """Distinct non-empty words, comma-separated, in order."""
    return ",".join(dict.fromkeys(w.strip() for w in words if w and w.strip()))


def _cut(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _present(tags: Tags) -> Tags:
    return [(name, value) for name, value in tags if value]
