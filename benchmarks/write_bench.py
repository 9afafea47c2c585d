"""Speed of the editor's live checks (写稿, 实时检查) over HTTP: ``--editors`` editors typing at once, each
browser POSTing its draft to /api/check every ``--interval`` seconds (the page's debounce) while the body of
a ``--chars``-character page grows and is corrected a few characters at a time, as a typist does.

The real desk app (``govsite.desk.app.create_app``) is served by uvicorn in a thread on a free port, over a
generated county repository (unit dachang, ``--editors`` editors, no forge); sessions are opened directly in
the desk's store (no passkeys). Each request's wall latency is measured with urllib from the client threads,
after a few warm-up requests per editor. One editor alone (no concurrency) is measured for comparison.

Target from the issue: live findings for a 3,000-character page within 300 ms at the 95th percentile while
typing, with ten editors typing at once, on a 2-core machine.

Usage: .venv/bin/python benchmarks/write_bench.py [--editors 10] [--requests 60] [--chars 3000]
       [--interval 0.4] [--warmup 3] [--keep DIR] [--profile]
Prints a Markdown table for BENCHMARKS.md (``--profile``: also the top functions of one check, in process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

from desk_bench import SENTENCES, unit_yaml  # noqa: E402 - the review desk's benchmark county

CHINA = dt.timezone(dt.timedelta(hours=8))
# more government-news sentences, a few with work for the checks: a typo, a private mobile number
EXTRA = [
    "镇卫生院开展家庭医生签约服务，为辖区老年人免费体检。",
    "如有疑问，请联系镇农业服务中心工作人员，电话13812345678。",
    "全镇上下要再接再励，确保各项工作任务按期完成。",
    "镇纪委对防火值守情况开展专项督查，发现问题立即整改。",
    "各村（社区）要切实提高政治站位，认真贯彻落实上级决策部署。",
    "截至目前，全镇已完成防火隔离带清理十二公里。",
]
TYPING = "大昌镇干部职工深入田间地头，帮助群众解决生产生活中的实际困难。"  # what the editors type next


def body_text(chars: int, seed: int) -> str:
    """A ``chars``-character body of the county's sentences in paragraphs (each editor's in its own order)."""
    pool = SENTENCES + EXTRA
    rng = random.Random(seed)
    out, i = "", 0
    while len(out) < chars:
        out += rng.choice(pool) + ("\n\n" if i % 4 == 3 else "")
        i += 1
    # the typo and the number early, so every draft has them
    return (EXTRA[1] + EXTRA[2] + "\n\n" + out)[:chars]


class Typist:
    """The body as an editor types it: mostly a few characters appended, sometimes a backspace, sometimes a
    word corrected in the middle of the page."""

    def __init__(self, body: str, seed: int) -> None:
        self.body, self.rng, self.pos = body, random.Random(seed), 0

    def step(self) -> str:
        r = self.rng.random()
        if r < 0.7:  # a few characters typed at the end
            n = self.rng.randint(2, 6)
            chunk = "".join(TYPING[(self.pos + k) % len(TYPING)] for k in range(n))
            self.pos += n
            self.body += chunk
        elif r < 0.85:  # backspace
            self.body = self.body[:-self.rng.randint(1, 3)]
        else:  # a correction in the middle
            at = self.rng.randrange(0, max(1, len(self.body) - 4))
            self.body = self.body[:at] + TYPING[self.pos % len(TYPING)] * 2 + self.body[at + 2:]
            self.pos += 1
        return self.body


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "wangoffice", "GIT_AUTHOR_EMAIL": "wang@office.gov.cn",
           "GIT_COMMITTER_NAME": "wangoffice", "GIT_COMMITTER_EMAIL": "wang@office.gov.cn",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"git {args} failed: {proc.stderr}")
    return proc.stdout.strip()


def build_county(root: Path, editors: list[str], chars: int) -> None:
    """The county repository: units dachang (the editors) and office, a few published pages, committed."""
    today = dt.datetime.now(CHINA).date()
    window = (today - dt.timedelta(days=30), today + dt.timedelta(days=60))
    shutil.rmtree(root, ignore_errors=True)
    (root / "units").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    people = [(e.split("@")[0], e, ["editor"], []) for e in editors]
    people.append(("zhangke", "zhangke@dachang.gov.cn", ["section_head"], []))
    units = {"dachang": ("巫山县大昌镇人民政府", people),
             "office": ("巫山县人民政府办公室", [("wangoffice", "wang@office.gov.cn", ["leader"], [])])}
    for uid, (name, folks) in units.items():
        text = unit_yaml(uid, name, folks, window).replace("    keys:\n", "    keys: []\n")
        (root / "units" / f"{uid}.yml").write_text(text, encoding="utf-8")
    (root / "site_config").mkdir()
    (root / "site_config" / "site.yml").write_text("name: 巫山县人民政府\nregion_code: \"500237\"\n",
                                                   encoding="utf-8")
    pages = root / "content" / "dachang" / "gzdt"
    pages.mkdir(parents=True)
    for i in range(20):  # the column's earlier pages
        formed = today - dt.timedelta(days=7 * (i + 1))
        (pages / f"{formed.isoformat()}-p{i:02d}.md").write_text(
            f"---\ntitle: 大昌镇工作动态（第{i + 1}期）\nformed: {formed.isoformat()}\n---\n\n"
            f"{body_text(chars // 3, 1000 + i)}\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "初始化人员名单")


class Desk:
    """The desk app served by uvicorn in a thread on a free port."""

    def __init__(self, root: Path, state: Path) -> None:
        import socket

        import uvicorn

        from govsite.desk.app import create_app
        from govsite.desk.config import DeskConfig

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        config = DeskConfig(root=root, state=state, remote=None, port=self.port, fetch_every=0.0)
        self.server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return f"http://localhost:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class Editor:
    def __init__(self, origin: str, email: str, state: Path, chars: int, seed: int) -> None:
        from govsite.desk.store import Store

        session = Store(state).open_session(email)
        self.origin, self.email = origin, email
        self.headers = {"Cookie": f"govsite_desk={session.id}", "X-CSRF-Token": session.csrf, "Origin": origin,
                        "Content-Type": "application/json"}
        today = dt.datetime.now(CHINA).date().isoformat()
        self.draft = {"unit": "dachang", "column": "gzdt", "name": f"{today}-fanghuo-{seed}",
                      "title": "大昌镇召开森林防火工作部署会", "formed": today}
        self.typist = Typist(body_text(chars, seed), seed)
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.findings = 0

    def check(self) -> float:
        body = self.typist.step()
        data = json.dumps({"draft": {**self.draft, "body": body}, "draft_id": ""}, ensure_ascii=False)
        req = urllib.request.Request(f"{self.origin}/api/check", data=data.encode("utf-8"), headers=self.headers,
                                     method="POST")
        start = time.perf_counter()
        with self.opener.open(req, timeout=60) as resp:
            answer = resp.read()
        took = time.perf_counter() - start
        self.findings = len(json.loads(answer)["findings"])
        return took


def type_along(editors: list[Editor], requests: int, warmup: int, interval: float) -> list[float]:
    """Every editor in its own thread, one check every ``interval`` seconds (or right after the previous
    answer if it came later), starts staggered; the latencies after each editor's warm-up requests."""
    times: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def run(ed: Editor, offset: float) -> None:
        try:
            time.sleep(offset)
            start = time.perf_counter()
            for k in range(warmup + requests):
                took = ed.check()
                if k >= warmup:
                    with lock:
                        times.append(took)
                wait = start + (k + 1) * interval - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    rng = random.Random(7)
    threads = [threading.Thread(target=run, args=(ed, rng.uniform(0, interval))) for ed in editors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return times


def pct(times: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(times)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def row(label: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (f"| {label} | {len(ms)} | {statistics.median(ms):.0f} | {pct(ms, 95):.0f} | {pct(ms, 99):.0f} | "
            f"{max(ms):.0f} |")


def profile(root: Path, state: Path, chars: int) -> None:
    """cProfile of one live check in process (warm: the checker cached in the Workspace, as in the desk)."""
    import cProfile
    import io
    import pstats

    from govsite.desk import drafting
    from govsite.desk.config import DeskConfig
    from govsite.desk.workspace import Workspace

    ws = Workspace(DeskConfig(root=root, state=state, remote=None))
    today = dt.datetime.now(CHINA).date().isoformat()
    typist = Typist(body_text(chars, 99), 99)
    draft = drafting.Draft(unit="dachang", column="gzdt", name=f"{today}-profile", title="大昌镇召开森林防火工作部署会",
                           formed=today, body=typist.body)
    drafting.check(ws, draft)  # warm
    prof = cProfile.Profile()
    runs = 10
    start = time.perf_counter()
    prof.enable()
    for _ in range(runs):
        draft.body = typist.step()
        drafting.check(ws, draft)
    prof.disable()
    each = (time.perf_counter() - start) / runs
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
    print(f"\nProfile: drafting.check in process, {runs} runs, {each * 1000:.0f} ms each (under cProfile)\n")
    print("```\n" + out.getvalue().strip() + "\n```")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(20)
    print("\n```\n" + out.getvalue().strip() + "\n```")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--editors", type=int, default=10)
    ap.add_argument("--requests", type=int, default=60, help="measured requests per editor")
    ap.add_argument("--warmup", type=int, default=3, help="requests per editor before measuring")
    ap.add_argument("--chars", type=int, default=3000, help="characters of each editor's page")
    ap.add_argument("--interval", type=float, default=0.4, help="seconds between an editor's checks")
    ap.add_argument("--keep", help="keep the generated repository and state in this folder")
    ap.add_argument("--profile", action="store_true", help="also profile one check in process (cProfile)")
    args = ap.parse_args()

    tmp = Path(args.keep or tempfile.mkdtemp(prefix="govsite-write-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        root, state = tmp / "county", tmp / "state"
        shutil.rmtree(state, ignore_errors=True)
        emails = [f"editor{i:02d}@dachang.gov.cn" for i in range(args.editors)]
        build_county(root, emails, args.chars)
        with Desk(root, state) as origin:
            first = Editor(origin, emails[0], state, args.chars, 0)
            cold = first.check()  # builds the checker once (cached in the desk's Workspace)
            setup = time.perf_counter() - t0
            solo = type_along([first], args.requests, args.warmup, args.interval)
            editors = [Editor(origin, e, state, args.chars, i) for i, e in enumerate(emails)]
            t1 = time.perf_counter()
            together = type_along(editors, args.requests, args.warmup, args.interval)
            wall = time.perf_counter() - t1
        findings = [ed.findings for ed in editors]
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
        print(f"Machine: nproc {nproc}, "
              f"Python {sys.version.split()[0]}, govsite {rev}. Pages of {args.chars:,} characters, "
              f"a check every {args.interval * 1000:.0f} ms per editor, {args.warmup} warm-up requests per editor "
              f"not counted; setup {setup:.1f} s (first check, building the checker: {cold * 1000:.0f} ms); "
              f"{args.editors} editors: {len(together)} checks in {wall:.1f} s "
              f"({len(together) / wall:.1f}/s), {min(findings)}–{max(findings)} findings per answer.\n")
        print("| live check (POST /api/check) | requests | p50 ms | p95 ms | p99 ms | max ms |")
        print("|---|---:|---:|---:|---:|---:|")
        print(row("1 editor alone", solo))
        print(row(f"{args.editors} editors typing at once", together))
        p95 = pct(together, 95)
        print(f"\nTarget: p95 ≤ 300 ms with {args.editors} editors: "
              f"{'met' if p95 <= 0.3 else 'missed'} ({p95 * 1000:.0f} ms).")
        if args.profile:
            profile(root, tmp / "state-profile", args.chars)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
