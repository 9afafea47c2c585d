"""HTML of the generated pages: portal home, unit homes, paginated column lists, search page.

Each function returns the page body (inserted by the ``on_page_content`` hook in place of Markdown
output); links are relative so the site works from any base path and from a local server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape as e
from typing import Any

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


def validity_tag(a: Article) -> str:
    """【已废止】 after a title in lists: a policy document no longer simply in force."""
    if not a.validity or a.validity == "有效":
        return ""
    return f'<span class="gs-tag gs-tag--{VALIDITY_KINDS.get(a.validity, "")}">【{e(a.validity)}】</span>'


def column_url(unit_id: str, column_id: str, page: int = 1) -> str:
    return f"{unit_id}/{column_id}/" if page <= 1 else f"{unit_id}/{column_id}/page/{page}/"


def _items(here: str, items: list[Article], with_unit: dict[str, str] | None = None) -> str:
    if not items:
        return '<p class="gs-empty">本栏目暂无信息。</p>'
    rows = []
    for a in items:
        unit = f'<span class="gs-unit">[{e(with_unit.get(a.unit_id, a.unit_id))}]</span>' if with_unit else ""
        rows.append(f'<li>{unit}<a href="{e(rel_url(here, a.url))}">{e(a.title)}</a>{validity_tag(a)}'
                    f'<span class="gs-date">{e(a.display_date)}</span></li>')
    return '<ul class="gs-list">' + "".join(rows) + "</ul>"


def _search_form(here: str) -> str:
    return (f'<form class="gs-search" action="{e(rel_url(here, "search/"))}" method="get" role="search" aria-label="首页站内搜索">'
            '<label for="gs-q">站内搜索</label>'
            '<input id="gs-q" name="q" type="search" placeholder="请输入关键词，如：森林防火" autocomplete="off">'
            '<button type="submit">搜索</button></form>')


# what 最新信息 is for: news, notices and policy, not a unit's standing pages (机构职能, budgets, reports)
STANDING = frozenset({"organization", "budget", "annual_report", "guide", "system"})
HOME_BLOCK = 8  # items per home page block


def _column_category(units: dict[str, Any], a: Article) -> str:
    unit = units.get(a.unit_id)
    col = unit.columns.get(a.column_id) if unit else None
    return str(col.category) if col else ""


def _block(here: str, hid: str, title: str, items: list[Article], short: dict[str, str], wide: bool = False) -> str:
    return (f'<section class="gs-panel{" gs-panel--wide" if wide else ""}"><h2 id="{hid}">{e(title)}</h2>'
            f"{_items(here, items, short)}</section>")


def _photos(here: str, items: list[Article]) -> str:
    """图片新闻: news with a picture of its own, the picture and the title."""
    if not items:
        return '<p class="gs-empty">暂无图片新闻。</p>'
    cells = "".join(f'<li><a href="{e(rel_url(here, a.url))}"><img src="{e(rel_url(here, a.image))}" '
                    f'alt="{e(a.image_alt or a.title)}" loading="lazy"><span>{e(a.title)}</span></a></li>'
                    for a in items)
    return f'<ul class="gs-photos">{cells}</ul>'


def _services(here: str, site: dict[str, Any], units: dict[str, Any]) -> str:
    """办事服务: the county's service links (site.yml ``services``), the 依申请公开 entry, licensing columns."""
    links = []
    for item in site.get("services") or []:
        if isinstance(item, dict) and item.get("title") and safe_url(str(item.get("url") or "")):
            links.append((str(item["title"]), safe_url(str(item["url"])), True))
    for u in units.values():
        for c in u.columns.values():
            if c.category == "licensing":
                links.append((f"{u.display_name} · {c.title}", rel_url(here, column_url(u.id, c.id)), False))
    links.append(("依申请公开", rel_url(here, "xxgk/#gs-ysq"), False))
    noopener = ' rel="noopener"'
    cells = "".join(f'<li><a href="{e(url)}"{noopener if outside else ""}>{e(title)}</a></li>'
                    for title, url, outside in links)
    return f'<section class="gs-panel"><h2 id="gs-bs">办事服务</h2><ul class="gs-dir">{cells}</ul></section>'


