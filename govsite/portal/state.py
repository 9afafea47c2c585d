"""What one portal build knows (构建状态): held by the plugin object, one instance per build.

:class:`Services` is what the portal needs from outside it (the publish gate, the office's scorecard),
given by whoever composes the build; :class:`HandOver` is what ``govsite build`` prepared for this one
build before MkDocs started; :class:`BuildState` is everything the events share while MkDocs runs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govsite.git.dates import PageDates
from govsite.portal import parallel, render, search
from govsite.portal.catalog import Catalog
from govsite.portal.verdict import Gate, Verdict


@dataclass(frozen=True)
class Dashboard:
    """The office's scorecard (读网看板), written by every build into its internal output, never into the
    site: a repository audit that can start before any page exists (``prepare``), finished with the built
    site, the internal output folder, the links read from every page as it was written and the portal's
    address its links lead to (``finish``); ``scan`` reads one page's links."""

    prepare: Callable[[Path], Any]
    finish: Callable[[Any, Path, Path, dict[str, Any], str], None]
    scan: Callable[[str], Any]
    task: str = "读网看板（内部输出）生成"


# (root, repository paths of pages, the bytes to check instead of a page's file: the version the build shows)
# → for each page with error-level findings that no exemption covers, their messages
Findings = Callable[[Path, list[str], dict[str, bytes]], dict[str, list[str]]]


@dataclass
class Services:
    """What the portal needs from outside itself; the plugin works without them (previews only)."""

    gate: Gate | None = None
    dashboard: Dashboard | None = None
    findings: Findings | None = None  # the compliance checks: a published build holds back what they block


@dataclass
class HandOver:
    """Prepared by ``govsite build`` for one build: the verdict, or the processes already working on it."""

    verdict: Verdict | None = None
    pending_verdict: parallel.Forked | None = None      # a preview: the gate still running beside MkDocs
    pending_dashboard: parallel.Staged | None = None    # the scorecard's repository audit, already started


@dataclass
class Generated:
    """A page the portal generates (portal home, unit home, column list page, search page, site map)."""

    kind: str            # portal | unit | column | search | sitemap | disclosure
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
    """Rendered template fragments shared by pages with the same key (see the theme's main.html)."""

    def __init__(self) -> None:
        self._data: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._data.get(key)

    def put(self, key: str, value: str) -> str:
        """Store the fragment squeezed (:func:`squeeze`) and return what every page then shows."""
        value = self._data[key] = squeeze(str(value))
        return value


@dataclass
class BuildState:
    """Everything the plugin's events share during one build."""

    root: Path
    preview: bool
    verdict: Verdict
    built: dt.datetime
    site: dict[str, Any]
    units: dict[str, Any]
    base_url: str
    dates: dict[str, PageDates] = field(default_factory=dict)  # content page → 发布日期 and 更新日期 (git)
    categories: dict[str, str] = field(default_factory=dict)  # disclosure category id → its name (ColumnType)
    held_dir: Path | None = None  # scratch copies of the approved versions of attachments shown instead
    catalog: Catalog = field(default_factory=Catalog)
    notices: list[render.Notice] = field(default_factory=list)
    generated: dict[str, Generated] = field(default_factory=dict)
    search: bool = True
    closed: set[str] = field(default_factory=set)
    cache: FragmentCache = field(default_factory=FragmentCache)
    nav_pages: set[str] = field(default_factory=set)
    shards: list[str] = field(default_factory=list)
    indexer: search.Indexer | None = None
    dashboard: Dashboard | None = None
    internal_dir: Path | None = None  # where the scorecard goes (never inside the site); None without one
    pages: dict[str, str] = field(default_factory=dict)  # content page (repository path) → output file
    sources: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)  # src_uri → (front matter, body)
    digests: dict[str, str] = field(default_factory=dict)  # content page → render digest (三校)
    workers: int = 1
    owner: dict[str, int] = field(default_factory=dict)  # src_uri → process that builds it (absent: the first)
    shard_owner: dict[str, int] = field(default_factory=dict)
    team: parallel.Team = field(default_factory=parallel.Team)
    assets: dict[str, str] = field(default_factory=dict)  # site path of a copied file → its source (digests)
    pending_verdict: parallel.Forked | None = None  # preview only: what 未审核 marks, resolved in on_nav
    pending_dashboard: parallel.Staged | None = None
    scans: dict[str, Any] = field(default_factory=dict)  # site path → its links (Dashboard.scan)
    use_skeletons: bool = True
    skeletons: Any = None  # skeleton.Skeletons, once MkDocs has the theme's environment (on_env)
    templates: render.PageTemplates | None = None  # the generated pages' templates, from on_env on
    nav_views: Any = None  # navview.NavViews, once MkDocs has the navigation (on_nav)
