"""Build benchmark (issue 5): govsite build vs Hugo on the same synthetic corpus, side by side.

For each size N: generate a corpus with ``benchmarks/corpus.py`` (git history over 3 years), run
``govsite build --preview`` (MkDocs + hooks + Pagefind search index; preview because the synthetic
corpus carries no review signatures, so every page is built), the same with ``--no-search``, then Hugo
(Debian ``hugo``) with a minimal layout written into the benchmark's temp dir over the same Markdown,
and Pagefind over Hugo's output. Two comparisons, like for like: govsite without search against plain
Hugo, govsite with search against Hugo + the same Pagefind. Wall time, CPU time and peak RSS of each
child (``os.wait4``) and the load average around each size are recorded (the machine may be shared);
the per-page exponent is fitted over the sizes. ``--repeat R`` runs every build R times, alternating
govsite and Hugo, and reports medians (and the range of the per-pair ratios): on a shared machine one run
each can be off by a factor of two either way.

    .venv/bin/python benchmarks/build_bench.py --sizes 1000 5000 10000 [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
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

HUGO_CONFIG = """baseURL = "https://www.example.gov.cn/"
languageCode = "zh-cn"
title = "基准"
disableKinds = ["taxonomy", "term"]
hasCJKLanguage = true
[pagination]
pagerSize = 20
"""
HUGO_BASEOF = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><a href="/">首页</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Params.formed }}</p>{{ .Content }}{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range (.Paginate .Pages.ByDate.Reverse).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, int, str, float]:
    """Run ``cmd``; return (wall seconds, peak RSS in MiB, combined output, CPU seconds incl. its children)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{out.decode('utf-8', 'replace')[-3000:]}")
    return seconds, usage.ru_maxrss // 1024, out.decode("utf-8", "replace"), usage.ru_utime + usage.ru_stime


