"""The repository as it stood on the audit date: pages, their publish and formed dates, units, site identity.

Everything comes from git at the last first-parent commit on or before ``as_of`` (China time), so a
scheduled CI run and a look back at a past inspection period give the same answer. The working tree
is only used for the site identity and lists when git has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govsite.audit.timeline import Timeline, read_timeline
from govsite.git.objects import read_blobs, tree_blobs
from checks.textio import UnreadableFile, decode_text
from govsite.core.china import china_date
from govsite.core.pages import parse_page
from govsite.core.errors import GovsiteError
from govsite.core.units import Unit, parse_unit



@dataclass
class PageInfo:
    path: str                 # content/<unit>/<column>/….md
    unit: str
    column: str
    title: str
    formed: dt.date | None
    updated: dt.date          # 更新日期: China date of the commit that brought the current blob
    first_published: dt.date  # 发布日期: China date the path first appeared (govsite.git.dates, as the portal)
    blob: str = ""            # the version's blob, for readers that need more than title and formed


@dataclass
class Snapshot:
    root: Path
    as_of: dt.date
    commit: str
    is_head: bool
    pages: dict[str, PageInfo] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    unit_problems: list[str] = field(default_factory=list)
    key_windows: list[tuple[str, int, str]] = field(default_factory=list)  # (unit file, line, message): Art. 38
    history: Timeline | None = None

    def pages_of(self, unit: str, column: str | None = None) -> list[PageInfo]:
        return [p for p in self.pages.values() if p.unit == unit and (column is None or p.column == column)]


def parse_front(path: str, raw: bytes) -> tuple[str, dt.date | None]:
    """Title and formed date of a page version, as the content model reads them."""
    try:
        text = decode_text(raw).text
    except UnreadableFile:
        return "", None
    page, _problems = parse_page(path, text, None, lines=False)
    return page.title, page.formed


def read_fronts(root: Path, paths: dict[str, str]) -> dict[str, tuple[str, dt.date | None]]:
    """Blob → (title, formed) for every blob of ``paths`` (blob → a path it has): parsed once per page version
    and kept in the cache root, keyed by the content model's code, so a daily audit reads only new versions."""
    import hashlib  # noqa: PLC0415
    import pickle  # noqa: PLC0415

    from checks.cachedir import read_pickle, user_cache_dir, write_atomic  # noqa: PLC0415
    from govsite.compliance.cache import content_model_digest  # noqa: PLC0415

    key = hashlib.sha1(f"{root.resolve()}\0{content_model_digest()}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
    file = user_cache_dir() / "audit" / f"fronts-{key}.pickle"
    stored = read_pickle(file)
    known: dict[str, tuple[str, dt.date | None]] = stored if isinstance(stored, dict) else {}
    missing = [b for b in paths if b not in known]
    if missing:
        data = read_blobs(root, missing)
        for blob in missing:
            known[blob] = parse_front(paths[blob], data.get(blob, b""))
    out = {b: known[b] for b in paths}
    if missing or len(known) != len(out):
        write_atomic(file, pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    return out


def commit_index(history: Timeline, as_of: dt.date) -> int:
    """Index of the last commit whose China-time date is on or before ``as_of`` (-1: none)."""
    best = -1
    for i, c in enumerate(history.commits):
        if china_date(c.when) <= as_of:
            best = i
    return best


def load_units_at(root: Path, commit: str, categories: set[str] | None,
                  key_windows: list[tuple[str, int, str]] | None = None) -> tuple[dict[str, Unit], list[str]]:
    files = {p: b for p, b in tree_blobs(root, commit, "units/").items() if p.endswith(".yml") and p.count("/") == 1}
    blobs = read_blobs(root, list(files.values()))
    units: dict[str, Unit] = {}
    problems: list[str] = []
    for path, blob in sorted(files.items()):
        text = blobs.get(blob, b"").decode("utf-8", "replace")
        unit, findings = parse_unit(text, path, Path(path).stem, categories)
        problems.extend(f"{f.path}:{f.line}: {f.message}" for f in findings if f.severity == "error")
        if key_windows is not None:
            key_windows.extend((f.path, f.line, f.message) for f in findings if f.rule == "schema.key-window")
        if unit is not None and unit.id:
            units[unit.id] = unit
    return units, problems


def take_snapshot(root: Path, as_of: dt.date, categories: set[str] | None = None, rev: str = "HEAD",
                  history: Timeline | None = None) -> Snapshot:
    """Pages and units at the last first-parent commit of ``rev`` on or before ``as_of``."""
    history = history or read_timeline(root, rev)
    if not history.commits:
        raise GovsiteError("仓库还没有任何提交（或不是 git 仓库），无法得到发布日期，审计无从进行。"
                           "发布日期取自 git 历史：请在 govsite 仓库中运行，并先提交稿件。", str(root))
    idx = commit_index(history, as_of)
    if idx < 0:
        first = china_date(history.commits[0].when)
        raise GovsiteError(f"审计日期 {as_of.isoformat()} 早于仓库的第一个提交（{first.isoformat()}），"
                           "那时还没有任何已发布内容。请用 --as-of 指定此后的日期。", str(root))
    commit = history.commits[idx].sha
    snap = Snapshot(root=root, as_of=as_of, commit=commit, is_head=idx == len(history.commits) - 1, history=history)
    snap.units, snap.unit_problems = load_units_at(root, commit, categories, snap.key_windows)
    state = history.snapshot(idx)
    fronts = read_fronts(root, {s.blob: path for path, s in state.items() if path.endswith(".md")})
    for path, st in state.items():
        if not path.endswith(".md"):
            continue
        parts = path.split("/")
        if len(parts) < 4:
            continue
        title, formed = fronts.get(st.blob, ("", None))
        snap.pages[path] = PageInfo(path, parts[1], parts[2], title or Path(path).stem, formed,
                                    china_date(st.dates.updated), china_date(st.dates.published), st.blob)
    return snap


def page_counts_by_column(snap: Snapshot) -> dict[tuple[str, str], list[PageInfo]]:
    out: dict[tuple[str, str], list[PageInfo]] = {}
    for p in snap.pages.values():
        out.setdefault((p.unit, p.column), []).append(p)
    return out


def site_identity(root: Path) -> dict[str, Any]:
    from govsite.core.county import County  # noqa: PLC0415

    return County(root).site
