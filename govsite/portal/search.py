"""Chunked static search index with Chinese segmentation: Pagefind (extended build from PyPI).

Pagefind reads small index-only documents (title, body, publish date) written beside the build
into a scratch folder with the site's own paths, rather than the full themed pages: the same
search results, a fraction of the HTML to parse.

Pagefind's Chinese segmentation costs a few milliseconds of one core per page, so the index is built
in shards, overlapped with rendering: units are grouped (in the order MkDocs writes them) into a
handful of shards; as soon as every article of a shard has been written, a Pagefind process indexes
that shard (``--glob``) into ``pagefind/<shard>/`` while MkDocs renders the rest. With parallel
rendering (:mod:`govsite.portal.parallel`) each process owns whole shards and indexes only those
(:meth:`Indexer.keep`). The search page merges the shard indexes (Pagefind UI ``mergeIndex``); each
index is itself chunked, so the browser never loads a whole-site index.
"""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from govsite.core.errors import GovsiteError
from govsite.portal import parallel

log = logging.getLogger("mkdocs.govsite")
SHARDS = 8  # at most this many shard indexes (each one chunked); the browser merges them
SHARD_PAGES = 1250  # about this many pages per shard: each Pagefind run first loads its Chinese dictionary (~0.3 s)


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable  # noqa: PLC0415
    except ImportError as exc:
        raise GovsiteError("未安装 Pagefind 扩展版（站内中文搜索）。请运行：.venv/bin/pip install pagefind-bin-extended==1.5.2") from exc
    return get_executable()


@dataclass
class Shard:
    name: str
    units: list[str]
    expected: int
    counts: list[int] = field(default_factory=list)  # pages per folder in ``units``
    written: int = 0
    proc: subprocess.Popen | None = None
    done: bool = False