def portal_home(site: dict[str, Any], units: dict[str, Any], cat: Catalog, notices: list[Notice]) -> str:
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
    # the name and 门户网站 each kept whole: a narrow screen breaks between them, never inside a word
    parts = [f'<h1 class="gs-home-title"><span class="gs-nowrap">{e(str(site.get("name") or "政府"))}</span>'
             '<span class="gs-nowrap">门户网站</span></h1>',
             _search_form(here), '<div class="gs-grid">',
             _block(here, "gs-latest", "最新信息", latest, short, wide=True),
             _block(here, "gs-notices", "通知公告", notice_cols, short), "</div>",
             '<div class="gs-grid">',
             _block(here, "gs-news", "要闻动态", news[:HOME_BLOCK], short),
             _block(here, "gs-policy", "政策文件", by_kind.get("policy", [])[:HOME_BLOCK], short),
             _block(here, "gs-jiedu", "政策解读", by_kind.get("interpretation", [])[:HOME_BLOCK], short), "</div>",
             '<section class="gs-panel"><h2 id="gs-photo">图片新闻</h2>'
             f'{_photos(here, [a for a in news if a.image][:4])}</section>',
             '<div class="gs-grid">', _services(here, site, units),
             '<section class="gs-panel"><h2 id="gs-xxgk"><a href="xxgk/">政府信息公开</a></h2>'
             '<ul class="gs-dir"><li><a href="xxgk/#gs-zn">政府信息公开指南</a></li>'
             '<li><a href="xxgk/#gs-zd">政府信息公开制度</a></li><li><a href="xxgk/#gs-fd">法定主动公开内容</a></li>'
             '<li><a href="xxgk/#gs-nb">政府信息公开年报</a></li><li><a href="xxgk/#gs-ysq">依申请公开</a></li></ul>'
             "</section></div>"]
    ann = "".join(
        f'<li class="gs-notice--{n.kind}">'
        + (f'<a href="{e(rel_url(here, n.url))}">{e(n.text)}</a>' if n.url else e(n.text))
        + "</li>" for n in notices)
    parts.append('<section class="gs-panel"><h2 id="gs-ann">网页开通与关停公告</h2>'
                 + (f'<ul class="gs-list gs-ann">{ann}</ul>' if ann else '<p class="gs-empty">暂无公告。</p>')
                 + "</section>")
    parts.append('<section class="gs-panel"><h2 id="gs-dir">单位导航</h2>')
    for label, kinds in KIND_GROUPS:
        members = [u for u in units.values() if u.kind in kinds]
        if not members:
            continue
        parts.append(f'<h3>{e(label)}</h3><ul class="gs-dir">'
                     + "".join(f'<li><a href="{e(rel_url(here, u.id + "/"))}">{e(u.name)}</a></li>' for u in members)
                     + "</ul>")
    parts.append("</section>")
    parts.append(_interaction(here, site, None, "互动交流"))
    return '<div class="gs-page gs-home">' + "".join(parts) + "</div>"


