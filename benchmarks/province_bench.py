"""Province benchmark (issue 20): ``govsite province run`` over many counties, in one process against shards.

Generates one county with ``benchmarks/corpus.py`` (git history over 3 years) and clones it ``--counties``
times (full clones, each its own repository), writes a province file, then times:

- the whole province in one process (``province run`` without ``--shard``);
- each of ``--shards`` shards alone, one after another: what each CI job of ``parallel: N`` costs on a runner
  of its own; the makespan of the matrix is the slowest shard plus the merge;
- the shards at once on this machine (as many processes as shards), for what one machine of this size gives.

Every timed run starts with an empty cache of its own (``GOVSITE_CACHE_DIR``), as a CI runner does: the
audit keeps each county's front matter by commit, and the clones share one commit. Without ``--checks`` the
typo model is not needed; with it, the model is copied into each fresh cache first. It then checks that the
merged shards equal the one-process result. ``--repeat R`` alternates the runs R
times and reports medians.

    .venv/bin/python benchmarks/province_bench.py --counties 20 --pages 5000 --shards 4 [--repeat 1] [--checks]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

AS_OF = "2026-11-30"


def govsite(*args: str, cwd: Path, cache: Path | None = None) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if cache is not None:  # a runner of its own: nothing of an earlier run in its cache
        env["GOVSITE_CACHE_DIR"] = str(cache)
    return subprocess.Popen([sys.executable, "-m", "govsite", *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def wait(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        _, err = p.communicate()
        if p.returncode not in (0, 1):
            raise SystemExit(f"govsite province failed ({p.returncode}):\n{err.decode('utf-8', 'replace')[-2000:]}")


def timed(procs: list[subprocess.Popen]) -> float:
    start = time.monotonic()
    wait(procs)
    return time.monotonic() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=20)
    ap.add_argument("--pages", type=int, default=5000, help="pages per county")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--checks", action="store_true", help="run the compliance checks too (default --no-checks)")
    ap.add_argument("--json", metavar="FILE")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="govsite-province-bench-") as tmp:
        work = Path(tmp)
        t0 = time.monotonic()
        corpus.generate(work / "seed", a.pages, seed=1, history_years=3.0)
        lines = ["name: 重庆市", "counties:"]
        for k in range(1, a.counties + 1):
            subprocess.run(["git", "clone", "-q", "--no-local", str(work / "seed"), str(work / f"c{k:02d}")], check=True)
            lines.append(f"  - {{id: c{k:02d}, name: 测试{k:02d}县, repo: c{k:02d}}}")
        (work / "province.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"corpus: {a.counties} counties x {a.pages} pages in {time.monotonic() - t0:.0f} s", file=sys.stderr)
        opts = ["--as-of", AS_OF] + ([] if a.checks else ["--no-checks"])
        one, alone, together, merge_s = [], [], [], []
        runs = iter(range(1_000_000))

        def cold() -> Path:
            path = work / "caches" / str(next(runs))
            path.mkdir(parents=True)
            if a.checks:  # the typo model is built at install time, not by the audit: give each cache a copy
                from checks.cachedir import user_cache_dir  # noqa: PLC0415

                for model in user_cache_dir().glob("*"):
                    if model.is_dir() and model.name.startswith(("typo", "divisions")):
                        shutil.copytree(model, path / model.name)
            return path

        for r in range(a.repeat):
            one.append(timed([govsite("province", "run", "province.yml", *opts, "-o", "all.json", cwd=work, cache=cold())]))
            alone.append([timed([govsite("province", "run", "province.yml", "--shard", f"{i}/{a.shards}", *opts, "-o",
                                         f"s{i}.json", cwd=work, cache=cold())]) for i in range(1, a.shards + 1)])
            together.append(timed([govsite("province", "run", "province.yml", "--shard", f"{i}/{a.shards}", *opts, "-o",
                                           f"s{i}.json", cwd=work, cache=cold()) for i in range(1, a.shards + 1)]))
            merge_s.append(timed([govsite("province", "merge", "province.yml", *(f"s{i}.json" for i in range(1, a.shards + 1)),
                                          "-o", "m-shards", "--issued-on", "2026-12-07", cwd=work)]))
            wait([govsite("province", "merge", "province.yml", "all.json", "-o", "m-one", "--issued-on", "2026-12-07",
                          cwd=work)])
            same = (work / "m-shards" / "province.json").read_bytes() == (work / "m-one" / "province.json").read_bytes()
            if not same:
                raise SystemExit("the merged shards differ from the one-process result")
            print(f"run {r + 1}: one process {one[-1]:.1f} s; shards alone {', '.join(f'{s:.1f}' for s in alone[-1])} s; "
                  f"together {together[-1]:.1f} s; merge {merge_s[-1]:.2f} s", file=sys.stderr)
        slowest = statistics.median(max(s) for s in alone)
        row = {"counties": a.counties, "pages_per_county": a.pages, "shards": a.shards, "checks": a.checks,
               "one_process_s": round(statistics.median(one), 1), "slowest_shard_s": round(slowest, 1),
               "merge_s": round(statistics.median(merge_s), 2),
               "matrix_makespan_s": round(slowest + statistics.median(merge_s), 1),
               "speedup_matrix": round(statistics.median(one) / (slowest + statistics.median(merge_s)), 2),
               "shards_together_here_s": round(statistics.median(together), 1),
               "speedup_this_machine": round(statistics.median(one) / statistics.median(together), 2),
               "cpus": os.cpu_count(), "identical": True, "date": dt.date.today().isoformat()}
    print(json.dumps(row, ensure_ascii=False))
    print(f"| {a.counties} × {a.pages:,} | {row['one_process_s']} s | {row['slowest_shard_s']} s + {row['merge_s']} s | "
          f"**{row['speedup_matrix']}×** | {row['shards_together_here_s']} s | {row['speedup_this_machine']}× |")
    if a.json:
        Path(a.json).write_text(json.dumps(row, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
