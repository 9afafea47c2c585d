"""Speed of `govsite audit` (issue 6): a 10,000-page repository with 5 years of history, offline.

Two histories over the same pages (benchmarks/corpus.py):
- corpus: the corpus generator's own history (at most 300 commits);
- dense:  pages spread evenly over many commits, plus edits to published pages (default 6,000 commits and 2,000 edits
          over 5 years), closer to a county that publishes every working day.
Each audit runs in a fresh process through the CLI (`--format json --no-checks`, the default offline mode,
including trends over 12 periods), and once more with the compliance checks on (serious-errors item) when
--with-checks is given.

Usage: .venv/bin/python benchmarks/audit_bench.py [--pages 10000] [--years 5] [--runs 3] [--commits 6000]
Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

TZ = dt.timezone(dt.timedelta(hours=8))


def _audit(root: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("GOVSITE_ROOT", None)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "govsite", "--root", str(root), "audit", "--format", "json", *args],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"audit failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, proc


def dense_history(root: Path, commits: int, edits: int, years: float, seed: int = 0) -> None:
    """Rewrite ``root``'s history: pages arrive in date order over ``years`` in ``commits`` commits, plus edits."""
    import shutil

    rng = random.Random(seed)
    shutil.rmtree(root / ".git", ignore_errors=True)
    pages = sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*.md"))
    rng.shuffle(pages)
    pages.sort(key=lambda p: Path(p).name)          # corpus names start with the formed date
    base = sorted(p.relative_to(root).as_posix() for d in ("units", "site_config") for p in (root / d).rglob("*")
                  if p.is_file())
    end = dt.datetime(2026, 11, 20, 17, 0, tzinfo=TZ)
    start = end - dt.timedelta(days=int(365 * years))
    span = (end - start).total_seconds()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    out = bytearray()

    def data(b: bytes) -> None:
        out.extend(b"data %d\n" % len(b))
        out.extend(b)
        out.extend(b"\n")

    edit_every = max(1, commits // max(1, edits))
    mark = 0
    published: list[str] = []
    for k in range(commits):
        ts = int((start + dt.timedelta(seconds=span * (k + 1) / commits)).timestamp())
        mark += 1
        out.extend(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.extend(b"author Ed <ed@example.gov.cn> %d +0800\ncommitter Ed <ed@example.gov.cn> %d +0800\n" % (ts, ts))
        data(b"publish")
        if k == 0:
            for p in base:
                out.extend(b"M 100644 inline " + p.encode() + b"\n")
                data((root / p).read_bytes())
        batch = pages[k * len(pages) // commits:(k + 1) * len(pages) // commits]
        for p in batch:
            out.extend(b"M 100644 inline " + p.encode() + b"\n")
            data((root / p).read_bytes())
            published.append(p)
        if published and k % edit_every == 0 and k < commits - 1:
            p = rng.choice(published)
            out.extend(b"M 100644 inline " + p.encode() + b"\n")
            data((root / p).read_bytes() + f"\n<!-- 更正 {k} -->\n".encode())
    # a last commit on the end date; `reset --hard` below makes the working tree equal to it
    mark += 1
    ts = int(end.timestamp())
    out.extend(b"commit refs/heads/main\nmark :%d\n" % mark)
    out.extend(b"author Ed <ed@example.gov.cn> %d +0800\ncommitter Ed <ed@example.gov.cn> %d +0800\n" % (ts, ts))
    data(b"sync")
    out.extend(b"done\n")
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet", "--done"], input=bytes(out), check=True)
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)


def main(argv: list[str] | None = None) -> int:
    from corpus import generate  # benchmarks/corpus.py

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--years", type=float, default=5.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--commits", type=int, default=6000)
    ap.add_argument("--edits", type=int, default=2000)
    ap.add_argument("--as-of", default="2026-11-27")
    ap.add_argument("--with-checks", action="store_true", help="also time a run with the compliance checks")
    a = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        for kind in ("corpus", "dense"):
            root = Path(tmp) / kind
            t0 = time.perf_counter()
            generate(root, a.pages, seed=0, history_years=a.years)
            if kind == "dense":
                dense_history(root, a.commits, a.edits, a.years)
            gen = time.perf_counter() - t0
            n_commits = int(subprocess.run(["git", "-C", str(root), "rev-list", "--count", "HEAD"],
                                           capture_output=True, text=True, check=True).stdout)
            times = []
            for _ in range(a.runs):
                t, proc = _audit(root, "--as-of", a.as_of, "--no-checks")
                times.append(t)
            import json
            data = json.loads(proc.stdout)
            rows.append((kind, n_commits, data["pages"], len(data["findings"]), statistics.median(times), max(times),
                         "offline, --no-checks"))
            print(f"[{kind}] generated in {gen:.1f}s; audit median {statistics.median(times):.2f}s", file=sys.stderr)
            if a.with_checks:
                t, proc = _audit(root, "--as-of", a.as_of)
                rows.append((kind, n_commits, data["pages"], len(json.loads(proc.stdout)["findings"]), t, t,
                             "offline, with checks (cold cache)"))
                t, proc = _audit(root, "--as-of", a.as_of)
                rows.append((kind, n_commits, data["pages"], len(json.loads(proc.stdout)["findings"]), t, t,
                             "offline, with checks (warm result cache)"))
    print("| history | commits | pages | findings | median s | max s | mode |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for kind, c, p, f, med, mx, mode in rows:
        print(f"| {kind} | {c} | {p} | {f} | {med:.2f} | {mx:.2f} | {mode} |")
    print(f"\n`{' '.join([Path(sys.executable).name, 'benchmarks/audit_bench.py', *(argv or sys.argv[1:])])}` "
          f"on {os.cpu_count()} CPUs; {a.runs} runs per row, fresh process each.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
