"""``govsite build``: the verdict, MkDocs with govsite's own configuration into a scratch folder, atomic swap.

The office's scorecard (读网看板, with staff names) is an internal page: it goes to the internal output, a folder
of its own beside the site (default ``<output>-internal``, e.g. ``site-internal/``), built into a scratch folder
and swapped in the same way; nothing internal is ever written into the site.

The configuration is the one shipped with govsite (``govsite/portal/mkdocs.yml``), never the repository's:
the repository is the content being published, and nothing in it may configure or run code in the build.
The county's own template overrides (``site_config/theme``) are content: they are laid over govsite's theme.
"""

from __future__ import annotations

import dataclasses

import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govsite.core.errors import GovsiteError
from govsite.core.outputs import internal_beside, internal_folder, site_folder
from govsite.core.tree import scan_content
from govsite.portal import parallel
from govsite.portal.output import replace_dir, temp_dir_beside
from govsite.portal.state import BuildState, HandOver, Services
from govsite.portal.verdict import GateRefused, Verdict, no_gate

CONFIG_FILE = Path(__file__).resolve().parent / "mkdocs.yml"
PLUGIN = "govsite-portal"
COUNTY_THEME = Path("site_config") / "theme"


@dataclass
class BuildResult:
    output: Path
    articles: int
    pages: int
    unverified: int
    seconds: float
    preview: bool
    state: BuildState | None = None
    held: dict[str, list[str]] = field(default_factory=dict)  # published build: pages held back, and why
    verdict: Verdict | None = None  # published build: the gate's verdict (what it kept at earlier versions)
    internal: Path | None = None  # the internal output (the scorecard), if this build wrote one
    old_internal: bool = False  # the replaced site still held internal/ (the scorecard of an older govsite)


def build_site(root: Path, output: Path | None = None, preview: bool = False, search: bool = True,
               verbose: bool = False, gate: Verdict | None = None, dashboard: bool = True,
               workers: int | None = None, skeletons: bool = True,
               services: Services | None = None, internal: Path | None = None) -> BuildResult:
    """Build ``root`` into ``output`` (default ``root/site``). ``gate`` is a verdict already made; otherwise
    ``services.gate`` makes one (a preview runs it beside MkDocs).

    With ``services.dashboard`` (and ``dashboard``), the scorecard goes to ``internal`` (default beside the
    output: :func:`~govsite.core.outputs.internal_beside`), never into ``output``; both are replaced
    atomically, and only once MkDocs has finished.

    Every build also writes ``render-digests.json`` (三校 render digests, :mod:`govsite.portal.digests`).
    ``workers``: processes that render pages (default: one per core, :func:`parallel.default_workers`);
    ``skeletons``: articles from one skeleton per folder (:mod:`govsite.portal.skeleton`). The output depends
    on neither.
    """
    root = root.resolve()
    if not (root / "content").is_dir():
        raise GovsiteError("仓库中没有 content/ 目录，无法构建网站。", str(root))
    _refuse_broken_county(root)
    refused = scan_content(root).problems
    if refused:  # before MkDocs walks content/: it would follow links and block on pipes
        lines = "\n".join(f"  {f.path}：{f.message}" for f in refused[:50])
        raise GovsiteError(f"content/ 中有 {len(refused)} 个不能发布的条目，未开始构建，已发布的网站未被改动：\n{lines}")
    output = site_folder(root, output or root / "site")
    services = services or Services()
    workers = workers or parallel.default_workers()
    staged = None
    board = services.dashboard if dashboard else None
    internal = internal_folder(root, internal or internal_beside(output), output) if board is not None else None
    if board is not None and workers > 1:
        # the scorecard's repository audit needs no page: run it beside the gate and MkDocs' start
        staged = parallel.run_staged(board.task, _nice(board.prepare), board.finish, root)
    try:
        return _build(root, output, internal, preview, search, verbose, gate, workers, staged, skeletons, services)
    finally:
        if staged is not None and not staged.joined:  # the build stopped before the site was written
            staged.abort()


def _refuse_broken_county(root: Path) -> None:
    """A unit file or site configuration that cannot be read would silently drop that unit from the portal."""
    from govsite.core.county import County  # noqa: PLC0415

    broken = [p for p in County(root).all_problems() if p.severity == "error"]
    if broken:
        lines = "\n".join(f"  {p.path}:{p.line}: {p.message}" for p in broken[:30])
        raise GovsiteError(f"单位文件或站点配置有 {len(broken)} 处错误，构建会漏掉相应单位的网页，未开始构建，"
                           f"已发布的网站未被改动：\n{lines}\n请先改正（govsite check 可逐条查看）。")


def _nice(prepare: Any) -> Any:
    def run(root: Path) -> Any:
        try:
            os.nice(5)  # it has until the last page is written: MkDocs and the gate go first
        except OSError:
            pass
        return prepare(root)

    return run