def disclosure(site: dict[str, Any], units: dict[str, Any], cat: Catalog, names: dict[str, str],
               unit: Any = None) -> str:
    """政府信息公开 (《政府信息公开条例》第十二条、第十九条、第二十条、第二十六条、第五十条): 指南, 制度, 法定主动
    公开内容 by category (``names``: the disclosure catalogue's names by id), 年报 and 依申请公开, for the county
    (``unit`` None: every unit) or for one unit."""
    here = f"{unit.id}/xxgk/" if unit is not None else "xxgk/"
    members = [unit] if unit is not None else [u for u in units.values()]
    who = unit.name if unit is not None else str(site.get("name") or "")

    def columns(category: str) -> list[tuple[Any, Any]]:
        return [(u, c) for u in members for c in u.columns.values() if c.category == category]

    def listing(pairs: list[tuple[Any, Any]], empty: str) -> str:
        if not pairs:
            return f'<p class="gs-empty">{e(empty)}</p>'
        rows = []
        for u, c in pairs:
            items = cat.column(u.id, c.id)
            label = f"{u.display_name} · {c.title}" if unit is None else c.title
            rows.append(f'<li><a href="{e(rel_url(here, column_url(u.id, c.id)))}">{e(label)}</a>'
                        f'<span class="gs-date">{len(items)} 条</span></li>')
        return '<ul class="gs-list gs-list--full">' + "".join(rows) + "</ul>"

    parts = [f"<h1>{e(unit.name) + '政府信息公开' if unit is not None else '政府信息公开'}</h1>",
             '<p class="gs-hint">依据《中华人民共和国政府信息公开条例》，本页集中提供政府信息公开指南、制度、法定主动公开内容、'
             "年度报告和依申请公开渠道。</p>",
             '<section class="gs-panel"><h2 id="gs-zn">政府信息公开指南</h2>'
             + listing(columns("guide"), "政府信息公开指南尚未发布（《条例》第十二条：行政机关应当编制、公布政府信息公开指南）。")
             + "</section>",
             '<section class="gs-panel"><h2 id="gs-zd">政府信息公开制度</h2>'
             + listing(columns("system"), "政府信息公开制度尚未发布。") + "</section>",
             '<section class="gs-panel"><h2 id="gs-fd">法定主动公开内容</h2>']
    shown = False
    for cid, name in names.items():
        if cid in ("guide", "system", "annual_report"):
            continue
        pairs = columns(cid)
        if pairs:
            shown = True
            parts.append(f"<h3>{e(name)}</h3>" + listing(pairs, ""))
    if not shown:
        parts.append('<p class="gs-empty">暂无法定主动公开内容。</p>')
    parts.append("</section>")
    parts.append('<section class="gs-panel"><h2 id="gs-nb">政府信息公开年报</h2>'
                 + listing(columns("annual_report"), "政府信息公开工作年度报告尚未发布（《条例》第四十九条：每年1月31日前公布）。")
                 + "</section>")
    contact = unit.contact if unit is not None else None
    phone = contact.phone if contact is not None else str((site.get("contact") or {}).get("phone") or "")
    address = contact.address if contact is not None else str((site.get("contact") or {}).get("address") or "")
    parts.append('<section class="gs-panel"><h2 id="gs-ysq">依申请公开</h2>'
                 f"<p>公民、法人或者其他组织可以向{e(who)}申请获取主动公开以外的政府信息（《条例》第二十七条）。"
                 "请以书面形式（含数据电文形式）提出申请，写明申请人姓名或者名称、身份证明、联系方式，"
                 "所需政府信息的名称、文号或者便于查询的其他特征性描述，以及获取信息的方式、途径。</p>"
                 + (f"<p>受理地址：{e(address)}" + (f"；咨询电话：{e(phone)}" if phone else "") + "。</p>" if address else "")
                 + "</section>")
    if unit is None:
        parts.append('<section class="gs-panel"><h2 id="gs-units">各单位政府信息公开</h2><ul class="gs-dir">'
                     + "".join(f'<li><a href="{e(rel_url(here, u.id + "/xxgk/"))}">{e(u.name)}</a></li>'
                               for u in units.values())
                     + "</ul></section>")
    return '<div class="gs-page gs-disclosure">' + "".join(parts) + "</div>"


def site_map(site: dict[str, Any], units: dict[str, Any]) -> str:
    """网站地图: every unit and column of the portal, grouped as the navigation groups them (the page the
    footer's 网站地图 names; sitemap.xml is for search engines)."""
    here = "sitemap/"
    parts = [f'<h1>网站地图</h1><p class="gs-hint">{e(str(site.get("name") or "本网站"))}的全部栏目。</p>',
             '<section class="gs-panel"><h2>综合</h2><ul class="gs-dir">'
             f'<li><a href="{e(rel_url(here, ""))}">首页</a></li>'
             f'<li><a href="{e(rel_url(here, "search/"))}">站内搜索</a></li>'
             f'<li><a href="{e(rel_url(here, "rss.xml"))}">信息订阅（RSS）</a></li></ul></section>']
    for label, kinds in KIND_GROUPS:
        members = [u for u in units.values() if u.kind in kinds]
        if not members:
            continue
        parts.append(f'<section class="gs-panel"><h2>{e(label)}</h2>')
        for u in members:
            columns = "".join(f'<li><a href="{e(rel_url(here, column_url(u.id, c.id)))}">{e(c.title)}</a></li>'
                              for c in u.columns.values())
            parts.append(f'<h3><a href="{e(rel_url(here, u.id + "/"))}">{e(u.name)}</a></h3>'
                         f'<ul class="gs-dir">{columns}</ul>')
        parts.append("</section>")
    return '<div class="gs-page gs-sitemap">' + "".join(parts) + "</div>"


