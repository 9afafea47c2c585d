"""Checking many pages (批量检查): cached results for unchanged pages, the rest over every core."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checks import attachments
from checks.attachments import is_attachment
from checks.engine import Checker, blob_id
from checks.findings import INPUT_RULES, Finding, whole_line
from govsite.compliance.cache import ResultCache, fingerprint
from govsite.compliance.context import checker_for
from govsite.core.county import County, find_root


@dataclass
class CheckRun:
    """The findings of one run over many pages, how many pages were checked, and how many came from the cache."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    cached: int = 0

    @property
    def input_error(self) -> bool:
        return any(f.rule in INPUT_RULES and not f.suppressed for f in self.findings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error" and not f.suppressed)

    def add(self, findings: list[Finding]) -> None:
        """Findings found outside the pages (about content/ itself), in report order."""
        self.findings.extend(findings)
        self.findings.sort(key=lambda f: f.sort_key)


# The checker a forked worker process uses: set just before the fork, so the children share the parent's
# loaded rules and typo model instead of unpickling them (fork copies memory; nothing else reads this).
_WORKER: tuple[County, Checker] | None = None


def _attachment_key(raw: bytes) -> str:
    """What an attachment's cached findings depend on: its bytes and the libraries that read it."""
    from checks.attachments.extract import reader_identity  # noqa: PLC0415

    return blob_id(raw) + "|" + reader_identity()


def _read(p: Path, rel: str) -> tuple[bytes | None, int | None]:
    """A file's bytes, or (for an attachment too large to check) only its size."""
    if not rel.endswith(".md"):
        size = p.stat().st_size
        if size > attachments.MAX_BYTES:
            return None, size
    return p.read_bytes(), None


def _work(path: str) -> tuple[str, list[Finding], list[Finding], str | None]:
    assert _WORKER is not None
    project, checker = _WORKER
    p = Path(path)
    rel = project.rel(p)
    try:
        raw, size = _read(p, rel)
    except OSError as exc:
        return rel, [whole_line(rel, 1, "schema", "schema.unreadable", "error",
                                f"无法读取文件：{exc.strerror or exc}。")], [], None
    if raw is None or not rel.endswith(".md"):
        from checks.attachments.check import check_attachment  # noqa: PLC0415

        found = check_attachment(checker, rel, raw or b"", size=size)
        return rel, found, [], None if raw is None else _attachment_key(raw)
    found = checker.check_raw(rel, raw)
    cross_rules = checker.cross_file_rules
    own = [f for f in found if f.rule not in cross_rules]
    cross = [f for f in found if f.rule in cross_rules]
    return rel, own, cross, blob_id(raw)


def check_paths(project: County, paths: Sequence[Path], use_cache: bool = True, jobs: int | None = None,
                checker: Checker | None = None) -> CheckRun:
    """Check many files: cached results for unchanged blobs, the rest in parallel when there are many.

    Pages are ``*.md``; attachments under content/ (PDF, Word, Excel, CSV, images: :mod:`checks.attachments`)
    are checked for their text and metadata; other files are skipped."""
    global _WORKER  # noqa: PLW0603 - see its comment
    checker = checker or checker_for(project)
    run = CheckRun()
    run.findings.extend(checker._schema(project.all_problems() + checker.ruleset.problems))
    cache = ResultCache(project.root, fingerprint(project, checker.ruleset)) if use_cache else None
    todo: list[Path] = []
    for path in paths:
        rel = project.rel(path)
        page = rel.endswith(".md")
        if not page and not (rel.startswith("content/") and is_attachment(rel)):
            continue
        if cache is not None:
            try:
                raw, _ = _read(path, rel)
            except OSError:
                raw = None
            if raw is None:
                todo.append(path)
                continue
            hit = cache.get(rel, blob_id(raw) if page else _attachment_key(raw))
            if hit is not None:
                run.findings.extend(hit)
                if page:
                    run.findings.extend(checker.check_raw(rel, raw, cross_file=True))
                run.cached += 1
                run.checked += 1
                continue
        todo.append(path)
    jobs = jobs or min(len(todo) // 50 + 1, os.cpu_count() or 1)
    _WORKER = (project, checker)
    try:
        if jobs > 1:
            import multiprocessing  # noqa: PLC0415

            checker.warm_up()
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                results = list(pool.imap(_work, [str(p) for p in todo], chunksize=16))
        else:
            results = [_work(str(p)) for p in todo]
    finally:
        _WORKER = None
    for rel, own, cross, blob in results:
        run.findings.extend(own)
        run.findings.extend(cross)
        run.checked += 1
        if cache is not None and blob is not None:
            cache.put(rel, blob, own)
    if cache is not None:
        cache.save()
    run.findings.sort(key=lambda f: f.sort_key)
    return run


@functools.lru_cache(maxsize=1)
def default_checker() -> Checker:
    """A checker for the repository the current folder is in (benchmarks, rule examples)."""
    return checker_for(County(find_root()))


def check_snippet(text: str, checker: Checker | None = None, column: str | None = None) -> list[Finding]:
    """Check a piece of body text as if it were a page of the county (benchmarks, rule examples).

    Lines and columns are those of ``text`` itself; findings about the stand-in front matter are dropped.
    A ``text`` that opens with ``---`` is a whole page, front matter included (rules about front-matter
    fields), and is checked as it is. ``column``: the category of the column the page is in (``policy``,
    ``interpretation``…; rule examples that depend on it say so), else the county's first column.
    """
    checker = checker or default_checker()
    units = getattr(checker.reader, "units", {}) or {}
    unit = next(iter(units.values()), None)
    col_id = next(iter(unit.columns), "col") if unit else "col"
    if column is not None:
        unit, col_id = next(((u, c.id) for u in units.values() for c in u.columns.values() if c.category == column),
                            (unit, col_id))
    rel = f"content/{unit.id if unit else 'unit'}/{col_id}/_check.md"
    if text.startswith("---\n"):
        return checker.check_text(rel, text)
    header = "---\ntitle: 检查\nformed: 2026-01-01\n---\n"
    out = []
    for f in checker.check_text(rel, header + text, cross_file=False):
        if f.line <= 4:  # the stand-in front matter
            continue
        f.line -= 4
        f.end_line -= 4
        out.append(f)
    return out
