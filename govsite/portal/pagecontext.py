"""What each page shows beyond its Markdown: generated bodies, the metadata block, breadcrumbs, navigation."""

from __future__ import annotations

import logging
import posixpath
import re
from html import escape
from typing import Any

from govsite.portal import govmeta, render
from govsite.portal.catalog import Article, rel_url
from govsite.portal.sanitize import safe_url
from govsite.portal.state import BuildState

log = logging.getLogger("mkdocs.govsite")
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"""\balt\s*=\s*(?:"[^"]*[^"\s][^"]*"|'[^']*[^'\s][^']*')""", re.I)
_HEADING = re.compile(r"<(/?)h([1-5])\b")


def generated_body(st: BuildState, src_uri: str) -> str | None:
    """The HTML body of a generated page, or None for a content page: rendered from the theme's page
    templates (``pages/*.html``), so only once MkDocs has handed over its environment (``on_env``)."""
    gen = st.generated.get(src_uri)
    if gen is None:
        return None
    t = st.templates
    if t is None:
        raise RuntimeError("govsite portal: generated pages are rendered after on_env")
    if gen.kind == "portal":
        return render.portal_home(t, st.site, st.units, st.catalog, st.notices)
    if gen.kind == "search":
        return render.search_page(t, st.shards)
    if gen.kind == "sitemap":
        return render.site_map(t, st.site, st.units)
    if gen.kind == "disclosure":
        return render.disclosure(t, st.site, st.units, st.catalog, st.categories,
                                 st.units[gen.unit_id] if gen.unit_id else None)
    unit = st.units[gen.unit_id]
    if gen.kind == "unit":
        return render.unit_home(t, st.site, unit, st.catalog, st.notices)
    return render.column_page(t, unit, unit.columns[gen.column_id], st.catalog, gen.page)


def demote_headings(html: str) -> str:
    """The title is the page's only h1: a body that uses ``#`` headings moves every heading down a level."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)


def accessibility_warnings(src_uri: str, html: str) -> None:
    """Warn about images without alt text (the ``norm`` check reports them before review, too)."""
    if "<img" in html:
        for tag in _IMG.findall(html):
            if not _ALT.search(tag):
                log.warning("content/%s：图片缺少替代文本（alt），读屏软件无法朗读。请写成 ![图片说明](路径)。", src_uri)


def index_document(a: Article, body: str) -> str:
    """What the search index holds for an article: title, body text and publish date."""
    title = escape(a.title)
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<main data-pagefind-body><h1>{title}</h1>{body}'
            f'<p data-pagefind-meta="发布日期" hidden>{escape(a.display_date)}</p></main></body></html>')


def page_info(st: BuildState, context: dict[str, Any], page: Any) -> dict[str, Any]:
    """The ``gs`` template variable of one page (and its navigation view put into ``context``)."""
    here = page.url
    info: dict[str, Any] = {"preview": st.preview, "home": rel_url(here, ""), "search": rel_url(here, "search/"),
                            "cache": st.cache, "nav_key": "",
                            "dir_key": f"{posixpath.dirname(here.rstrip('/'))}|{here.count('/')}",
                            "depth": here.count("/")}
    if page.file.src_uri not in st.nav_pages:
        hidden = ",".join(sorted((page.meta or {}).get("hide") or []))
        # relative links are the same for every page in one folder: key by the parent folder
        info["nav_key"] = f"{posixpath.dirname(here.rstrip('/'))}|{hidden}"
    a = st.catalog.by_src.get(page.file.src_uri)
    if a is not None:
        unit = st.units[a.unit_id]
        col = unit.columns[a.column_id]
        info.update(
            kind="article", unverified=not a.verified, index_no=a.index_no, publisher=unit.name,
            formed=a.formed.isoformat() if a.formed else "", published=a.display_date if a.published else "",
            updated=a.updated_date, doc_number=a.doc_number, category=a.category, source=a.source,
            repost_from=a.repost_from, repost_url=safe_url(a.repost_url),
            crumbs=[("首页", rel_url(here, "")), (unit.display_name, rel_url(here, f"{unit.id}/")),
                    (col.title, rel_url(here, render.column_url(unit.id, col.id)))],
            govmeta=govmeta.column_tags(unit, col, st.categories)
            + govmeta.article_tags(a, unit, col, page.content or "", st.base_url),
            **policy_links(here, a),
        )
    elif page.file.src_uri in st.generated:
        gen = st.generated[page.file.src_uri]
        info["kind"] = gen.kind
        crumbs = [("首页", rel_url(here, ""))]
        info["current"] = gen.title
        if gen.unit_id and gen.kind != "unit":
            unit = st.units[gen.unit_id]
            crumbs.append((unit.display_name, rel_url(here, f"{unit.id}/")))
        info["crumbs"] = crumbs if gen.kind != "portal" else []
        if gen.kind == "unit":
            info["feed"] = rel_url(here, f"{gen.unit_id}/rss.xml")
            unit = st.units[gen.unit_id]
            info["govmeta"] = govmeta.unit_tags(unit, render.kind_group(unit.kind))
        elif gen.kind == "column":
            unit = st.units[gen.unit_id]
            info["govmeta"] = govmeta.column_tags(unit, unit.columns[gen.column_id], st.categories)
    else:
        info["kind"] = "other"
        info["unverified"] = st.preview
    if st.nav_views is not None:  # the portal with only this page's unit opened up (navview.py)
        unit_id = unit_of_page(st, page.file.src_uri, a)
        context["nav"] = st.nav_views.for_unit(unit_id)
        if a is not None and unit_id:  # one navigation for all the unit's articles at this depth
            info["nav_page"] = st.nav_views.stand_in(unit_id, info["depth"])
            info["unit_nav_key"] = f"{unit_id}|{info['depth']}|{info['nav_key'].split('|', 1)[-1]}"
    info["html"] = None
    return info


def _doc(here: str, a: Article | None, written: str) -> dict[str, str] | None:
    """A document another page names: its title (in 《》) and link when this build publishes it, else the
    path or 文号 as written, without a link."""
    if a is not None:
        return {"title": render.book_title(a.title), "url": rel_url(here, a.url), "number": a.doc_number}
    if written:
        return {"title": written, "url": "", "number": ""}
    return None


def policy_links(here: str, a: Article) -> dict[str, Any]:
    """What the article block shows of a policy document's validity (the banner and the 效力状态 row) and of
    the links between a document and its 解读 (``partials/gs-validity.html``, ``partials/gs-related.html``)."""
    validity = None
    if a.validity:
        validity = {"status": a.validity, "kind": render.VALIDITY_KINDS.get(a.validity, ""),
                    "date": render.chinese_date(a.validity_date) if a.validity_date else "",
                    "by": _doc(here, a.replaced_by, a.validity_by)}
    return {"validity": validity, "interprets": _doc(here, a.interprets_doc, a.interprets),
            "interpretations": [(i.title, rel_url(here, i.url)) for i in a.interpretations]}


def unit_of_page(st: BuildState, src_uri: str, article: Article | None) -> str:
    """The unit whose navigation a page opens up ('' for the portal home, search and other site pages)."""
    if article is not None:
        return article.unit_id
    gen = st.generated.get(src_uri)
    if gen is not None:
        return gen.unit_id
    first = src_uri.split("/", 1)[0]
    return first if "/" in src_uri and first in st.units else ""