def _is_notice_column(units: dict[str, Any], a: Article) -> bool:
    unit = units.get(a.unit_id)
    col = unit.columns.get(a.column_id) if unit else None
    return bool(col and col.category == "notices")


def _interaction(here: str, site: dict[str, Any], unit: Any, title: str = "政民互动") -> str:
    url = safe_url(str(site.get("interaction_url") or ""))
    phone = unit.contact.phone if unit is not None else str((site.get("contact") or {}).get("phone") or "")
    who = unit.name if unit is not None else str(site.get("name") or "")
    link = (f'<a class="gs-button" href="{e(url)}" rel="noopener">我要写信（政民互动）</a>' if url
            else '<span class="gs-empty">政民互动渠道未配置（site_config/site.yml 的 interaction_url）。</span>')
    return (f'<section class="gs-panel gs-interact"><h2 id="gs-hd">{e(title)}</h2>'
            f'<p>对{e(who)}的工作有意见建议或咨询事项，请通过县政府门户网站政民互动平台留言，我们将依法依规及时答复。'
            + (f"也可在工作日拨打电话 {e(phone)}。" if phone else "") + f"</p><p>{link}</p></section>")


def unit_home(site: dict[str, Any], unit: Any, cat: Catalog, notices: list[Notice]) -> str:
    here = f"{unit.id}/"
    c = unit.contact
    rows = [("办公地址", c.address), ("办公时间", c.hours), ("联系电话", c.phone), ("负责人", c.head),
            ("电子邮箱", c.email), ("邮政编码", c.postcode)]
    contact = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows if v)
    parts = [f"<h1>{e(unit.name)}</h1>"]
    for n in notices:
        if n.kind == "closing" and n.unit_id == unit.id:
            link = f'<a href="{e(rel_url(here, n.url))}">查看关停公告</a>' if n.url else ""
            parts.append(f'<div class="gs-alert" role="note"><strong>关停公告：</strong>经县政府办公室批准（{e(n.approval)}），'
                         f"本单位网页将于{e(_d(n.day))}关停{('（' + e(n.reason) + '）') if n.reason else ''}。{link}</div>")
    if unit.functions:
        parts.append(f'<section class="gs-panel"><h2 id="gs-fn">机构职能</h2><p>{e(unit.functions)}</p></section>')
    parts.append('<div class="gs-grid">')
    parts.append(f'<section class="gs-panel gs-contact"><h2 id="gs-ct">联系方式</h2><dl>{contact}</dl></section>')
    opened = unit.opened
    if opened is not None:
        ann_url = _announcement_url(cat, opened.announcement)
        link = (f'<a href="{e(rel_url(here, ann_url))}">查看开通公告</a>' if ann_url
                else '<span class="gs-empty">开通公告尚未发布</span>')
        parts.append('<section class="gs-panel"><h2 id="gs-op">网页开通</h2>'
                     f"<p>经县政府办公室批准（{e(opened.approval)}，{e(_d(opened.approved_on))}），"
                     f"本单位网页于{e(_d(opened.date))}开通。</p><p>{link}</p></section>")
    parts.append("</div>")
    parts.append('<div class="gs-grid">')
    for col in unit.columns.values():
        items = cat.column(unit.id, col.id)
        h = f"gs-col-{col.id}"
        parts.append(f'<section class="gs-panel"><h2 id="{h}">'
                     f'<a href="{e(rel_url(here, column_url(unit.id, col.id)))}">{e(col.title)}</a></h2>'
                     f"{_items(here, items[:UNIT_LATEST])}"
                     + (f'<p class="gs-more"><a href="{e(rel_url(here, column_url(unit.id, col.id)))}">'
                        f"更多{e(col.title)}（共 {len(items)} 条）</a></p>" if len(items) > UNIT_LATEST else "")
                     + "</section>")
    parts.append("</div>")
    if unit.new_media:
        media = "".join(f"<li>{e(m.platform)}：{e(m.name)}</li>" for m in unit.new_media)
        parts.append(f'<section class="gs-panel"><h2 id="gs-nm">政务新媒体</h2><ul>{media}</ul></section>')
    parts.append(_interaction(here, site, unit))
    parts.append(f'<p class="gs-feed"><a href="{e(rel_url(here, unit.id + "/rss.xml"))}">订阅本单位信息（RSS）</a></p>')
    return '<div class="gs-page gs-unitpage">' + "".join(parts) + "</div>"


