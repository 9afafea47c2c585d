"""``govsite build``: gate, MkDocs build into a temporary directory, atomic swap into place."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govsite.core.errors import GovsiteError
from govsite.portal.output import replace_dir, temp_dir_beside
from govsite.portal.sources import GateResult, run_gate, unit_problems

TOOL_DIR = Path(__file__).resolve().parents[2]


class GateRefused(Exception):
    """The publish gate failed and this is not a preview build."""

    def __init__(self, gate: GateResult) -> None:
        super().__init__("gate refused")
        self.gate = gate


@dataclass
class BuildResult:
    output: Path
    articles: int
    pages: int
    unverified: int
    seconds: float
    preview: bool


def config_file(root: Path) -> Path:
    """The repository's own mkdocs.yml, else the one shipped with govsite."""
    own = root / "mkdocs.yml"
    return own if own.is_file() else TOOL_DIR / "mkdocs.yml"


def build_site(root: Path, output: Path | None = None, preview: bool = False, search: bool = True,
               verbose: bool = False, gate: GateResult | None = None, dashboard: bool = True,
               workers: int | None = None, skeletons: bool = True) -> BuildResult:
    """Build ``root`` into ``output`` (default ``root/site``). ``gate`` overrides running the review gate.

    Every build also writes ``render-digests.json`` (三校 render digests, :mod:`govsite.portal.digests`).
    ``workers``: processes that render pages (default: one per core, :func:`govsite.portal.parallel.default_workers`);
    ``skeletons``: articles from one skeleton per folder (:mod:`govsite.portal.skeleton`). The output depends
    on neither.
    """
    from govsite.portal import hooks  # noqa: PLC0415
    from govsite.portal.parallel import default_workers  # noqa: PLC0415

    root = root.resolve()
    if not (root / "content").is_dir():
        raise GovsiteError("仓库中没有 content/ 目录，无法构建网站。", str(root))
    output = (output or root / "site").resolve()
    workers = workers or default_workers()
    staged = None
    if dashboard and workers > 1:
        # the dashboard's repository audit needs no page: run it beside the gate and MkDocs' start
        from govsite.portal.parallel import run_staged  # noqa: PLC0415

        staged = run_staged(hooks.DASHBOARD_TASK, hooks.prepare_dashboard, hooks.finish_dashboard, root)
    try:
        return _build(root, output, preview, search, verbose, gate, dashboard, workers, staged, skeletons)
    finally:
        if staged is not None and not staged.joined:  # the build stopped before the site was written
            staged.abort()


def _build(root: Path, output: Path, preview: bool, search: bool, verbose: bool, gate: GateResult | None,
           dashboard: bool, workers: int, staged: Any, skeletons: bool) -> BuildResult:
    from mkdocs.commands.build import build  # noqa: PLC0415 - heavy, loaded on use
    from mkdocs.config import load_config  # noqa: PLC0415
    from mkdocs.exceptions import MkDocsException  # noqa: PLC0415

    from govsite.portal import hooks  # noqa: PLC0415

    pending = None
    if gate is None and preview and workers > 1:
        # a preview needs the verdict only for its 未审核 marks: verify beside MkDocs reading the site
        from govsite.portal.parallel import run_forked  # noqa: PLC0415

        pending = run_forked("发布核验（govsite verify）", run_gate, root)
    elif gate is None:
        gate = run_gate(root)
    if not preview:
        from govsite.core.county import Project  # noqa: PLC0415

        units_blocking = [(path, "单位", reason) for path, reason in unit_problems(root, Project(root).units)]
        if units_blocking:
            gate = GateResult(ok=False, verified=gate.verified, failures=units_blocking + gate.failures,
                              available=gate.available)
    if not preview and gate is not None and not gate.ok:
        raise GateRefused(gate)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    os.environ["SOURCE_DATE_EPOCH"] = str(hooks.source_date_epoch(root))
    _logging(verbose)
    start = time.monotonic()
    tmp = temp_dir_beside(output)
    hooks.set_options(hooks.Options(preview=preview, gate=gate, search=search, dashboard=dashboard,
                                    workers=workers, pending_gate=pending, pending_dashboard=staged,
                                    skeletons=skeletons))
    try:
        cfg = load_config(config_file=str(config_file(root)), docs_dir=str(root / "content"), site_dir=str(tmp))
        build(cfg)
        st = hooks.state()
        replace_dir(tmp, output)
    except MkDocsException as exc:
        _leave_if_worker()
        shutil.rmtree(tmp, ignore_errors=True)
        # MkDocs turns a hook's error into "Aborted with a BuildError!": report the hook's own (Chinese) message
        inner = exc.__cause__ or exc.__context__
        reason = inner if isinstance(inner, MkDocsException) else exc
        raise GovsiteError(f"MkDocs 构建失败：{reason}。已发布的网站未被改动。") from exc
    except BaseException:
        _leave_if_worker()
        hooks.abandon()  # e.g. Ctrl-C: stop the render workers and Pagefind, remove the scratch index folder
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        hooks.set_options(None)
        if pending is not None and not pending.joined:  # the build stopped before on_nav: reap the gate
            try:
                pending.join()
            except Exception:  # noqa: BLE001, S110 - the build's own error is what the user needs
                pass
    return BuildResult(output=output, articles=len(st.catalog.articles),
                       pages=len(st.catalog.articles) + len(st.generated),
                       unverified=sum(1 for a in st.catalog.articles if not a.verified),
                       seconds=time.monotonic() - start, preview=preview)


def _leave_if_worker() -> None:
    """A render worker (a forked copy of this process) never returns into the caller: it leaves here."""
    from govsite.portal import hooks  # noqa: PLC0415

    st = hooks._state
    if st is not None and st.team.is_worker:
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
