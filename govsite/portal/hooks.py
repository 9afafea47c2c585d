"""MkDocs event handlers for the portal (forwarded from ``hooks/portal.py``).

files → the catalogue of articles (gated), plus generated pages (portal home, unit homes,
paginated column lists, search page); nav → only portal, units and columns (set in ``on_config``,
so MkDocs' navigation stays small and the build linear), each page showing its own unit opened up
(:mod:`govsite.portal.navview`); after nav → the build forks into one process per core, each rendering
its own share of the pages (:mod:`govsite.portal.parallel`); env → the theme's compiled templates kept and
article skeletons (:mod:`govsite.portal.theme`, :mod:`govsite.portal.skeleton`); pages → metadata block,
breadcrumbs and the 未审核 banner via the template context, then, from the written HTML, the page's 三校
render digest (:mod:`govsite.portal.digests`) and its links for the dashboard; post-build → feeds,
sitemap, robots.txt, Pagefind, ``render-digests.json`` and the dashboard (its repository audit started
beside MkDocs by the runner, its link check from the links handed over by every process).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from govsite.portal import digests, render, search, skeleton, theme
from govsite.portal import parallel
from govsite.portal.catalog import Catalog, make_article, read_front, rel_url
from govsite.portal.sources import GateResult, head_timestamp, publish_dates, run_gate, unit_problems

log = logging.getLogger("mkdocs.govsite")
CST = dt.timezone(dt.timedelta(hours=8))
PREVIEW_ENV = "GOVSITE_PREVIEW"
NO_SEARCH_ENV = "GOVSITE_NO_SEARCH"
NO_SKELETON_ENV = "GOVSITE_NO_SKELETON"  # 1: every article through the full theme template (comparisons)


@dataclass
class Options:
    """Set by ``govsite build`` before it runs MkDocs in the same process."""

    preview: bool = False
    gate: GateResult | None = None
    pending_gate: parallel.Forked | None = None  # preview: the gate still running beside MkDocs (runner)
    pending_dashboard: parallel.Staged | None = None  # the dashboard's repository audit, started by the runner
    search: bool = True
    dashboard: bool = True
    workers: int = 1  # processes rendering pages (``govsite build``: one per core, :mod:`.workers`)
    skeletons: bool = True  # articles from one skeleton per folder (:mod:`.skeleton`); off: full theme render


_options: Options | None = None


def set_options(options: Options | None) -> None:
    global _options  # noqa: PLW0603 - one build per process at a time
    _options = options


@dataclass
class Generated:
    kind: str            # portal | unit | column | search
    title: str
    unit_id: str = ""
    column_id: str = ""
    page: int = 1


# whitespace runs that hold a line break, except inside elements where whitespace is content
_INDENT = re.compile(r"(<(script|pre|textarea|style)\b.*?</\2\s*>)|[ \t\r\f\v]*\n\s*", re.S | re.I)


def squeeze(html: str) -> str:
    """Template indentation out of ``html``: every whitespace run with a line break becomes one line break.
    Browsers render the two alike (outside ``pre``, ``textarea``, ``script``, ``style``, which are kept)."""
    return _INDENT.sub(lambda m: m.group(1) or "\n", html)


class FragmentCache:
    """Rendered template fragments shared by pages with the same key (see main.html)."""

    def __init__(self) -> None:
        self._data: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._data.get(key)

    def put(self, key: str, value: str) -> str:
        """Store the fragment squeezed (:func:`squeeze`) and return what every page then shows."""
        value = self._data[key] = squeeze(str(value))
        return value


@dataclass
class State:
    root: Path
    preview: bool
    gate: GateResult
    built: dt.datetime
    site: dict[str, Any]
    units: dict[str, Any]
    base_url: str
    dates: dict[str, dt.datetime] = field(default_factory=dict)
    catalog: Catalog = field(default_factory=Catalog)
    notices: list[render.Notice] = field(default_factory=list)
    generated: dict[str, Generated] = field(default_factory=dict)
    search: bool = True
    closed: set[str] = field(default_factory=set)
    cache: FragmentCache = field(default_factory=FragmentCache)
    nav_pages: set[str] = field(default_factory=set)
    shards: list[str] = field(default_factory=list)
    indexer: search.Indexer | None = None
    dashboard: bool = True
    pages: dict[str, str] = field(default_factory=dict)  # content page (repository path) → output file
    digests: dict[str, str] = field(default_factory=dict)  # content page → render digest (三校)
    workers: int = 1
    owner: dict[str, int] = field(default_factory=dict)  # src_uri → process that builds it (absent: the first)
    shard_owner: dict[str, int] = field(default_factory=dict)
    team: parallel.Team = field(default_factory=parallel.Team)
    assets: dict[str, str] = field(default_factory=dict)  # site path of a copied file → its source (digests)
    pending_gate: parallel.Forked | None = None  # preview only: what 未审核 marks, resolved in on_nav
    pending_dashboard: parallel.Staged | None = None
    scans: dict[str, Any] = field(default_factory=dict)  # site path → its links (govsite.audit.sitelinks.scan_page)
    use_skeletons: bool = True
    skeletons: Any = None  # skeleton.Skeletons, once MkDocs has the theme's environment (on_env)
    nav_views: Any = None  # navview.NavViews, once MkDocs has the navigation (on_nav)


_state: State | None = None


def state() -> State:
    if _state is None:
        raise RuntimeError("govsite hooks: on_config has not run")
    return _state


def _gate_message(gate: GateResult, limit: int = 50) -> str:
    lines = [f"  - {p}（{tier}）：{reason}" for p, tier, reason in gate.failures[:limit]]
    more = f"\n  ……另有 {len(gate.failures) - limit} 项" if len(gate.failures) > limit else ""
    return ("发布核验未通过，拒绝发布。以下稿件未完成审核（三审三校）或签名无效：\n" + "\n".join(lines) + more
            + "\n请完成审核后再发布；如仅需预览，请使用 govsite build --preview。")


def source_date_epoch(root: Path) -> int:
    """Build time for reproducible output: HEAD's commit time, else the env, else 0."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env and env.isdigit():
        return int(env)
    ts = head_timestamp(root)
    return ts if ts is not None else 0