def _announcement_url(cat: Catalog, src_uri: str) -> str:
    a = cat.by_src.get(src_uri)
    return a.url if a else ""


def column_page(unit: Any, column: Any, cat: Catalog, page: int) -> str:
    items = cat.column(unit.id, column.id)
    pages = cat.page_count(len(items))
    here = column_url(unit.id, column.id, page)
    chunk = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    head = (f"<h1>{e(column.title)}</h1>"
            f'<p class="gs-sub">{e(unit.name)} · 更新频率：{e(UPDATE_NAMES.get(column.update, column.update))}'
            f" · 共 {len(items)} 条 · 第 {page}/{pages} 页</p>")
    return ('<div class="gs-page gs-column">' + head + _items(here, chunk).replace('class="gs-list"', 'class="gs-list gs-list--full"', 1)
            + _pager(unit.id, column.id, page, pages) + "</div>")


def _pager(unit_id: str, column_id: str, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    here = column_url(unit_id, column_id, page)

    def link(n: int, label: str) -> str:
        if n < 1 or n > pages or n == page:
            return f'<span class="gs-pager__off" aria-disabled="true">{e(label)}</span>'
        return f'<a href="{e(rel_url(here, column_url(unit_id, column_id, n)))}">{e(label)}</a>'

    nums = []
    for n in range(max(1, page - 3), min(pages, page + 3) + 1):
        if n == page:
            nums.append(f'<span class="gs-pager__cur" aria-current="page">{n}</span>')
        else:
            nums.append(f'<a href="{e(rel_url(here, column_url(unit_id, column_id, n)))}" aria-label="第 {n} 页">{n}</a>')
    return ('<nav class="gs-pager" aria-label="分页">' + link(1, "首页") + link(page - 1, "上一页") + "".join(nums)
            + link(page + 1, "下一页") + link(pages, "尾页") + "</nav>")


def search_page(shards: list[str]) -> str:
    """Pagefind UI over the shard indexes (each chunked); ?q= runs a query on load."""
    here = "search/"
    if not shards:
        return '<div class="gs-page gs-searchpage"><h1>站内搜索</h1><p class="gs-empty">暂无可搜索的信息。</p></div>'
    first = rel_url(here, f"pagefind/{shards[0]}/")
    # Pagefind resolves bundle paths against the site root: make them absolute from this page's URL
    merge = ",".join(f"{{bundlePath:b('{rel_url(here, f'pagefind/{s}/')}')}}" for s in shards[1:])
    return ('<div class="gs-page gs-searchpage"><h1>站内搜索</h1>'
            f'<link rel="stylesheet" href="{first}pagefind-ui.css">'
            '<div id="gs-search-ui"></div>'
            f'<script src="{first}pagefind-ui.js"></script>'
            "<script>(function(){function b(p){return new URL(p,location.href).pathname;}"
            f"var ui=new PagefindUI({{element:'#gs-search-ui',bundlePath:b('{first}'),"
            f"mergeIndex:[{merge}],showImages:false,resetStyles:false,"
            "translations:{placeholder:'请输入关键词',zero_results:'未找到与“[SEARCH_TERM]”相关的信息',"
            "many_results:'找到 [COUNT] 条与“[SEARCH_TERM]”相关的信息',one_result:'找到 1 条与“[SEARCH_TERM]”相关的信息',"
            "load_more:'加载更多结果',search_label:'站内搜索',clear_search:'清除'}});"
            "var i=document.querySelector('#gs-search-ui input');if(i){i.setAttribute('aria-label','搜索关键词');}"
            "var q=new URLSearchParams(location.search).get('q');if(q){if(i){i.value=q;}ui.triggerSearch(q);}})();"
            "</script></div>")