def hugo_site(corpus_root: Path, work: Path) -> Path:
    site = work / "hugo"
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (site / "layouts" / "_default" / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    shutil.copytree(corpus_root / "content", site / "content")
    return site


def _pagefind() -> Path:
    from pagefind_bin_extended import get_executable  # noqa: PLC0415

    return get_executable()


def fit_exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 1.0


def run_size(n: int, work: Path, hugo: str | None, repeat: int = 1, units: int = 0) -> dict:
    """Build the corpus of ``n`` pages ``repeat`` times each way, alternating the tools so that a slower
    stretch of a shared machine hits both; the row holds the medians and every run."""
    root = work / f"corpus-{n}"
    corpus.generate(root, n, seed=1, history_years=3.0, units=units)
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    out = work / f"site-{n}"
    load = os.getloadavg()[0]
    build = [sys.executable, "-m", "govsite", "--root", str(root), "build", "--preview", "-o", str(out)]
    runs: dict[str, list[float]] = {}

    def record(key: str, secs: float, cpu: float) -> None:
        runs.setdefault(key + "_s", []).append(round(secs, 2))
        runs.setdefault(key + "_cpu_s", []).append(round(cpu, 2))

    pages = pf = rss = nrss = 0
    log = ""
    site = hugo_site(root, work) if hugo else None
    for _ in range(repeat):
        secs, rss, log, cpu = timed(build, env=env, cwd=REPO)
        record("govsite", secs, cpu)
        pages = sum(1 for _ in out.rglob("index.html"))
        pf = sum(1 for _ in (out / "pagefind").rglob("*") if _.is_file())
        shutil.rmtree(out, ignore_errors=True)
        nsecs, nrss, _, ncpu = timed(build + ["--no-search"], env=env, cwd=REPO)
        record("nosearch", nsecs, ncpu)
        shutil.rmtree(out, ignore_errors=True)
        if site is not None:
            hout = work / f"hugo-out-{n}"
            hsecs, _, _, hcpu = timed([hugo, "--quiet", "-s", str(site), "-d", str(hout)])
            record("hugo", hsecs, hcpu)
            # the same Hugo output indexed by the same Pagefind: Hugo with search, against govsite with search
            psecs, _, _, pcpu = timed([str(_pagefind()), "--site", str(hout), "--silent"])
            record("hugo_pagefind", hsecs + psecs, hcpu + pcpu)
            shutil.rmtree(hout, ignore_errors=True)
    row: dict = {"pages_md": n, "units": len(list((root / "units").glob("*.yml"))), "html_pages": pages, "runs": repeat, "govsite_peak_mib": rss,
                 "nosearch_peak_mib": nrss, "load_before": round(load, 2), "pagefind_files": pf,
                 "log": log.strip().splitlines()[0] if log.strip() else ""}
    row.update({k: round(statistics.median(v), 2) for k, v in runs.items()})
    row["all_runs"] = runs
    if site is not None:
        # like for like: neither builds a search index
        row["ratio"] = round(row["nosearch_s"] / row["hugo_s"], 2)
        pairs = [g / h for g, h in zip(runs["nosearch_s"], runs["hugo_s"])]
        row["ratio_range"] = [round(min(pairs), 2), round(max(pairs), 2)]
        row["ratio_with_search"] = round(row["govsite_s"] / row["hugo_pagefind_s"], 2)
        shutil.rmtree(site)
    row["load_after"] = round(os.getloadavg()[0], 2)
    shutil.rmtree(root, ignore_errors=True)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="govsite build 基准测试（与 Hugo 同场对比）")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    ap.add_argument("--json", type=Path, help="把结果另存为 JSON")
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="每种构建重复的次数（交替进行，取中位数）")
    ap.add_argument("--units", type=int, default=0, help="单位数：超出样例县 7 个单位的部分由样例克隆（真实县 60–80 个）")
    a = ap.parse_args(argv)
    hugo = None if a.no_hugo else shutil.which("hugo")
    if not a.no_hugo and hugo is None:
        print("build_bench: 未找到 hugo（apt-get install hugo），仅测 govsite。", file=sys.stderr)
    hv = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip() if hugo else ""
    rows = []
    with tempfile.TemporaryDirectory(prefix="govsite-bench-") as tmp:
        for n in a.sizes:
            row = run_size(n, Path(tmp), hugo, max(1, a.repeat), a.units)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    fits = {}
    if len(rows) > 1:
        for key in ("govsite_s", "govsite_cpu_s", "nosearch_s", "nosearch_cpu_s"):
            fits[key] = fit_exponent([(r["pages_md"], r[key]) for r in rows])
    print()
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; {hv}; "
          f"medians of {max(1, a.repeat)} alternating run(s) per cell")
    print("| pages | govsite no search: wall / CPU | Hugo: wall / CPU | ratio (no search) | govsite with search: wall / CPU | "
          "Hugo + Pagefind: wall / CPU | ratio with search | peak RSS | load before → after |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        ratio = f"{r['ratio']}×" if "ratio" in r else "—"
        if r.get("runs", 1) > 1 and "ratio_range" in r:
            ratio += f" ({r['ratio_range'][0]}–{r['ratio_range'][1]}×)"
        ratio_s = f"{r['ratio_with_search']}×" if "ratio_with_search" in r else "—"
        print(f"| {r['pages_md']:,} | {r['nosearch_s']} s / {r['nosearch_cpu_s']} s | "
              f"{r.get('hugo_s', '—')} s / {r.get('hugo_cpu_s', '—')} s | {ratio} | "
              f"{r['govsite_s']} s / {r['govsite_cpu_s']} s | {r.get('hugo_pagefind_s', '—')} s / "
              f"{r.get('hugo_pagefind_cpu_s', '—')} s | {ratio_s} | {r['govsite_peak_mib']} MiB | "
              f"{r['load_before']} → {r['load_after']} |")
    if fits:
        print("\nfitted exponent (time ∝ pages^k): with search wall k = {govsite_s:.3f}, CPU k = {govsite_cpu_s:.3f}; "
              "no search wall k = {nosearch_s:.3f}, CPU k = {nosearch_cpu_s:.3f}".format(**fits))
    if a.json:
        a.json.write_text(json.dumps({"rows": rows, "exponents": fits, "hugo": hv, "cpus": os.cpu_count()},
                                     ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