def _open_units(units: dict[str, Any], today: dt.date) -> tuple[dict[str, Any], set[str]]:
    """Units whose pages are open on ``today``; a unit past its approved close date (Art. 10) is closed."""
    open_units: dict[str, Any] = {}
    closed: set[str] = set()
    for uid, u in units.items():
        cl = u.closing
        if cl is not None and cl.close_on is not None and today > cl.close_on:
            closed.add(uid)
            continue
        if cl is not None and cl.announced_on and cl.close_on and _workdays(cl.announced_on, cl.close_on) < 15:
            log.warning("%s：关停公告期只有 %d 个工作日（%s 至 %s），少于《管理办法》第十条要求的 15 个工作日。"
                        "请推迟关停日期 close_on。", u.path, _workdays(cl.announced_on, cl.close_on),
                        cl.announced_on, cl.close_on)
        open_units[uid] = u
    return open_units, closed


def _workdays(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end`` (inclusive) on the Chinese calendar; weekdays if unknown."""
    try:
        from chinese_calendar import get_workdays  # noqa: PLC0415

        return len(get_workdays(start, end))
    except (ImportError, NotImplementedError):
        return sum(1 for i in range((end - start).days + 1) if (start + dt.timedelta(days=i)).weekday() < 5)


def _nav(units: dict[str, Any]) -> list[Any]:
    nav: list[Any] = [{"首页": "index.md"}]
    for label, kinds in render.KIND_GROUPS:
        members = [u for u in units.values() if u.kind in kinds]
        if not members:
            continue
        nav.append({label: [{u.display_name: [{"单位首页": f"{u.id}/index.md"}]
                             + [{c.title: f"{u.id}/{c.id}/index.md"} for c in u.columns.values()]}
                            for u in members]})
    return nav


# ----------------------------------------------------------------------------------- events

def on_config(config: Any) -> Any:
    global _state  # noqa: PLW0603
    from mkdocs.exceptions import PluginError  # noqa: PLC0415

    from govsite.core.county import Project  # noqa: PLC0415

    root = Path(config["docs_dir"]).resolve().parent
    opts = _options or Options(preview=os.environ.get(PREVIEW_ENV) == "1",
                               search=os.environ.get(NO_SEARCH_ENV) != "1")
    gate = opts.gate or (GateResult(ok=False) if opts.pending_gate is not None and opts.preview else run_gate(root))
    project = Project(root)
    blocking = unit_problems(root, project.units)
    if blocking and not opts.preview:
        gate = GateResult(ok=False, verified=gate.verified,
                          failures=[(p, "单位", r) for p, r in blocking] + gate.failures)
    for path, reason in blocking:
        log.warning("%s: %s", path, reason)
    if not opts.preview and not gate.ok:
        raise PluginError(_gate_message(gate))
    epoch = source_date_epoch(root)
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # MkDocs' own dates (sitemap, 404) follow it
    site = project.site
    base_url = str(site.get("base_url") or "https://www.example.gov.cn/")
    if not base_url.endswith("/"):
        base_url += "/"
    config["site_name"] = str(site.get("name") or "政府门户网站")
    config["site_url"] = base_url
    config["site_description"] = str(site.get("description") or "")
    config["copyright"] = str(site.get("copyright") or "")
    built = dt.datetime.fromtimestamp(epoch, CST)
    units, closed = _open_units(project.units, built.date())
    config["nav"] = _nav(units)
    config["extra"]["govsite"] = {"preview": opts.preview, "site": site}
    _state = State(root=root, preview=opts.preview, gate=gate, built=built, closed=closed,
                   site=site, units=units, base_url=base_url, dates=publish_dates(root), search=opts.search,
                   dashboard=opts.dashboard, workers=max(1, opts.workers),
                   pending_gate=opts.pending_gate if opts.preview and opts.gate is None else None,
                   pending_dashboard=opts.pending_dashboard if opts.dashboard else None,
                   use_skeletons=opts.skeletons and os.environ.get(NO_SKELETON_ENV) != "1"
                   and skeleton.theme_has_template(config.theme.dirs))
    # MkDocs' own sitemap.xml(.gz) would be overwritten by ours (on_post_build): do not render it
    config.theme.static_templates.discard("sitemap.xml")
    return config


def on_pre_build(config: Any) -> None:
    theme.install(config.theme)  # a cheaper theme listing for the build that starts now


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File  # noqa: PLC0415

    st = state()
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
        verified = path in st.gate.verified
        if parts[0] in st.closed or (not st.preview and not verified):
            files.remove(f)  # the gate: only verified content is published
            continue
        st.pages[path] = f.dest_uri
        text = None
        if gated:
            text = Path(f.abs_src_path).read_text(encoding="utf-8-sig")
            referenced |= _references(f.src_uri, text)
        if unit is None or parts[1] not in unit.columns:
            continue
        if text is None:
            text = Path(f.abs_src_path).read_text(encoding="utf-8-sig")
        a = make_article(path, f.src_uri, f.url, read_front(text), unit.name, region)
        a.published = st.dates.get(path)
        a.verified = verified
        st.catalog.add(a)
    _gate_attachments(st, files, gated, referenced)
    st.catalog.finish()
    st.notices = _notices(st)
    counts: dict[tuple[str, str], int] = {}
    for a in st.catalog.articles:
        counts[(a.unit_id, a.column_id)] = counts.get((a.unit_id, a.column_id), 0) + 1
    folders = [(f"{u}/{c}", n) for (u, c), n in sorted(counts.items())]  # MkDocs writes pages in this order
    plan = search.plan_shards(folders)
    st.shards = [s.name for s in plan]
    if st.search:
        st.indexer = search.Indexer(Path(config["site_dir"]), search.plan_shards(folders))
    folder_owner = _share_out(st, plan)
    for a in st.catalog.articles:
        st.owner[a.src_uri] = folder_owner.get(f"{a.unit_id}/{a.column_id}", 0)

    def add(src: str, gen: Generated) -> None:
        old = files.get_file_from_path(src)
        if old is not None:
            log.warning("govsite: %s 与自动生成的页面重名，已被生成页面替换。请改名。", src)
            files.remove(old)
            st.pages.pop("content/" + src, None)
        hide = "[navigation, toc]" if gen.kind in ("portal", "search") else "[toc]"
        files.append(File.generated(config, src, content=f"---\ntitle: {json.dumps(gen.title, ensure_ascii=False)}\n"
                                                          f"hide: {hide}\n---\n"))
        st.generated[src] = gen

    add("index.md", Generated("portal", "首页"))
    add("search.md", Generated("search", "站内搜索"))
    for u in st.units.values():
        add(f"{u.id}/index.md", Generated("unit", u.display_name, u.id))
        # a unit's home and its columns' list pages are built beside the column's articles (they are shared
        # out with them in _share_out); a column without articles stays with the first process
        homes = [folder_owner[f] for f in (f"{u.id}/{c}" for c in u.columns) if f in folder_owner]
        st.owner[f"{u.id}/index.md"] = homes[0] if homes else 0
        for c in u.columns.values():
            n = st.catalog.page_count(len(st.catalog.column(u.id, c.id)))
            for p in range(1, n + 1):
                src = f"{u.id}/{c.id}/index.md" if p == 1 else f"{u.id}/{c.id}/page/{p}.md"
                add(src, Generated("column", c.title if p == 1 else f"{c.title}（第 {p} 页）", u.id, c.id, p))
                st.owner[src] = folder_owner.get(f"{u.id}/{c.id}", 0)
    return files


NAV_PAGE_COST = 2
FIRST_PROCESS_EXTRA = 20


def _share_out(st: State, plan: list[search.Shard]) -> dict[str, int]:
    """Give every ``unit/column`` folder to one render process, balancing the pages: whole search shards when
    the build indexes (each process indexes its own shards), single folders otherwise. A folder's list pages
    and its unit's home go with it; the first process also builds the portal home, the search page, the
    lists of empty columns and the post-build steps. Returns folder → process; the output does not depend
    on it."""
    if st.workers <= 1:
        return {}
    # measured in article-equivalents: a navigation page renders Material's navigation marked for itself
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


_LINK_TARGET = re.compile(
    r"""\]\(\s*<([^>\n]+)>"""                         # [text](<target with spaces>)
    r"""|\]\(\s*([^)\s]+)"""                          # [text](target "title") and ![alt](target)
    r"""|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^>\s]+)"""      # [ref]: target
    r"""|\b(?:src|href)\s*=\s*["']([^"']+)["']""",       # raw HTML
    re.M)


def _references(src_uri: str, text: str) -> set[str]:
    """Paths (relative to content/) that the Markdown page ``src_uri`` links to or shows."""
    base = posixpath.dirname(src_uri)
    out: set[str] = set()
    for m in _LINK_TARGET.finditer(text):
        target = next(g for g in m.groups() if g)
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        path = unquote(parts.path)
        out.add(path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(base, path)))
    return out


def _gate_attachments(st: State, files: Any, attachments: list[Any], referenced: set[str]) -> None:
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


def _notices(st: State) -> list[render.Notice]:
    today = st.built.date()
    out: list[render.Notice] = []
    for u in st.units.values():
        cl = u.closing
        if cl is not None and (cl.close_on is None or today <= cl.close_on):
            out.append(render.Notice("closing", u.id, u.name, cl.approval, cl.close_on, cl.announced_on,
                                     _url(st, cl.announcement), cl.reason))
    for u in st.units.values():
        op = u.opened
        if op is not None:
            out.append(render.Notice("opening", u.id, u.name, op.approval, op.date, op.approved_on,
                                     _url(st, op.announcement)))
    far = dt.date(9999, 1, 1)
    out.sort(key=lambda n: (n.kind != "closing", -(n.announced or n.day or far).toordinal(), n.unit_id))
    return out


def _url(st: State, src: str) -> str:
    a = st.catalog.by_src.get(src)
    return a.url if a else ""


def _settle_gate(st: State) -> None:
    """A preview's gate, still running beside MkDocs: its verdict decides only the 未审核 marks, so it is
    awaited as late as possible, before any page is rendered."""
    if st.pending_gate is None:
        return
    try:
        st.gate = st.pending_gate.join()
    except parallel.WorkerFailed as exc:
        from mkdocs.exceptions import PluginError  # noqa: PLC0415

        raise PluginError(str(exc)) from exc
    st.pending_gate = None
    for a in st.catalog.articles:
        a.verified = a.path in st.gate.verified


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    from govsite.portal.navview import NavViews  # noqa: PLC0415

    st = state()
    _settle_gate(st)
    st.nav_views = NavViews(nav)
    st.nav_pages = {p.file.src_uri for p in nav.pages}
    st.assets = {f.dest_uri: f.abs_src_path for f in files if not f.is_documentation_page() and f.abs_src_path}
    if st.workers > 1:
        _fork(st, config, files)
    return nav


def _fork(st: State, config: Any, files: Any) -> None:
    """Split the rest of the build (convert, render, write, index) over ``st.workers`` processes.

    Each process marks what another one builds as excluded: MkDocs then neither converts, renders nor
    writes it there, while links to it resolve as before. Static files and theme templates (404.html) are
    written by the first process only.
    """
    from mkdocs.structure.files import InclusionLevel  # noqa: PLC0415

    indexer = st.indexer
    st.team = parallel.fork_team(st.workers, on_term=indexer.close if indexer is not None else (lambda: None))
    me = st.team.index
    for f in files:
        if f.is_documentation_page():
            if st.owner.get(f.src_uri, 0) != me:
                f.inclusion = InclusionLevel.EXCLUDED
        elif me != 0:
            f.inclusion = InclusionLevel.EXCLUDED
    if me != 0:
        config.theme.static_templates.clear()
    if indexer is not None:
        indexer.keep({name for name, k in st.shard_owner.items() if k == me})


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    st = state()
    if page.file.src_uri in st.generated:
        return ""  # generated pages are HTML; skip Markdown work
    if st.use_skeletons and page.file.src_uri in st.catalog.by_src and "template" not in page.meta:
        page.meta["template"] = skeleton.TEMPLATE  # the filled skeleton when there is one, else main.html
    return markdown


def on_env(env: Any, config: Any, files: Any) -> Any:
    st = state()
    theme.keep_compiled_templates(env)
    if st.use_skeletons:
        st.skeletons = skeleton.Skeletons(env)
    return env



def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    st = state()
    gen = st.generated.get(page.file.src_uri)
    if gen is None:
        _accessibility_warnings(page.file.src_uri, html)
        if "<h1" in html:
            html = _demote_headings(html)
        a = st.catalog.by_src.get(page.file.src_uri)
        if a is not None and st.indexer is not None:
            # MkDocs converts every page before rendering any: index while the rest is still being built
            st.indexer.page_written(f"{a.unit_id}/{a.column_id}", a.url, _index_document(a, html))
        return html
    if gen.kind == "portal":
        return render.portal_home(st.site, st.units, st.catalog, st.notices)
    if gen.kind == "search":
        return render.search_page(st.shards)
    unit = st.units[gen.unit_id]
    if gen.kind == "unit":
        return render.unit_home(st.site, unit, st.catalog, st.notices)
    return render.column_page(unit, unit.columns[gen.column_id], st.catalog, gen.page)


_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"""\balt\s*=\s*(?:"[^"]*[^"\s][^"]*"|'[^']*[^'\s][^']*')""", re.I)


