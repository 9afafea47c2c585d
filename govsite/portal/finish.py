"""The end of a build (``on_post_build``): feeds, sitemap, robots.txt, render digests, search, and the scorecard
(into the internal output, never the site)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from govsite.core.china import china_date
from govsite.core.outputs import INTERNAL_MARK
from govsite.portal import digests, feeds, parallel, render
from govsite.portal.state import BuildState

log = logging.getLogger("mkdocs.govsite")


def write_site_files(st: BuildState, site_dir: Path) -> None:
    """Feeds (portal and per unit), sitemap.xml(.gz), robots.txt and ``render-digests.json``."""
    name = str(st.site.get("name") or "")
    built = st.built
    feeds.write(site_dir / "rss.xml", feeds.rss(f"{name}门户网站", st.base_url, str(st.site.get("description") or name),
                                                st.catalog.articles, st.base_url, built))
    for u in st.units.values():
        feeds.write(site_dir / u.id / "rss.xml", feeds.rss(f"{u.name} - {name}", st.base_url + u.id + "/",
                                                           f"{u.name}发布的政府信息", st.catalog.by_unit.get(u.id, []),
                                                           st.base_url, built))
    entries: list[tuple[str, dt.date | None]] = [("", built.date())]
    for _src, gen in sorted(st.generated.items()):
        if gen.kind in ("unit", "column"):
            url = f"{gen.unit_id}/" if gen.kind == "unit" else render.column_url(gen.unit_id, gen.column_id, gen.page)
            entries.append((url, None))
    # lastmod: the latest change (更新日期), else the first publication
    entries += [(a.url, china_date(a.updated or a.published) if a.published else a.formed) for a in
                sorted(st.catalog.articles, key=lambda a: a.url)]
    data = feeds.sitemap(entries, st.base_url)
    feeds.write(site_dir / "sitemap.xml", data)
    feeds.write(site_dir / "sitemap.xml.gz", feeds.gzip_bytes(data, int(built.timestamp())))
    feeds.write(site_dir / "robots.txt", feeds.robots(st.base_url))
    digests.write_manifest(site_dir, st.digests)


# the internal output's own files: what the folder is, and a robots.txt that keeps it out of any index
INTERNAL_NOTE = ("这是 govsite 构建生成的内部输出目录（读网看板等内部页面），其中有工作人员姓名和各单位的扣分情况。\n"
                 "不得发布到门户网站，也不要复制到网站目录中：只可在内网、或登录后访问（例如网页服务器只在内网地址上提供本目录）。\n"
                 "门户网站只发布网站输出目录（默认 site/）。\n")
INTERNAL_ROBOTS = b"User-agent: *\nDisallow: /\n"


def start_dashboard(st: BuildState, site_dir: Path) -> parallel.Forked | None:
    """The scorecard checks the links of the site as written so far: after pages, feeds and sitemap. It is
    written into the internal output (``st.internal_dir``), never into ``site_dir``."""
    board, internal = st.dashboard, st.internal_dir
    if board is None or internal is None:
        return None
    write_internal_files(internal)
    if st.pending_dashboard is not None:
        staged, st.pending_dashboard = st.pending_dashboard, None
        staged.go(site_dir, internal, st.scans, st.base_url)
        return staged
    if st.workers > 1:
        return parallel.run_forked(board.task, _write_dashboard, board, st.root, site_dir, internal, st.scans,
                                   st.base_url)
    _write_dashboard(board, st.root, site_dir, internal, st.scans, st.base_url)
    return None


def write_internal_files(internal: Path) -> None:
    """The internal output's mark (:data:`govsite.core.outputs.INTERNAL_MARK`, saying it must not be
    published) and a robots.txt that forbids everything, in case it is ever reachable from outside."""
    internal.mkdir(parents=True, exist_ok=True)
    (internal / INTERNAL_MARK).write_text(INTERNAL_NOTE, encoding="utf-8")
    (internal / "robots.txt").write_bytes(INTERNAL_ROBOTS)


def _write_dashboard(board: object, root: Path, site_dir: Path, internal: Path, scans: dict, base: str) -> None:
    board.finish(board.prepare(root), site_dir, internal, scans, base)  # type: ignore[attr-defined]


def wait_for_the_rest(st: BuildState, dashboard: parallel.Forked | None) -> None:
    """Search shards still indexing, render workers still finishing, the scorecard: wait for all of them."""
    start = time.monotonic()
    if st.indexer is not None:
        st.indexer.finish()
    st.team.join()
    if dashboard is not None:
        dashboard.join()
    if st.indexer is not None:
        st.indexer.cleanup()
        log.info("govsite: 页面已写完，等待站内搜索索引 %.1f 秒（%d 个分片）", time.monotonic() - start, len(st.shards))


def worker_post_build(st: BuildState) -> None:
    """A render worker's end: report its digests, index its search shards, say so, leave."""
    try:
        st.team.send("pages", (st.digests, st.scans))
        if st.indexer is not None:
            st.indexer.finish(parallel=1)
        st.team.send("done")
    except BaseException as exc:  # noqa: BLE001 - reported to the first process
        st.team.fail(exc)
    st.team.exit(0)
