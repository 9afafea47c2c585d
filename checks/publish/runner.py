"""``govsite build``: gate, MkDocs build into a temporary directory, atomic swap into place."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from checks.errors import GovsiteError
from checks.publish.output import replace_dir, temp_dir_beside
from checks.publish.sources import GateResult, run_gate, unit_problems

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
               verbose: bool = False, gate: GateResult | None = None, dashboard: bool = True) -> BuildResult:
    """Build ``root`` into ``output`` (default ``root/site``). ``gate`` overrides running the review gate.

    Every build also writes ``render-digests.json`` (三校 render digests, :mod:`checks.publish.digests`).
    """
    from mkdocs.commands.build import build  # noqa: PLC0415 - heavy, loaded on use
    from mkdocs.config import load_config  # noqa: PLC0415
    from mkdocs.exceptions import MkDocsException  # noqa: PLC0415

    from checks.publish import hooks  # noqa: PLC0415

    root = root.resolve()
    if not (root / "content").is_dir():
        raise GovsiteError("仓库中没有 content/ 目录，无法构建网站。", str(root))
    output = (output or root / "site").resolve()
    gate = gate if gate is not None else run_gate(root)
    if not preview:
        from checks.project import Project  # noqa: PLC0415

        units_blocking = [(path, "单位", reason) for path, reason in unit_problems(root, Project(root).units)]
        if units_blocking:
            gate = GateResult(ok=False, verified=gate.verified, failures=units_blocking + gate.failures,
                              available=gate.available)
    if not preview and not gate.ok:
        raise GateRefused(gate)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    os.environ["SOURCE_DATE_EPOCH"] = str(hooks.source_date_epoch(root))
    _logging(verbose)
    start = time.monotonic()
    tmp = temp_dir_beside(output)
    hooks.set_options(hooks.Options(preview=preview, gate=gate, search=search, dashboard=dashboard))
    try:
        cfg = load_config(config_file=str(config_file(root)), docs_dir=str(root / "content"), site_dir=str(tmp))
        build(cfg)
        st = hooks.state()
        replace_dir(tmp, output)
    except MkDocsException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise GovsiteError(f"MkDocs 构建失败：{exc}。已发布的网站未被改动。") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        hooks.set_options(None)
    return BuildResult(output=output, articles=len(st.catalog.articles),
                       pages=len(st.catalog.articles) + len(st.generated),
                       unverified=sum(1 for a in st.catalog.articles if not a.verified),
                       seconds=time.monotonic() - start, preview=preview)


def _logging(verbose: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_govsite", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler._govsite = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