_HEADING = re.compile(r"<(/?)h([1-5])\b")


def _demote_headings(html: str) -> str:
    """The title is the page's only h1: a body that uses ``#`` headings moves every heading down a level."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)


def _accessibility_warnings(src_uri: str, html: str) -> None:
    """Warn about images without alt text (the ``norm`` check reports them before review, too)."""
    if "<img" in html:
        for tag in _IMG.findall(html):
            if not _ALT.search(tag):
                log.warning("content/%s：图片缺少替代文本（alt），读屏软件无法朗读。请写成 ![图片说明](路径)。", src_uri)


def on_post_page(output: str, page: Any, config: Any) -> str:
    """The 三校 render digest of a content page, and the links of every page for the dashboard's link
    check, from the HTML MkDocs is about to write (no second pass over the written site)."""
    st = state()
    if st.skeletons is not None:
        st.skeletons.keep(page.file.src_uri, output)
    if st.dashboard:
        from govsite.audit.sitelinks import scan_written_page  # noqa: PLC0415

        st.scans[page.file.dest_uri] = scan_written_page(output)
    path = "content/" + page.file.src_uri
    dest = st.pages.get(path)
    if dest is not None:
        d = digests.page_digest(output, digests.source_asset_reader(st.assets, dest), digests.link_rewriter(path, dest))
        if d is not None:
            st.digests[path] = d
    return output


def on_page_context(context: dict, page: Any, config: Any, nav: Any) -> dict:
    st = state()
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
            formed=a.formed.isoformat() if a.formed else "", published=a.published.date().isoformat() if a.published
            else "", doc_number=a.doc_number, category=a.category, source=a.source,
            repost_from=a.repost_from, repost_url=a.repost_url,
            crumbs=[("首页", rel_url(here, "")), (unit.display_name, rel_url(here, f"{unit.id}/")),
                    (col.title, rel_url(here, render.column_url(unit.id, col.id)))],
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
    else:
        info["kind"] = "other"
        info["unverified"] = st.preview
    context["gs"] = info
    if st.nav_views is not None:  # the portal with only this page's unit opened up (navview.py)
        unit_id = _unit_of_page(st, page.file.src_uri, a)
        context["nav"] = st.nav_views.for_unit(unit_id)
        if a is not None and unit_id:  # one navigation for all the unit's articles at this depth
            info["nav_page"] = st.nav_views.stand_in(unit_id, info["depth"])
            info["unit_nav_key"] = f"{unit_id}|{info['depth']}|{info['nav_key'].split('|', 1)[-1]}"
    info["html"] = None
    if a is not None and st.skeletons is not None:
        shape = (info["nav_key"], info["dir_key"], info["depth"], bool(page.toc))
        info["html"] = st.skeletons.page_html(context, page, shape)
    return context


def _unit_of_page(st: State, src_uri: str, article: Any) -> str:
    """The unit whose navigation a page opens up ('' for the portal home, search and other site pages)."""
    if article is not None:
        return article.unit_id
    gen = st.generated.get(src_uri)
    if gen is not None:
        return gen.unit_id
    first = src_uri.split("/", 1)[0]
    return first if "/" in src_uri and first in st.units else ""


def on_post_build(config: Any) -> None:
    from govsite.portal import feeds  # noqa: PLC0415

    st = state()
    if st.team.is_worker:
        _worker_post_build(st)  # does not return
    site_dir = Path(config["site_dir"])
    try:
        for digests_part, scans_part in st.team.gather_pages():  # every page is written from here on
            st.digests.update(digests_part)
            st.scans.update(scans_part)
    except parallel.WorkerFailed as exc:
        from mkdocs.exceptions import PluginError  # noqa: PLC0415

        raise PluginError(str(exc)) from exc
    name = str(st.site.get("name") or "")
    built = st.built
    feeds.write(site_dir / "rss.xml", feeds.rss(f"{name}门户网站", st.base_url, str(st.site.get("description") or name),
                                                st.catalog.articles, st.base_url, built))
    for u in st.units.values():
        feeds.write(site_dir / u.id / "rss.xml", feeds.rss(f"{u.name} - {name}", st.base_url + u.id + "/",
                                                           f"{u.name}发布的政府信息", st.catalog.by_unit.get(u.id, []),
                                                           st.base_url, built))
    entries: list[tuple[str, dt.date | None]] = [("", built.date())]
    for src, gen in sorted(st.generated.items()):
        if gen.kind in ("unit", "column"):
            url = f"{gen.unit_id}/" if gen.kind == "unit" else render.column_url(gen.unit_id, gen.column_id, gen.page)
            entries.append((url, None))
    entries += [(a.url, a.published.date() if a.published else a.formed) for a in
                sorted(st.catalog.articles, key=lambda a: a.url)]
    data = feeds.sitemap(entries, st.base_url)
    feeds.write(site_dir / "sitemap.xml", data)
    feeds.write(site_dir / "sitemap.xml.gz", feeds.gzip_bytes(data, int(built.timestamp())))
    feeds.write(site_dir / "robots.txt", feeds.robots(st.base_url))
    digests.write_manifest(site_dir, st.digests)
    dashboard = None
    if st.dashboard:  # it checks the links of the site as written so far: after pages, feeds and sitemap
        if st.pending_dashboard is not None:
            dashboard, st.pending_dashboard = st.pending_dashboard, None
            dashboard.go(site_dir, st.scans)
        elif st.workers > 1:
            dashboard = parallel.run_forked(DASHBOARD_TASK, _dashboard, st.root, site_dir, st.scans)
        else:
            _dashboard(st.root, site_dir, st.scans)
    import time  # noqa: PLC0415

    start = time.monotonic()
    try:
        if st.indexer is not None:
            st.indexer.finish()
        st.team.join()
        if dashboard is not None:
            dashboard.join()
    except parallel.WorkerFailed as exc:
        from mkdocs.exceptions import PluginError  # noqa: PLC0415

        raise PluginError(str(exc)) from exc
    if st.indexer is not None:
        st.indexer.cleanup()
        log.info("govsite: 页面已写完，等待站内搜索索引 %.1f 秒（%d 个分片）", time.monotonic() - start, len(st.shards))


def _worker_post_build(st: State) -> None:
    """A render worker's end: report its digests, index its search shards, say so, leave."""
    try:
        st.team.send("pages", (st.digests, st.scans))
        if st.indexer is not None:
            st.indexer.finish(parallel=1)
        st.team.send("done")
    except BaseException as exc:  # noqa: BLE001 - reported to the first process
        st.team.fail(exc)
    st.team.exit(0)


