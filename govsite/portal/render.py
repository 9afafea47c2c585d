"""The generated pages' bodies: portal home, unit homes, paginated column lists, search page, site map and
政府信息公开 — their data here, their markup in the theme's page templates (``theme/pages/*.html``).

Each page function selects, groups and sorts the articles, computes every link relative to the page (so the
site works from any base path and from a local server) and hands plain values to its template, which escapes
what it prints (``| gs_escape``: :func:`html.escape`, quotes included). :class:`PageTemplates` fetches each
template once per build from the theme's own Jinja environment, the one MkDocs renders every page with
(sandboxed when the county has its own templates), so a county overrides a page type in
``site_config/theme/pages/`` like any other template. The body takes the place of the Markdown output when
MkDocs renders the page (``on_page_context``: the environment exists only from ``on_env`` on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from govsite.core.units import UPDATE_NAMES
from govsite.portal.sanitize import safe_url
from govsite.portal.catalog import HOME_LATEST, PAGE_SIZE, UNIT_LATEST, Article, Catalog, rel_url

# 效力状态 → the class of its tag and banner (有效 is shown in the metadata table only)
VALIDITY_KINDS = {"有效": "in-force", "已修改": "amended", "已废止": "repealed", "已失效": "expired"}
KIND_GROUPS = (("乡镇（街道）", ("township", "subdistrict")), ("县政府部门", ("department",)), ("其他单位", ("agency",)))


def kind_group(kind: str) -> str:
    """The portal's group of units of ``kind`` (its navigation tab), '其他单位' for an unknown kind."""
    return next((label for label, kinds in KIND_GROUPS if kind in kinds), KIND_GROUPS[-1][0])


@dataclass(frozen=True)
class Notice:
    """An opening (Art. 8) or closing (Art. 10) announcement taken from a unit file."""

    kind: str            # "opening" | "closing"
    unit_id: str
    unit_name: str
    approval: str
    day: dt.date | None  # opening date or close date
    announced: dt.date | None
    url: str             # announcement page URL ("" when the page is not published)
    reason: str = ""

    @property
    def text(self) -> str:
        if self.kind == "opening":
            return f"{self.unit_name}网页开通公告（{self.approval}，{_d(self.day)}开通）"
        return f"{self.unit_name}网页关停公告（{self.approval}，将于{_d(self.day)}关停）"


def _d(day: dt.date | None) -> str:
    return chinese_date(day) if day else "（日期待定）"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def book_title(title: str) -> str:
    """A document's title in 书名号, unless it already opens with one (《…》政策解读)."""
    return title if title.startswith("《") else f"《{title}》"


def column_url(unit_id: str, column_id: str, page: int = 1) -> str:
    return f"{unit_id}/{column_id}/" if page <= 1 else f"{unit_id}/{column_id}/page/{page}/"


# ------------------------------------------------------------------------------------- the templates
TEMPLATES = {"portal": "pages/portal-home.html", "unit": "pages/unit-home.html", "column": "pages/column.html",
             "search": "pages/search.html", "sitemap": "pages/sitemap.html", "disclosure": "pages/disclosure.html"}
ESCAPE_FILTER = "gs_escape"


def escape(value: Any) -> str:
    """What the page templates print of data (``| gs_escape``): :func:`html.escape` with quotes, as the
    generated pages have always escaped (``&quot;``, ``&#x27;``; Jinja's ``| e`` writes ``&#34;``, ``&#39;``).
    Written out here: it runs several times per list item."""
    text = value if value.__class__ is str else str(value)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;"))


class PageTemplates:
    """The page templates of one build, each fetched (compiled) once from the theme's environment ``env``."""

    def __init__(self, env: Any) -> None:
        self.env = env
        env.filters[ESCAPE_FILTER] = escape
        self._compiled: dict[str, Any] = {}

    def render(self, kind: str, **values: Any) -> str:
        template = self._compiled.get(kind)
        if template is None:
            template = self._compiled[kind] = self.env.get_template(TEMPLATES[kind])
        return str(template.render(values))


