"""Speed of `govsite check` (issue 2): one 3,000-character page in a fresh process, and a 10,000-page site
cold (no cache, all cores) and warm (nothing changed, result cache by blob id).

Usage: .venv/bin/python benchmarks/check_bench.py [--pages 10000] [--runs 11]
Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))


def _govsite(root: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "govsite", "--root", str(root), "check", *args],
                          capture_output=True, text=True, env=env)
    return time.perf_counter() - start, proc


def _forget_results(root: Path) -> None:
    """Empty the result cache of ``root`` (in the cache root since the program moved to govsite/)."""
    try:
        from govsite.compliance.cache import cache_file
    except ImportError:  # an earlier revision: the cache beside the content
        shutil.rmtree(root / ".govsite-cache", ignore_errors=True)
        shutil.rmtree(root / ".git" / "govsite-cache", ignore_errors=True)
        return
    cache_file(root).unlink(missing_ok=True)


def _long_page(root: Path, chars: int = 3000) -> Path:
    """Glue generated pages' bodies into one page of about ``chars`` characters."""
    bodies = []
    for p in sorted((root / "content").rglob("*.md")):
        text = p.read_text(encoding="utf-8")
        bodies.append(text.split("\n---\n", 1)[1])
        if sum(map(len, bodies)) >= chars:
            break
    body = "".join(bodies)[:chars]
    unit = next(d for d in sorted((root / "content").iterdir()) if d.is_dir())
    column = next(d for d in sorted(unit.iterdir()) if d.is_dir())
    page = column / "bench-3000.md"
    page.write_text(f"---\ntitle: 基准测试稿件\nformed: 2026-11-20\n---\n{body}\n", encoding="utf-8")
    return page


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--keep", help="keep the generated corpus in this folder")
    args = ap.parse_args()
    from corpus import generate

    tmp = Path(args.keep or tempfile.mkdtemp(prefix="govsite-check-bench-"))
    rows = []
    try:
        small = tmp / "small"
        generate(small, 60, seed=1)
        page = _long_page(small)
        chars = len(page.read_text(encoding="utf-8"))
        _govsite(small, str(page), "--no-cache")  # builds the typo cache if missing
        times = []
        for _ in range(args.runs):
            elapsed, proc = _govsite(small, str(page), "--no-cache")
            assert proc.returncode in (0, 1), proc.stderr
            times.append(elapsed)
        rows.append((f"one page ({chars} characters), fresh process, all checks, no result cache",
                     f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"))

        big = tmp / "big"
        t0 = time.perf_counter()
        generate(big, args.pages, seed=2)
        gen = time.perf_counter() - t0
        _forget_results(big)
        cold, proc = _govsite(big)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        summary = proc.stdout.strip().splitlines()[-2:] if proc.stdout else []
        warm, proc2 = _govsite(big)
        rows.append((f"{args.pages} pages, cold (empty cache, {os.cpu_count()} cores)", f"{cold:.1f} s"))
        rows.append((f"{args.pages} pages, nothing changed (result cache)", f"{warm:.1f} s"))
        print(f"(corpus generated in {gen:.1f} s; cold run said: {' / '.join(summary)})", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("| measurement | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