def on_build_error(error: Exception) -> None:
    """A worker reports the error and leaves; the first process stops the workers and the search index."""
    st = _state
    if st is not None and st.team.is_worker:
        if st.indexer is not None:
            st.indexer.close()
        st.team.fail(error)
    abandon()


def abandon() -> None:
    """The build stops (error or interrupt): stop the render workers and Pagefind, remove the scratch folder."""
    st = _state
    if st is None or st.team.is_worker:
        return
    st.team.abort()
    if st.pending_dashboard is not None:
        st.pending_dashboard.abort()
    if st.indexer is not None:
        st.indexer.cleanup()


def _index_document(a: Any, body: str) -> str:
    """What the search index holds for an article: title, body text and publish date."""
    from html import escape  # noqa: PLC0415

    title = escape(a.title)
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<main data-pagefind-body><h1>{title}</h1>{body}'
            f'<p data-pagefind-meta="发布日期" hidden>{escape(a.display_date)}</p></main></body></html>')


DASHBOARD_TASK = "读网看板（internal/dashboard/）生成"


def _dashboard(root: Path, site_dir: Path, scans: dict[str, Any] | None = None) -> None:
    from govsite.audit.dashboard import write_dashboard  # noqa: PLC0415

    write_dashboard(root, site_dir, scans)


def prepare_dashboard(root: Path) -> Any:
    """First stage of the dashboard (run beside MkDocs by ``govsite build``): the repository audit."""
    from govsite.audit.dashboard import prepare_dashboard as prepare  # noqa: PLC0415

    try:
        os.nice(5)  # it has until the last page is written: MkDocs and the gate go first
    except OSError:
        pass
    return prepare(root)


def finish_dashboard(prepared: Any, site_dir: Path, scans: dict[str, Any]) -> None:
    """Second stage, once the site is written: links, scores, the page."""
    from govsite.audit.dashboard import finish_dashboard as finish  # noqa: PLC0415

    finish(prepared, site_dir, scans)