# ------------------------------------------------------------------------------------- what templates get
class Item(NamedTuple):
    """One line of an article list (``article_list`` in ``pages/macros.html``, which unpacks it: no attribute
    look-ups per item)."""

    href: str
    title: str
    date: str
    validity: str = ""       # 已修改, 已废止, 已失效 after the title (a policy document no longer simply in force)
    validity_kind: str = ""  # the class of that tag
    unit: str = ""           # the unit's short name, in lists that name the unit


@dataclass(frozen=True, slots=True)
class Link:
    """One entry of a directory (``<ul class="gs-dir">``)."""

    title: str
    href: str
    outside: bool = False    # another site: rel="noopener"


@dataclass(frozen=True, slots=True)
class Row:
    """A column in a 政府信息公开 listing: its label, link and number of items."""

    label: str
    href: str
    count: int


class PagerCell(NamedTuple):
    """One place in a column's pager: ``kind`` is link (首页, 上一页, …), off (no such page), number, current."""

    kind: str
    label: str
    href: str = ""


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture of 图片新闻 and its article."""

    href: str
    src: str
    alt: str
    title: str


@dataclass(frozen=True, slots=True)
class Interaction:
    """The 政民互动 block: its heading, whom it addresses, a phone number ('' none), the platform ('' none)."""

    title: str
    who: str
    phone: str
    url: str


@dataclass(frozen=True, slots=True)
class Announcement:
    """An opening or closing on a unit's home page: the approval, its date or the page's day, the reason of a
    closing, the announcement's link ('' when it is not published)."""

    approval: str
    day: str
    href: str
    approved_on: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ColumnBlock:
    """A column on its unit's home page: its latest items and how many it has in all."""

    id: str
    title: str
    href: str
    items: list[Item]
    total: int
    more: bool  # more items than shown: link to the column's list


def _items(here: str, items: list[Article], with_unit: dict[str, str] | None = None) -> list[Item]:
    out = []
    for a in items:
        status = a.validity if a.validity and a.validity != "有效" else ""
        out.append(Item(rel_url(here, a.url), a.title, a.display_date, status,
                        VALIDITY_KINDS.get(status, "") if status else "",
                        with_unit.get(a.unit_id, a.unit_id) if with_unit else ""))
    return out


# what 最新信息 is for: news, notices and policy, not a unit's standing pages (机构职能, budgets, reports)
STANDING = frozenset({"organization", "budget", "annual_report", "guide", "system"})
HOME_BLOCK = 8  # items per home page block


def _column_category(units: dict[str, Any], a: Article) -> str:
    unit = units.get(a.unit_id)
    col = unit.columns.get(a.column_id) if unit else None
    return str(col.category) if col else ""


def _services(here: str, site: dict[str, Any], units: dict[str, Any]) -> list[Link]:
    """办事服务: the county's service links (site.yml ``services``), the 依申请公开 entry, licensing columns."""
    links = []
    for item in site.get("services") or []:
        if isinstance(item, dict) and item.get("title") and safe_url(str(item.get("url") or "")):
            links.append(Link(str(item["title"]), safe_url(str(item["url"])), True))
    for u in units.values():
        for c in u.columns.values():
            if c.category == "licensing":
                links.append(Link(f"{u.display_name} · {c.title}", rel_url(here, column_url(u.id, c.id))))
    links.append(Link("依申请公开", rel_url(here, "xxgk/#gs-ysq")))
    return links


