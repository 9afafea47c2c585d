"""Two versions of the portal build side by side (issue 5): which change made the build faster, and by how much.

Builds one synthetic corpus (``corpus.py``) with ``govsite build --preview --no-search`` from two git
revisions of this repository (checked out into temporary worktrees, their Python compiled once), alternating
A and B ``--runs`` times so that a slower stretch of a shared machine hits both, and prints the median and
best wall time, the median CPU time (with child processes), and the size of the output (total, and the mean
article page). ``--args-a`` / ``--args-b`` add build options for one side only, e.g. the same revision
with and without a feature (the pairs alternate their order, A B then B A, so that neither side always runs on
the warmer machine); ``--env-a`` / ``--env-b`` set environment variables (revisions before the portal
became a plugin switched features with ``GOVSITE_NO_SKELETON=1``):

    .venv/bin/python benchmarks/build_compare.py HEAD~1 HEAD --pages 1000 --units 66 --runs 5
    .venv/bin/python benchmarks/build_compare.py HEAD HEAD --args-a=--no-skeletons --pages 1000
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

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402


def checkout(rev: str, dest: Path) -> Path:
    """``rev`` of this repository as a detached worktree at ``dest``, its Python compiled."""
    proc = subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(dest), rev],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"build_compare: 无法检出版本 {rev}：{proc.stderr.strip()}", file=sys.stderr)
        raise SystemExit(2)
    folders = [d for d in ("checks", "govsite", "hooks") if (dest / d).is_dir()]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], cwd=dest, check=True)
    return dest


def command_module(tree: Path) -> str:
    """``govsite`` for revisions with the program package, ``checks`` for earlier ones."""
    return "govsite" if (tree / "govsite" / "__main__.py").is_file() else "checks"


def build_once(tree: Path, root: Path, out: Path, extra_env: dict[str, str], extra_args: list[str]) -> float:
    """Wall seconds of one preview build without search (its CPU time: the caller's ``os.times`` children)."""
    env = dict(os.environ, PYTHONPATH=str(tree), NO_MKDOCS_2_WARNING="1", **extra_env)
    env.pop("SOURCE_DATE_EPOCH", None)
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", command_module(tree), "--root", str(root), "build", "--preview",
                             "--no-search", "-o", str(out), *extra_args], cwd=tree, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"build_compare: {tree} 构建失败：{err.decode('utf-8', 'replace')[-2000:]}")
    return wall


def site_size(out: Path) -> tuple[int, int]:
    """(total bytes, mean bytes of an article page: ``unit/column/slug/index.html``)."""
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    articles = [p.stat().st_size for p in out.rglob("index.html") if len(p.relative_to(out).parts) == 4]
    return total, (sum(articles) // len(articles) if articles else 0)


def parse_env(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            print(f"build_compare: 环境变量应写成 KEY=VALUE：{item}", file=sys.stderr)
            raise SystemExit(2)
        out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="两个版本的门户构建交替对比")
    ap.add_argument("a", help="版本 A（git 修订号）")
    ap.add_argument("b", help="版本 B（git 修订号）")
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--units", type=int, default=0, help="单位数（超出样例县的单位由样例克隆）")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--env-a", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--env-b", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--args-a", action="append", default=[], metavar="OPTION", help="build option for A only")
    ap.add_argument("--args-b", action="append", default=[], metavar="OPTION", help="build option for B only")
    a = ap.parse_args(argv)
    envs = {"A": parse_env(a.env_a), "B": parse_env(a.env_b)}
    args = {"A": a.args_a, "B": a.args_b}
    with tempfile.TemporaryDirectory(prefix="govsite-compare-") as tmp:
        work = Path(tmp)
        trees: dict[str, Path] = {}
        try:
            trees["A"] = checkout(a.a, work / "A")
            trees["B"] = checkout(a.b, work / "B")
            root = work / "corpus"
            corpus.generate(root, a.pages, seed=1, history_years=3.0, units=a.units)
            walls: dict[str, list[float]] = {"A": [], "B": []}
            cpus: dict[str, list[float]] = {"A": [], "B": []}
            sizes: dict[str, tuple[int, int]] = {}
            for run in range(max(1, a.runs)):
                # A B, then B A: whichever goes second in a pair runs on a warmer (or busier) machine
                for side in (("A", "B") if run % 2 == 0 else ("B", "A")):
                    out = work / f"site-{side}"
                    before = os.times()
                    wall = build_once(trees[side], root, out, envs[side], args[side])
                    after = os.times()
                    cpus[side].append(after.children_user + after.children_system
                                      - before.children_user - before.children_system)
                    walls[side].append(wall)
                    sizes[side] = site_size(out)
                    shutil.rmtree(out)
        finally:
            for tree in trees.values():
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
    units = f"{a.units} units" if a.units else "the sample's units"
    print(f"{a.pages} pages, {units}, {a.runs} runs each in ABBA order, no search")
    print("| side | revision | env | wall median | wall best | CPU median | site size | article page |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for side, rev in (("A", a.a), ("B", a.b)):
        env = " ".join([*(f"{k}={v}" for k, v in envs[side].items()), *args[side]]) or "—"
        total, page = sizes[side]
        print(f"| {side} | {rev} | {env} | {statistics.median(walls[side]):.2f} s | {min(walls[side]):.2f} s | "
              f"{statistics.median(cpus[side]):.2f} s | {total / 2**20:.1f} MiB | {page / 1024:.1f} KiB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
