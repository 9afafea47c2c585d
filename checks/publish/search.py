"""Chunked static search index with Chinese segmentation: Pagefind (extended build from PyPI).

Pagefind reads small index-only documents (title, body, publish date) written beside the build
into a scratch folder with the site's own paths, rather than the full themed pages: the same
search results, a fraction of the HTML to parse.

Pagefind's Chinese segmentation costs a few milliseconds of one core per page. MkDocs renders on
one core, so the index is built in shards, overlapped with rendering: units are grouped (in the
order MkDocs writes them) into a handful of shards; as soon as every article of a shard has been
written, a Pagefind process indexes that shard (``--glob``) into ``pagefind/<shard>/`` while MkDocs
renders the rest. The search page merges the shard indexes (Pagefind UI ``mergeIndex``); each
index is itself chunked, so the browser never loads a whole-site index.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from checks.errors import GovsiteError

SHARDS = 8  # target number of shard indexes (each one chunked); the browser merges them


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
    written: int = 0
    proc: subprocess.Popen | None = None
    done: bool = False


def plan_shards(unit_counts: list[tuple[str, int]], target: int = SHARDS) -> list[Shard]:
    """Group folders (``unit/column``, in build order) into about ``target`` shards of similar size."""
    total = sum(n for _, n in unit_counts)
    size = max(1, -(-total // target))
    shards: list[Shard] = []
    current: list[str] = []
    count = 0
    for unit, n in unit_counts:
        if n == 0:
            continue
        current.append(unit)
        count += n
        if count >= size:
            shards.append(Shard(f"s{len(shards) + 1}", current, count))
            current, count = [], 0
    if current:
        shards.append(Shard(f"s{len(shards) + 1}", current, count))
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
        import tempfile  # noqa: PLC0415

        self.exe = str(pagefind_executable())
        self.site_dir.parent.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix=f".{self.site_dir.name}-index-", dir=self.site_dir.parent))
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
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def _finish(self, shard: Shard) -> None:
        assert shard.proc is not None
        out, err = shard.proc.communicate()
        shard.done = True
        if shard.proc.returncode != 0:
            detail = (err or out).strip().splitlines()
            raise GovsiteError(f"站内搜索索引（Pagefind）生成失败：{detail[-1] if detail else '未知错误'}。"
                               "请检查构建输出目录是否完整。")

    def finish(self) -> list[str]:
        """Index whatever is left and wait; returns the shard names (the bundles to merge)."""
        for s in self.shards:
            if s.proc is None and s not in self.ready:
                self.ready.append(s)  # e.g. a shard whose pages were filtered out
        import os  # noqa: PLC0415
        import time  # noqa: PLC0415

        parallel = max(1, min(2, os.cpu_count() or 1))  # rendering is over: use every core
        while self.ready or self._running():
            self._poll(parallel)
            time.sleep(0.02)
        self.close()
        return [s.name for s in self.shards]

    def close(self) -> None:
        import shutil  # noqa: PLC0415

        for s in self.shards:
            if s.proc is not None and s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