def _build(root: Path, output: Path, internal: Path | None, preview: bool, search: bool, verbose: bool,
           gate: Verdict | None, workers: int, staged: Any, skeletons: bool, services: Services) -> BuildResult:
    from mkdocs.commands.build import build  # noqa: PLC0415 - heavy, loaded on use
    from mkdocs.exceptions import MkDocsException  # noqa: PLC0415

    from govsite.core.county import County  # noqa: PLC0415
    from govsite.portal.openings import unit_problems  # noqa: PLC0415

    pending = None
    judge = services.gate or no_gate
    if gate is None and preview and workers > 1:
        # a preview needs the verdict only for its 未审核 marks: verify beside MkDocs reading the site
        pending = parallel.run_forked("发布核验（govsite verify）", judge, root)
    elif gate is None:
        gate = judge(root)
    held: dict[str, list[str]] = {}
    if not preview:
        blocking = unit_problems(root, County(root).units)
        assert gate is not None
        # one unapproved page does not take the portal offline: it stays out, or at its last approved version
        if blocking or gate.blocks_publication():
            raise GateRefused(gate, blocking)
        if services.findings is not None:
            # signed is not enough: a page whose errors no exemption covers stays off the portal (Art. 16)
            pages = sorted(p for p in gate.verified if p.startswith("content/") and p.endswith(".md"))
            held = services.findings(root, pages, gate.versions)
            if held:
                gate = dataclasses.replace(gate, verified=gate.verified - set(held))
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    _logging(verbose)
    start = time.monotonic()
    tmp = temp_dir_beside(output)
    tmp_internal = temp_dir_beside(internal) if internal is not None else None
    scratch = [tmp] + ([tmp_internal] if tmp_internal is not None else [])
    old_internal = (output / "internal").is_dir()
    plugin = None
    try:
        cfg = load_config(root, tmp)
        plugin = cfg.plugins[PLUGIN]
        plugin.config.update(preview=preview, search=search, dashboard=internal is not None,
                             internal_dir=str(tmp_internal or ""), workers=workers, skeletons=skeletons)
        plugin.services = services
        plugin.handover = HandOver(verdict=gate, pending_verdict=pending, pending_dashboard=staged)
        build(cfg)
        st = plugin.st
        replace_dir(tmp, output)
        if tmp_internal is not None and internal is not None:
            replace_dir(tmp_internal, internal)
    except MkDocsException as exc:
        _leave_if_worker(plugin)
        _remove(scratch)
        # MkDocs turns a plugin's error into "Aborted with a BuildError!": report the plugin's own (Chinese) message
        inner = exc.__cause__ or exc.__context__
        reason = inner if isinstance(inner, MkDocsException) else exc
        raise GovsiteError(f"MkDocs 构建失败：{reason}。已发布的网站未被改动。") from exc
    except Exception as exc:
        from jinja2.exceptions import SecurityError, TemplateError  # noqa: PLC0415

        _leave_if_worker(plugin)
        if plugin is not None:
            plugin.abandon()
        _remove(scratch)
        county = root / COUNTY_THEME
        if isinstance(exc, SecurityError) or (isinstance(exc, TemplateError) and county.is_dir()):
            what = ("试图访问页面数据以外的内容（模板只能使用页面数据，不能触及程序内部）" if isinstance(exc, SecurityError)
                    else "有错误")
            raise GovsiteError(f"本县的页面模板（{COUNTY_THEME}/）{what}：{str(exc).rstrip('.')}。请改正模板后重新构建；"
                               "已发布的网站未被改动。") from exc
        raise
    except BaseException:
        _leave_if_worker(plugin)
        if plugin is not None:
            plugin.abandon()  # e.g. Ctrl-C: stop the render workers and Pagefind, remove the scratch index folder
        _remove(scratch)
        raise
    finally:
        if pending is not None and not pending.joined:  # the build stopped before on_nav: reap the gate
            try:
                pending.join()
            except Exception:  # noqa: BLE001, S110 - the build's own error is what the user needs
                pass
    return BuildResult(output=output, articles=len(st.catalog.articles),
                       pages=len(st.catalog.articles) + len(st.generated),
                       unverified=sum(1 for a in st.catalog.articles if not a.verified),
                       seconds=time.monotonic() - start, preview=preview, state=st, held=held,
                       verdict=None if preview else gate, internal=internal,
                       old_internal=old_internal and not (output / "internal").exists())


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def load_config(root: Path, site_dir: Path) -> Any:
    """govsite's MkDocs configuration for the county at ``root``, writing to ``site_dir``."""
    import yaml  # noqa: PLC0415
    from mkdocs.config import load_config as mkdocs_load_config  # noqa: PLC0415

    theme = dict(yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))["theme"])
    county = root / COUNTY_THEME
    if county.is_dir():
        theme["custom_dir"] = str(county)
    return mkdocs_load_config(config_file=str(CONFIG_FILE), docs_dir=str(root / "content"), site_dir=str(site_dir),
                              theme=theme)


def _leave_if_worker(plugin: Any) -> None:
    """A render worker (a forked copy of this process) never returns into the caller: it leaves here."""
    if plugin is not None and plugin.is_worker:
        os._exit(1)


def _logging(verbose: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_govsite", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler._govsite = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