def _groups(units: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """The units by navigation group (乡镇（街道）, 县政府部门, 其他单位), empty groups left out."""
    out = []
    for label, kinds in KIND_GROUPS:
        members = [u for u in units.values() if u.kind in kinds]
        if members:
            out.append((label, members))
    return out


def portal_home(templates: PageTemplates, site: dict[str, Any], units: dict[str, Any], cat: Catalog,
                notices: list[Notice]) -> str:
    """The portal's home page (首页): 要闻动态, 通知公告, 政策文件, 政策解读, 图片新闻, 办事服务, 政府信息公开,
    互动交流 and the units, as the 网页设计规范 lists a home page's blocks."""
    here = ""
    short = {uid: u.display_name for uid, u in units.items()}
    by_kind: dict[str, list[Article]] = {}
    for a in cat.articles:
        by_kind.setdefault(_column_category(units, a), []).append(a)
    latest = [a for a in cat.articles if _column_category(units, a) not in STANDING][:HOME_LATEST]
    news = by_kind.get("news", [])
    notice_cols = [a for a in cat.articles if _is_notice_column(units, a)][:HOME_LATEST // 2 + 2]
    return templates.render(
        "portal", name=str(site.get("name") or "政府"), search=rel_url(here, "search/"), named=bool(short),
        latest=_items(here, latest, short), notices=_items(here, notice_cols, short),
        news=_items(here, news[:HOME_BLOCK], short),
        policy=_items(here, by_kind.get("policy", [])[:HOME_BLOCK], short),
        interpretation=_items(here, by_kind.get("interpretation", [])[:HOME_BLOCK], short),
        photos=[Photo(rel_url(here, a.url), rel_url(here, a.image), a.image_alt or a.title, a.title)
                for a in [a for a in news if a.image][:4]],
        services=_services(here, site, units),
        announcements=[(n.kind, n.text, rel_url(here, n.url) if n.url else "") for n in notices],
        groups=[(label, [Link(u.name, rel_url(here, u.id + "/")) for u in members])
                for label, members in _groups(units)],
        interaction=_interaction(site, None, "互动交流"))


def disclosure(templates: PageTemplates, site: dict[str, Any], units: dict[str, Any], cat: Catalog,
               names: dict[str, str], unit: Any = None) -> str:
    """政府信息公开 (《政府信息公开条例》第十二条、第十九条、第二十条、第二十六条、第五十条): 指南, 制度, 法定主动
    公开内容 by category (``names``: the disclosure catalogue's names by id), 年报 and 依申请公开, for the county
    (``unit`` None: every unit) or for one unit."""
    here = f"{unit.id}/xxgk/" if unit is not None else "xxgk/"
    members = [unit] if unit is not None else [u for u in units.values()]

    def listing(category: str) -> list[Row]:
        return [Row(f"{u.display_name} · {c.title}" if unit is None else c.title,
                    rel_url(here, column_url(u.id, c.id)), len(cat.column(u.id, c.id)))
                for u in members for c in u.columns.values() if c.category == category]

    contact = unit.contact if unit is not None else None
    county = site.get("contact") or {}
    categories = [(name, rows) for cid, name in names.items()
                  if cid not in ("guide", "system", "annual_report") and (rows := listing(cid))]
    return templates.render(
        "disclosure", title=unit.name + "政府信息公开" if unit is not None else "政府信息公开",
        who=unit.name if unit is not None else str(site.get("name") or ""),
        guide=listing("guide"), system=listing("system"), categories=categories,
        annual_report=listing("annual_report"),
        phone=contact.phone if contact is not None else str(county.get("phone") or ""),
        address=contact.address if contact is not None else str(county.get("address") or ""),
        units=[Link(u.name, rel_url(here, u.id + "/xxgk/")) for u in units.values()] if unit is None else None)


def site_map(templates: PageTemplates, site: dict[str, Any], units: dict[str, Any]) -> str:
    """网站地图: every unit and column of the portal, grouped as the navigation groups them (the page the
    footer's 网站地图 names; sitemap.xml is for search engines)."""
    here = "sitemap/"
    return templates.render(
        "sitemap", name=str(site.get("name") or "本网站"),
        general=[Link("首页", rel_url(here, "")), Link("站内搜索", rel_url(here, "search/")),
                 Link("信息订阅（RSS）", rel_url(here, "rss.xml"))],
        groups=[(label, [(Link(u.name, rel_url(here, u.id + "/")),
                          [Link(c.title, rel_url(here, column_url(u.id, c.id))) for c in u.columns.values()])
                         for u in members])
                for label, members in _groups(units)])


def _is_notice_column(units: dict[str, Any], a: Article) -> bool:
    unit = units.get(a.unit_id)
    col = unit.columns.get(a.column_id) if unit else None
    return bool(col and col.category == "notices")


def _interaction(site: dict[str, Any], unit: Any, title: str = "政民互动") -> Interaction:
    return Interaction(title=title, who=unit.name if unit is not None else str(site.get("name") or ""),
                       phone=unit.contact.phone if unit is not None else str((site.get("contact") or {}).get("phone") or ""),
                       url=safe_url(str(site.get("interaction_url") or "")))


def unit_home(templates: PageTemplates, site: dict[str, Any], unit: Any, cat: Catalog, notices: list[Notice]) -> str:
    """A unit's home page (单位首页): its closing notice, 机构职能, 联系方式, 网页开通, every column's latest
    items, 政务新媒体 and 政民互动."""
    here = f"{unit.id}/"
    c = unit.contact
    rows = [("办公地址", c.address), ("办公时间", c.hours), ("联系电话", c.phone), ("负责人", c.head),
            ("电子邮箱", c.email), ("邮政编码", c.postcode)]
    closing = [Announcement(n.approval, _d(n.day), rel_url(here, n.url) if n.url else "", reason=n.reason)
               for n in notices if n.kind == "closing" and n.unit_id == unit.id]
    opened = unit.opened
    opening = None
    if opened is not None:
        ann_url = _announcement_url(cat, opened.announcement)
        opening = Announcement(opened.approval, _d(opened.date), rel_url(here, ann_url) if ann_url else "",
                               approved_on=_d(opened.approved_on))
    columns = []
    for col in unit.columns.values():
        items = cat.column(unit.id, col.id)
        href = rel_url(here, column_url(unit.id, col.id))
        columns.append(ColumnBlock(col.id, col.title, href, _items(here, items[:UNIT_LATEST]), len(items),
                                   len(items) > UNIT_LATEST))
    return templates.render(
        "unit", name=unit.name, closing=closing, functions=unit.functions,
        contact=[(k, v) for k, v in rows if v], opening=opening, columns=columns,
        new_media=[(m.platform, m.name) for m in unit.new_media], interaction=_interaction(site, unit),
        feed=rel_url(here, unit.id + "/rss.xml"))


def _announcement_url(cat: Catalog, src_uri: str) -> str:
    a = cat.by_src.get(src_uri)
    return a.url if a else ""


def column_page(templates: PageTemplates, unit: Any, column: Any, cat: Catalog, page: int) -> str:
    """One page of a column's list (栏目列表页), :data:`PAGE_SIZE` items, newest first, with its pager."""
    items = cat.column(unit.id, column.id)
    pages = cat.page_count(len(items))
    here = column_url(unit.id, column.id, page)
    chunk = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return templates.render(
        "column", title=column.title, unit=unit.name, update=UPDATE_NAMES.get(column.update, column.update),
        total=len(items), page=page, pages=pages, items=_items(here, chunk),
        pager=_pager(unit.id, column.id, page, pages))


def _pager(unit_id: str, column_id: str, page: int, pages: int) -> list[PagerCell]:
    """首页, 上一页, up to three page numbers either side of this one, 下一页, 尾页 (none for a single page)."""
    if pages <= 1:
        return []
    here = column_url(unit_id, column_id, page)

    def link(n: int, label: str) -> PagerCell:
        if n < 1 or n > pages or n == page:
            return PagerCell("off", label)
        return PagerCell("link", label, rel_url(here, column_url(unit_id, column_id, n)))

    cells = [link(1, "首页"), link(page - 1, "上一页")]
    for n in range(max(1, page - 3), min(pages, page + 3) + 1):
        cells.append(PagerCell("current", str(n)) if n == page
                     else PagerCell("number", str(n), rel_url(here, column_url(unit_id, column_id, n))))
    return [*cells, link(page + 1, "下一页"), link(pages, "尾页")]


def search_page(templates: PageTemplates, shards: list[str]) -> str:
    """Pagefind UI over the shard indexes (each chunked); ?q= runs a query on load."""
    here = "search/"
    # Pagefind resolves bundle paths against the site root: the template makes them absolute from the page's URL
    bundles = [rel_url(here, f"pagefind/{s}/") for s in shards]
    return templates.render("search", bundles=bundles)
