"""The portal as a MkDocs plugin (门户插件): MkDocs' build events, each a step of the county portal.

config → site identity from site_config/site.yml, the gate's verdict, open units, navigation of portal, units
and columns; files → the gated catalogue of articles and the generated pages (:mod:`.files`); nav → each
page's own unit opened up (:mod:`.navview`), then the build forks into one process per core, each rendering
its share (:mod:`.parallel`); env → compiled templates kept and article skeletons (:mod:`.theme`,
:mod:`.skeleton`); pages → metadata block, breadcrumbs and the 未审核 banner through the template context
(:mod:`.pagecontext`), then, from the written HTML, the 三校 render digest (:mod:`.digests`) and the links
for the scorecard; post-build → feeds, sitemap, robots.txt, Pagefind and the scorecard (:mod:`.finish`), the
last into the internal output (``internal_dir``), a folder of its own that never lies inside the site.

Everything a build knows is on the plugin object (:class:`~govsite.portal.state.BuildState`); settings are the
plugin's typed config; what comes from outside the portal (the publish gate, the scorecard) is given as
:class:`~govsite.portal.state.Services`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from html import escape
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin

from govsite.core.china import CHINA as CST
from govsite.portal import (digests, files, finish, govmeta, openings, pagecontext, parallel, render, sanitize,
                            skeleton, theme)
from govsite.portal.embeds import Embeds
from govsite.portal.state import BuildState, HandOver, Services
from govsite.portal.verdict import Verdict, no_gate

log = logging.getLogger("mkdocs.govsite")


class PortalConfig(base.Config):
    """``plugins: - govsite-portal: {preview: …}`` in mkdocs.yml; ``govsite build`` sets them from its options."""

    preview = c.Type(bool, default=False)     # every page, unapproved ones with a 未审核 banner
    search = c.Type(bool, default=True)       # the Pagefind index
    dashboard = c.Type(bool, default=True)    # the office's scorecard (staff names), into internal_dir only
    internal_dir = c.Type(str, default="site-internal")  # the internal output: relative to the repository,
    #                                           never inside site_dir (govsite build: --internal-output)
    workers = c.Type(int, default=1)          # processes that render pages (speed only: same output)
    skeletons = c.Type(bool, default=True)    # articles filled into one skeleton per folder (speed only)


class PortalPlugin(BasePlugin[PortalConfig]):
    """The county portal. ``services`` and ``handover`` are set by whoever runs the build before it starts."""

    def __init__(self) -> None:
        super().__init__()
        self.services = Services()
        self.handover = HandOver()
        self.state: BuildState | None = None

    @property
    def st(self) -> BuildState:
        if self.state is None:
            raise RuntimeError("govsite portal: on_config has not run")
        return self.state

    def _verdict(self, root: Path) -> Verdict:
        hand = self.handover
        if hand.verdict is not None:
            return hand.verdict
        if hand.pending_verdict is not None and self.config.preview:
            return Verdict(ok=False)  # settled in on_nav, before any page is rendered
        return (self.services.gate or no_gate)(root)

    # ------------------------------------------------------------------------------------------- events
    def on_config(self, config: Any) -> Any:
        from mkdocs.exceptions import PluginError  # noqa: PLC0415

        from govsite.core.county import County  # noqa: PLC0415
        from govsite.git.dates import head_timestamp, publish_dates  # noqa: PLC0415

        root = Path(config["docs_dir"]).resolve().parent
        opts, hand = self.config, self.handover
        verdict = self._verdict(root)
        project = County(root)
        blocking = openings.unit_problems(root, project.units)
        for problem in blocking:
            log.warning("%s: %s", problem.path, problem.reason)
        if not opts.preview and (blocking or verdict.blocks_publication()):
            raise PluginError(_refusal(verdict, blocking))
        epoch = source_date_epoch(root, head_timestamp(root))
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # MkDocs' own dates (sitemap, 404) read this
        site = project.site
        base_url = str(site.get("base_url") or "https://www.example.gov.cn/")
        if not base_url.endswith("/"):
            base_url += "/"
        # what passes through the theme's templates is printed as it is: hand it over escaped
        config["site_name"] = escape(str(site.get("name") or "政府门户网站"))
        config["site_url"] = base_url
        config["site_description"] = escape(str(site.get("description") or ""))
        config["copyright"] = escape(str(site.get("copyright") or ""))
        built = dt.datetime.fromtimestamp(epoch, CST)
        board = self.services.dashboard if opts.dashboard else None
        internal = _internal_dir(root, opts.internal_dir, Path(config["site_dir"])) if board is not None else None
        units, closed = openings.open_units(project.units, built.date())
        config["nav"] = _nav(units)
        # the theme prints site fields escaped; an address is linked only with a safe scheme
        shown = {**site, "interaction_url": sanitize.safe_url(str(site.get("interaction_url") or ""))}
        embeds = Embeds.from_site(site)
        for problem in embeds.problems:
            log.warning("%s", problem)
        if not opts.preview and embeds.missing():
            log.warning("发布的网站缺少国家统一嵌入代码：%s。请在 site_config/site.yml 中配置（国办发〔2017〕47号《政府网站"
                        "发展指引》：页脚须有党政机关网站标识、网站标识码、ICP 备案号和公安机关备案号，并设“我为政府网站找错”"
                        "入口）。", "、".join(embeds.missing()))
        config["extra"]["govsite"] = {"preview": opts.preview, "site": shown,
                                      "embeds": embeds.to_context(opts.preview),
                                      "govmeta": govmeta.site_tags(site, base_url)}  # on every page, 404 too
        dirs = config.theme.dirs
        if config.theme.name != "govsite":
            raise PluginError(f"govsite-portal 只能使用 govsite 自带的门户主题（theme: name: govsite），不能使用“{config.theme.name}”。"
                              "县里的页面调整请放在 site_config/theme/ 下。")
        self.state = BuildState(
            root=root, preview=opts.preview, verdict=verdict, built=built, closed=closed, site=site, units=units,
            base_url=base_url, dates=publish_dates(root), search=opts.search,
            categories={cid: str(c.get("name") or cid) for cid, c in project.categories.items()},
            dashboard=board, internal_dir=internal, workers=max(1, opts.workers),
            pending_verdict=hand.pending_verdict if opts.preview and hand.verdict is None else None,
            pending_dashboard=hand.pending_dashboard if opts.dashboard else None,
            use_skeletons=opts.skeletons and skeleton.theme_has_template(dirs))
        # MkDocs' own sitemap.xml(.gz) would be overwritten by ours (on_post_build): do not render it
        config.theme.static_templates.discard("sitemap.xml")
        return config

    def on_files(self, files_: Any, config: Any) -> Any:
        return files.collect(self.st, files_, config)

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        from govsite.portal.navview import NavViews  # noqa: PLC0415

        st = self.st
        _settle_verdict(st)
        st.nav_views = NavViews(nav)
        st.nav_pages = {p.file.src_uri for p in nav.pages}
        st.assets = {f.dest_uri: f.abs_src_path for f in files if not f.is_documentation_page() and f.abs_src_path}
        if st.workers > 1:
            _fork(st, config, files)
        return nav

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        st = self.st
        if getattr(config["theme"], "custom_dir", None):  # the county's own templates: rendered in a sandbox
            env = theme.sandbox(env)
        theme.keep_compiled_templates(env)
        st.templates = render.PageTemplates(env)  # the generated pages' bodies (on_page_context)
        if st.use_skeletons:
            st.skeletons = skeleton.Skeletons(env)
        return env

    def on_page_read_source(self, page: Any, config: Any) -> str | None:
        """The page as the content model read it (on_files): MkDocs gets the body behind an empty front
        matter, so it neither reads the file again nor parses the YAML its own way (on_page_markdown sets
        the content model's fields as the page's meta)."""
        parsed = self.st.sources.get(page.file.src_uri)
        return None if parsed is None else "---\n{}\n---\n" + parsed[1]

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        st = self.st
        if page.file.src_uri in st.generated:
            return ""  # generated pages are HTML; skip Markdown work
        parsed = st.sources.pop(page.file.src_uri, None)
        if parsed is not None:  # the content model's reading of the page, not MkDocs' own
            page.meta, markdown = dict(parsed[0]), parsed[1]
            if isinstance(page.meta.get("title"), str):  # the theme prints it as it is: hand it over escaped
                page.meta["title"] = escape(page.meta["title"])
        if st.use_skeletons and page.file.src_uri in st.catalog.by_src and "template" not in page.meta:
            page.meta["template"] = skeleton.TEMPLATE  # the filled skeleton when there is one, else main.html
        return markdown

    def on_page_content(self, html: str, page: Any, config: Any, files: Any) -> str:
        st = self.st
        if page.file.src_uri in st.generated:
            return ""  # its body comes from the theme's page templates, once MkDocs has them (on_page_context)
        html = sanitize.clean(html)  # only allow-listed HTML leaves the build (no script, handlers, frames)
        pagecontext.accessibility_warnings(page.file.src_uri, html)
        if "<h1" in html:
            html = pagecontext.demote_headings(html)
        a = st.catalog.by_src.get(page.file.src_uri)
        if a is not None and st.indexer is not None:
            # MkDocs converts every page before rendering any: index while the rest is still being built
            st.indexer.page_written(f"{a.unit_id}/{a.column_id}", a.url, pagecontext.index_document(a, html))
        return html

    def on_page_context(self, context: dict, page: Any, config: Any, nav: Any) -> dict:
        st = self.st
        body = pagecontext.generated_body(st, page.file.src_uri)
        if body is not None:
            page.content = body
        info = pagecontext.page_info(st, context, page)
        context["gs"] = info
        if page.file.src_uri in st.catalog.by_src and st.skeletons is not None:
            shape = (info["nav_key"], info["dir_key"], info["depth"], bool(page.toc))
            info["html"] = st.skeletons.page_html(context, page, shape)
        return context

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        """The 三校 render digest of a content page, and the links of every page for the scorecard's link
        check, from the HTML MkDocs is about to write (no second pass over the written site)."""
        st = self.st
        if st.skeletons is not None:
            st.skeletons.keep(page.file.src_uri, output)
        if st.dashboard is not None:
            st.scans[page.file.dest_uri] = st.dashboard.scan(output)
        path = "content/" + page.file.src_uri
        dest = st.pages.get(path)
        if dest is not None:
            d = digests.page_digest(output, digests.source_asset_reader(st.assets, dest),
                                    digests.link_rewriter(path, dest))
            if d is not None:
                st.digests[path] = d
        return output

    def on_post_build(self, config: Any) -> None:
        from mkdocs.exceptions import PluginError  # noqa: PLC0415

        st = self.st
        if st.team.is_worker:
            finish.worker_post_build(st)  # does not return
        site_dir = Path(config["site_dir"])
        try:
            for digests_part, scans_part in st.team.gather_pages():  # every page is written from here on
                st.digests.update(digests_part)
                st.scans.update(scans_part)
            finish.write_site_files(st, site_dir)
            board = finish.start_dashboard(st, site_dir)
            finish.wait_for_the_rest(st, board)
        except parallel.WorkerFailed as exc:
            raise PluginError(str(exc)) from exc
        finally:
            _remove_held(st)

    def on_build_error(self, error: Exception) -> None:
        """A worker reports the error and leaves; the first process stops the workers and the search index."""
        st = self.state
        if st is not None and st.team.is_worker:
            if st.indexer is not None:
                st.indexer.close()
            st.team.fail(error)
        self.abandon()

    # ------------------------------------------------------------------------------------------- helpers
    def abandon(self) -> None:
        """The build stops (error or interrupt): stop the render workers and Pagefind, remove scratch folders."""
        st = self.state
        if st is None or st.team.is_worker:
            return
        st.team.abort()
        _remove_held(st)
        if st.pending_dashboard is not None:
            st.pending_dashboard.abort()
        if st.indexer is not None:
            st.indexer.cleanup()

    @property
    def is_worker(self) -> bool:
        return self.state is not None and self.state.team.is_worker


def _remove_held(st: BuildState) -> None:
    if st.held_dir is not None:
        import shutil  # noqa: PLC0415

        shutil.rmtree(st.held_dir, ignore_errors=True)
        st.held_dir = None


def _internal_dir(root: Path, setting: str, site_dir: Path) -> Path:
    """The internal output (the scorecard's folder), refused when it is, holds or lies inside the site."""
    from mkdocs.exceptions import PluginError  # noqa: PLC0415

    from govsite.core.errors import GovsiteError  # noqa: PLC0415
    from govsite.core.outputs import internal_folder  # noqa: PLC0415

    if not setting.strip():
        raise PluginError("govsite-portal 的 internal_dir 不能为空：读网看板（含工作人员姓名）须写到网站目录之外的内部输出目录。"
                          "如不需要读网看板，请设 dashboard: false。")
    folder = Path(setting)
    try:
        return internal_folder(root, folder if folder.is_absolute() else root / folder, site_dir)
    except GovsiteError as exc:
        raise PluginError(exc.render()) from exc


def source_date_epoch(root: Path, head: int | None) -> int:
    """Build time for reproducible output: ``SOURCE_DATE_EPOCH`` if set, else HEAD's commit time, else 0."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env and env.isdigit():
        return int(env)
    return head if head is not None else 0


def _refusal(verdict: Verdict, blocking: list) -> str:
    lines = [f"  - {p.path}：{p.reason}" for p in blocking]
    failures = getattr(verdict.report, "failures", None) or []
    units = [f for f in failures if f.path.startswith(("units/", "site_config/"))]
    if units:  # these stop the build; an unapproved page alone would be held back
        failures = units
    elif failures:
        lines.append("  - 没有一篇稿件通过三审三校，网站上也没有可保留的已审核版本：")
    lines += [f"  - {f.path}（{f.tier}）：{f.reason}" for f in failures[:50]]
    if len(failures) > 50:
        lines.append(f"  ……另有 {len(failures) - 50} 项")
    if not lines and verdict.note:
        lines.append(f"  - {verdict.note}")
    return ("发布核验未通过，拒绝发布。以下稿件或单位未完成审核（三审三校）、签名无效或未开通：\n" + "\n".join(lines)
            + "\n请完成审核后再发布；如仅需预览，请使用 govsite build --preview。")


def _nav(units: dict[str, Any]) -> list[Any]:
    nav: list[Any] = [{"首页": "index.md"}]
    for label, kinds in render.KIND_GROUPS:
        members = [u for u in units.values() if u.kind in kinds]
        if not members:
            continue
        nav.append({label: [{escape(u.display_name): [{"单位首页": f"{u.id}/index.md"}]
                             + [{escape(c.title): f"{u.id}/{c.id}/index.md"} for c in u.columns.values()]}
                            for u in members]})
    return nav


def _settle_verdict(st: BuildState) -> None:
    """A preview's gate, still running beside MkDocs: its verdict decides only the 未审核 marks, so it is
    awaited as late as possible, before any page is rendered."""
    if st.pending_verdict is None:
        return
    try:
        st.verdict = st.pending_verdict.join()
    except parallel.WorkerFailed as exc:
        from mkdocs.exceptions import PluginError  # noqa: PLC0415

        raise PluginError(str(exc)) from exc
    st.pending_verdict = None
    for a in st.catalog.articles:
        a.verified = a.path in st.verdict.verified


def _fork(st: BuildState, config: Any, files: Any) -> None:
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