def plan_shards(unit_counts: list[tuple[str, int]], target: int | None = None) -> list[Shard]:
    """Group folders (``unit/column``, in build order) into about ``target`` shards of similar size (default: one
    per SHARD_PAGES pages, 2 to SHARDS). The plan depends on the pages only, never on the machine."""
    total = sum(n for _, n in unit_counts)
    if target is None:
        target = max(2, min(SHARDS, -(-total // SHARD_PAGES)))
    size = max(1, -(-total // target))
    shards: list[Shard] = []
    current: list[str] = []
    counts: list[int] = []
    for unit, n in unit_counts:
        if n == 0:
            continue
        current.append(unit)
        counts.append(n)
        if sum(counts) >= size:
            shards.append(Shard(f"s{len(shards) + 1}", current, sum(counts), counts))
            current, counts = [], []
    if current:
        shards.append(Shard(f"s{len(shards) + 1}", current, sum(counts), counts))
    return shards


@dataclass
class Indexer:
    """Runs Pagefind on shards as they complete; one Pagefind process at a time."""

    site_dir: Path
    shards: list[Shard]
    scratch: Path | None = None
    by_unit: dict[str, Shard] = field(default_factory=dict)
    ready: list[Shard] = field(default_factory=list)

    def __post_init__(self) -> None:
        from govsite.portal.output import scratch_dir  # noqa: PLC0415

        self.exe = str(pagefind_executable())
        self.scratch = scratch_dir(self.site_dir, "index")
        for s in self.shards:
            for u in s.units:
                self.by_unit[u] = s

    def page_written(self, unit_id: str, url: str, document: str) -> None:
        """Record the index document of an article in folder ``unit_id`` (unit/column) at site URL ``url``."""
        assert self.scratch is not None
        target = self.scratch / url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document, encoding="utf-8")
        self._poll()
        shard = self.by_unit.get(unit_id)  # key: "unit/column"
        if shard is None:
            return
        shard.written += 1
        if shard.written == shard.expected:
            self.ready.append(shard)
            self._poll()

    def _running(self) -> list[Shard]:
        return [s for s in self.shards if s.proc is not None and not s.done]

    def _poll(self, parallel: int = 1) -> None:
        for s in self._running():
            if s.proc is not None and s.proc.poll() is not None:
                self._finish(s)
        while self.ready and len(self._running()) < parallel:
            self._start(self.ready.pop(0))

    def _start(self, shard: Shard) -> None:
        folders = shard.units[0] if len(shard.units) == 1 else "{" + ",".join(shard.units) + "}"
        shard.proc = subprocess.Popen(
            [self.exe, "--site", str(self.scratch), "--glob", f"{folders}/**/index.html",
             "--output-path", str(self.site_dir / "pagefind" / shard.name), "--silent"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=parallel.die_with_parent(os.getpid()))

    def _finish(self, shard: Shard) -> None:
        assert shard.proc is not None
        out, err = shard.proc.communicate()
        shard.done = True
        if shard.proc.returncode != 0:
            detail = (err or out).strip().splitlines()
            raise GovsiteError(f"站内搜索索引（Pagefind）生成失败：{detail[-1] if detail else '未知错误'}。"
                               "请检查构建输出目录是否完整。")
        whole_query_words(self.site_dir / "pagefind" / shard.name)


    def keep(self, names: set[str]) -> None:
        """Index only the shards ``names`` in this process (another process indexes the others)."""
        self.shards = [s for s in self.shards if s.name in names]
        self.by_unit = {u: s for u, s in self.by_unit.items() if s.name in names}

    def finish(self, parallel: int | None = None) -> list[str]:
        """Index whatever is left and wait (rendering is over: up to ``parallel`` Pagefind processes, by
        default one per core); returns the shard names. The scratch folder stays: :meth:`cleanup`."""
        for s in self.shards:
            if s.proc is None and s not in self.ready:
                self.ready.append(s)  # e.g. a shard whose pages were filtered out
        import os  # noqa: PLC0415

        parallel = parallel or max(1, min(2, os.cpu_count() or 1))
        self._poll(parallel)
        while self._running():
            _wait_any([s.proc for s in self._running() if s.proc is not None])
            self._poll(parallel)
        return [s.name for s in self.shards]

    def close(self) -> None:
        """Stop this process's Pagefind runs (the build failed)."""
        for s in self.shards:
            if s.proc is not None and s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait()

    def cleanup(self) -> None:
        """Stop what still runs and remove the scratch folder (first process, after every worker is done)."""
        import shutil  # noqa: PLC0415

        self.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _wait_any(procs: list[subprocess.Popen]) -> None:
    """Block until one of ``procs`` has exited (Linux pidfds; elsewhere wait for the first)."""
    import os  # noqa: PLC0415
    import select  # noqa: PLC0415

    if not procs:
        return
    fds: list[int] = []
    try:
        for p in procs:
            fds.append(os.pidfd_open(p.pid))
    except (AttributeError, OSError):  # no pidfd_open, or a process already reaped
        for fd in fds:
            os.close(fd)
        if all(p.poll() is None for p in procs):
            procs[0].wait()
        return
    try:
        select.select(fds, [], [])
    finally:
        for fd in fds:
            os.close(fd)


# Pagefind's search script splits a Chinese query with the browser's own word list (Intl.Segmenter, ICU), which
# lacks many words of government writing (听证 → 听 证, 整改 → 整 改) and then misses pages the index holds them
# whole in (the index is segmented by Pagefind's dictionary at build time). The query is kept whole instead:
# benchmarks/search_recall.py measures recall 0.90 split and 0.98 whole on the sample county.
QUERY_SPLIT = "if(needsWordSegmentation(trueLanguage)){"
QUERY_WHOLE = "if(false&&needsWordSegmentation(trueLanguage)){"


def whole_query_words(bundle: Path) -> None:
    """Keep a Chinese query whole in the shard's search scripts (page and worker); warn when Pagefind's script
    no longer reads as expected (another Pagefind version: check the search benchmark)."""
    for name in ("pagefind.js", "pagefind-worker.js"):
        script = bundle / name
        if not script.is_file():
            continue
        text = script.read_text(encoding="utf-8")
        if QUERY_SPLIT in text:
            script.write_text(text.replace(QUERY_SPLIT, QUERY_WHOLE), encoding="utf-8")
        elif QUERY_WHOLE not in text:
            log.warning("站内搜索：%s 的中文检索词切分方式与预期不同（Pagefind 版本变化？），中文检索的查全率可能下降。"
                        "请运行 benchmarks/search_recall.py 核对。", name)
