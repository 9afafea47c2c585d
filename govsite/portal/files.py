"""The build's files (``on_files``): the gated catalogue of articles, their attachments, the generated pages,
and which render process builds which folder."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from govsite.portal import openings, search
from govsite.core.pages import parse_page
from govsite.core.attachments import references
from govsite.portal.catalog import make_article
from govsite.portal.state import BuildState, Generated

log = logging.getLogger("mkdocs.govsite")

NAV_PAGE_COST = 2
FIRST_PROCESS_EXTRA = 20


def collect(st: BuildState, files: Any, config: Any) -> Any:
    """Keep the pages the verdict allows (all of them in a preview), catalogue them, add the generated pages."""
    from mkdocs.structure.files import File  # noqa: PLC0415

    region = str(st.site.get("region_code") or "")
    docs_dir = os.path.normpath(config["docs_dir"])
    attachments = [f for f in files if not f.is_documentation_page() and f.src_dir is not None
                   and os.path.normpath(f.src_dir) == docs_dir]
    referenced: set[str] = set()  # attachments (src_uri) linked from a published page
    gated = [f for f in attachments if not st.preview or f.src_uri.split("/")[0] in st.closed]
    for f in list(files.documentation_pages()):
        parts = f.src_uri.split("/")
        path = "content/" + f.src_uri
        unit = st.units.get(parts[0]) if len(parts) >= 3 else None
        verified = path in st.verdict.verified
        if parts[0] in st.closed or (not st.preview and not verified):
            files.remove(f)  # the gate: only verified content is published
            continue
        page = read_page(path, Path(f.abs_src_path), st.units, st.verdict.versions.get(path))
        if page is None:
            files.remove(f)  # a preview shows what it can; a published build never gets here (the checks held it)
            continue
        st.pages[path] = f.dest_uri
        st.sources[f.src_uri] = (page.front, page.body.lstrip("\n"))  # what MkDocs renders (plugin.on_page_markdown)
        if gated:
            referenced |= references(f.src_uri, page.text)
        if unit is None or parts[1] not in unit.columns:
            continue
        a = make_article(page, f.src_uri, f.url, region)
        dates = st.dates.get(path)
        if dates is not None:
            a.published = dates.published
            # shown at its last approved version: the latest change is not what the page shows, no 更新日期
            a.updated = dates.updated if dates.corrected and path not in st.verdict.versions else None
        a.verified = verified
        st.catalog.add(a)
    gate_attachments(files, gated, referenced)
    if not st.preview:
        show_approved_attachments(st, [f for f in attachments if files.get_file_from_path(f.src_uri) is f], config)
    st.catalog.finish()
    st.notices = openings.notices(st.units, st.catalog, st.built.date())
    counts: dict[tuple[str, str], int] = {}
    for a in st.catalog.articles:
        counts[(a.unit_id, a.column_id)] = counts.get((a.unit_id, a.column_id), 0) + 1
    folders = [(f"{u}/{c}", n) for (u, c), n in sorted(counts.items())]  # MkDocs writes pages in this order
    plan = search.plan_shards(folders)
    st.shards = [s.name for s in plan]
    if st.search:
        st.indexer = search.Indexer(Path(config["site_dir"]), search.plan_shards(folders))
    folder_owner = share_out(st, plan)
    for a in st.catalog.articles:
        st.owner[a.src_uri] = folder_owner.get(f"{a.unit_id}/{a.column_id}", 0)

    def add(src: str, gen: Generated) -> None:
        old = files.get_file_from_path(src)
        if old is not None:
            log.warning("govsite: %s 与自动生成的页面重名，已被生成页面替换。请改名。", src)
            files.remove(old)
            st.pages.pop("content/" + src, None)
        hide = "[navigation, toc]" if gen.kind in ("portal", "search", "sitemap", "disclosure") else "[toc]"
        files.append(File.generated(config, src, content=f"---\ntitle: {json.dumps(gen.title, ensure_ascii=False)}\n"
                                                          f"hide: {hide}\n---\n"))
        st.generated[src] = gen

    add("index.md", Generated("portal", "首页"))
    add("search.md", Generated("search", "站内搜索"))
    add("sitemap.md", Generated("sitemap", "网站地图"))
    add("xxgk.md", Generated("disclosure", "政府信息公开"))
    for u in st.units.values():
        add(f"{u.id}/index.md", Generated("unit", u.display_name, u.id))
        add(f"{u.id}/xxgk.md", Generated("disclosure", f"{u.display_name}政府信息公开", u.id))
        st.owner[f"{u.id}/xxgk.md"] = 0
        # a unit's home and its columns' list pages are built beside the column's articles (they are shared
        # out with them in share_out); a column without articles stays with the first process
        homes = [folder_owner[f] for f in (f"{u.id}/{c}" for c in u.columns) if f in folder_owner]
        st.owner[f"{u.id}/index.md"] = homes[0] if homes else 0
        for c in u.columns.values():
            n = st.catalog.page_count(len(st.catalog.column(u.id, c.id)))
            for p in range(1, n + 1):
                src = f"{u.id}/{c.id}/index.md" if p == 1 else f"{u.id}/{c.id}/page/{p}.md"
                add(src, Generated("column", c.title if p == 1 else f"{c.title}（第 {p} 页）", u.id, c.id, p))
                st.owner[src] = folder_owner.get(f"{u.id}/{c.id}", 0)
    return files


def read_page(path: str, file: Path, units: dict[str, Any], data: bytes | None = None) -> Any:
    """A content page as the content model reads it, or None (with a warning naming it) when it cannot be read
    as UTF-8 text or holds a link MkDocs cannot render: it is left out rather than shown as an empty or garbled
    page, or failing the whole build. ``data``: the version to show instead of the file (the last approved
    one, when the file's latest change is unapproved)."""
    from checks.detectors.links import is_malformed, page_links  # noqa: PLC0415
    from checks.textio import UnreadableFile, decode_text  # noqa: PLC0415

    try:
        text = decode_text(file.read_bytes() if data is None else data).text
    except UnreadableFile as exc:
        log.warning("govsite: %s 无法读取，未放入本次构建：%s", path, exc.message)
        return None
    except OSError as exc:
        log.warning("govsite: %s 无法读取（%s），未放入本次构建。请检查文件是否存在、是否有读取权限。",
                    path, exc.strerror or exc)
        return None
    page = parse_page(path, text, units, lines=False)[0]
    broken = next((link.target for link in page_links(page.text, page.body_start) if is_malformed(link.target)), None)
    if broken is not None:  # MkDocs cannot render it; the checks report it as link.malformed
        log.warning("govsite: %s 中的链接地址“%s”格式不正确，该稿件未放入本次构建。请从浏览器地址栏重新复制完整的网址。",
                    path, broken.strip())
        return None
    return page


def share_out(st: BuildState, plan: list[search.Shard]) -> dict[str, int]:
    """Give every ``unit/column`` folder to one render process, balancing the pages: whole search shards when
    the build indexes (each process indexes its own shards), single folders otherwise. A folder's list pages
    and its unit's home go with it; the first process also builds the portal home, the search page, the
    lists of empty columns and the post-build steps. Returns folder → process; the output does not depend
    on it."""
    if st.workers <= 1:
        return {}
    # measured in article-equivalents: a navigation page renders the theme's navigation marked for itself
    # (about two articles' work), and the first process also copies the static files and renders 404.html
    nav: dict[str, int] = {}  # folder → its first list page, and its unit's home for the unit's first column
    for s in plan:
        for f in s.units:
            uid, cid = f.split("/", 1)
            unit = st.units.get(uid)
            nav[f] = NAV_PAGE_COST * (2 if unit is not None and next(iter(unit.columns), None) == cid else 1)
    groups = [(s.name, s.expected + sum(nav.get(f, 0) for f in s.units), s.units) for s in plan] if st.search \
        else [(f, n + nav.get(f, 0), [f]) for s in plan for f, n in zip(s.units, s.counts)]
    load = [0] * st.workers
    empty = sum(1 for u in st.units.values() for c in u.columns if f"{u.id}/{c}" not in nav)
    load[0] = FIRST_PROCESS_EXTRA + NAV_PAGE_COST * (2 + empty)
    owner: dict[str, int] = {}
    for name, expected, folders in sorted(groups, key=lambda g: (-g[1], g[0])):
        k = min(range(st.workers), key=lambda i: (load[i], i))
        load[k] += expected
        if st.search:
            st.shard_owner[name] = k
        owner.update((f, k) for f in folders)
    return owner


def show_approved_attachments(st: BuildState, attachments: list[Any], config: Any) -> None:
    """Attachments replaced after the page that links them was approved are published as approved: the
    approved bytes (``st.verdict.versions``) go to a scratch file the build copies instead of the file."""
    from govsite.portal.output import scratch_dir  # noqa: PLC0415

    for f in attachments:
        data = st.verdict.versions.get("content/" + f.src_uri)
        if data is None:
            continue
        if st.held_dir is None:
            st.held_dir = scratch_dir(Path(config["site_dir"]), "held")
        copy = st.held_dir / f.src_uri
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(data)
        f.abs_src_path = str(copy)
        log.info("govsite：附件 content/%s 在审核之后被替换，网站上继续发布审核时的版本。", f.src_uri)


def gate_attachments(files: Any, attachments: list[Any], referenced: set[str]) -> None:
    """Attachments (PDF, images, spreadsheets… under content/) follow the pages that link to them: of
    ``attachments`` (all of them in a gated build; in a preview only those of closed units — a preview keeps
    the rest), only those a published page references are published."""
    held: list[str] = []
    for f in attachments:
        if f.src_uri not in referenced:
            files.remove(f)
            held.append(f.src_uri)
    if held:
        log.info("govsite：%d 个附件未被任何已发布的稿件引用，本次不发布（例如 content/%s）。"
                 "附件随引用它的稿件通过审核后发布；如需发布，请在已审核的稿件中链接该附件。", len(held), sorted(held)[0])
