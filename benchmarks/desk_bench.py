"""Speed of the review desk (审签工作台, issue 15), in process, on a generated county repository with a bare
"forge" remote and the desk's own clone:

1. the inbox of a section head with ``--branches`` × ``--pages`` pages waiting for 二审 (each page signed 一审
   by an editor with an SSH key): at first sight (a fresh Workspace, the gate runs on every branch; a running
   desk does this in the background after each fetch), after a restart (the verdicts kept in the state
   folder) and warm (statuses cached in memory);
2. the review view of one 3,000-character page whose preview is built: warm and in a fresh Workspace;
3. a passkey-signed 二审 from "the assertion arrives" to "landed on the forge": ``assertion_message`` +
   ``check_assertion`` + ``land`` (commit, the gate's refusal check, push with a lease), each run on a fresh
   branch.

Setup (keys, commits, the forge, previews) is not timed. Targets from the issue: inbox ≤ 1 s, review view
≤ 0.5 s, a signed approval landed ≤ 1 s.

Usage: .venv/bin/python benchmarks/desk_bench.py [--runs 5] [--branches 100] [--pages 10] [--keep DIR]
Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHINA = dt.timezone(dt.timedelta(hours=8))
ORIGIN = "http://localhost:8765"
PEOPLE = {  # name: (email, unit, roles)
    "liming": ("liming@dachang.gov.cn", "dachang", ["editor"]),
    "zhangke": ("zhangke@dachang.gov.cn", "dachang", ["section_head"]),
    "zhaozhen": ("zhaozhen@dachang.gov.cn", "dachang", ["leader"]),
    "wangoffice": ("wang@office.gov.cn", "office", ["leader"]),
}
SENTENCES = [
    "大昌镇召开森林防火工作部署会，安排部署今冬明春森林防火工作。",
    "会议要求各村严格落实防火责任，加强巡山护林和野外用火管理。",
    "镇应急办对全镇重点林区开展拉网式排查，及时消除火灾隐患。",
    "各村要再接再励，守住森林防火底线，确保不发生重大森林火灾。",
    "镇政府组织干部群众开展防火宣传，发放宣传资料两千余份。",
    "下一步，全镇将持续加强值班值守，严格执行二十四小时值班制度。",
    "会上，各村党支部书记分别汇报了本村森林防火工作开展情况。",
    "镇党委主要负责同志强调，森林防火事关人民群众生命财产安全。",
]


class County:
    def __init__(self, root: Path, keys: dict[str, Path], when: str) -> None:
        self.root, self.keys, self.when = root, keys, when

    def git(self, *args: str, who: str = "liming", sign: bool = False) -> str:
        email = PEOPLE[who][0]
        env = {**os.environ, "GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": who,
               "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": self.when, "GIT_COMMITTER_DATE": self.when,
               "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
        pre = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys[who]}"] if sign else []
        proc = subprocess.run(["git", "-C", str(self.root), *pre, *args], env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"git {args} failed: {proc.stderr}")
        return proc.stdout.strip()

    def commit(self, msg: str, who: str, empty: bool = False) -> str:
        if not empty:
            self.git("add", "-A", who=who)
        self.git("commit", "-S", "-q", *(["--allow-empty"] if empty else []), "-m", msg, who=who, sign=True)
        return self.git("rev-parse", "HEAD")

    def write_page(self, name: str, body: str, title: str, formed: dt.date) -> str:
        path = f"content/dachang/gzdt/{name}"
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(f"---\ntitle: {title}\nformed: {formed.isoformat()}\n---\n\n{body}\n",
                                      encoding="utf-8")
        return path

    def branch_with_pages(self, branch: str, names: list[str], bodies: list[str], formed: dt.date) -> list[str]:
        """A branch off main adding pages, committed and signed 一审 by the editor (SSH key)."""
        from govsite.review.policy import DEFAULT_CHECKLIST
        from govsite.review.trailers import format_message

        self.git("checkout", "-q", "-B", branch, "main")
        paths = [self.write_page(n, b, f"大昌镇工作动态 {branch} {n[:-3]}", formed) for n, b in zip(names, bodies)]
        self.commit(f"新增：{branch}", "liming")
        blobs = self.git("rev-parse", *[f"HEAD:{p}" for p in paths]).split()
        self.commit(format_message("1", "dachang", list(zip(paths, blobs)), DEFAULT_CHECKLIST["1"]), "liming",
                    empty=True)
        return paths


def unit_yaml(unit_id: str, name: str, people: list[tuple[str, str, list[str], list[str]]],
              window: tuple[dt.date, dt.date]) -> str:
    text = (f"id: {unit_id}\nname: {name}\nkind: township\ncontact:\n  address: 重庆市巫山县\n  hours: 工作日\n"
            f"  phone: 023-57000000\n  head: 某某\nopened:\n  approval: 巫山府办函〔2022〕101号\n"
            f"  approved_on: 2022-12-01\n  announcement: {unit_id}/tzgg/kaitong.md\n  date: 2022-12-05\n"
            "columns:\n  - id: gzdt\n    title: 工作动态\n    category: news\n    update: weekly\npeople:\n")
    for pname, email, roles, keys in people:
        text += f"  - name: {pname}\n    email: {email}\n    roles: [{', '.join(roles)}]\n    keys:\n"
        for key in keys:
            text += (f"      - key: {key}\n        valid_from: {window[0].isoformat()}\n"
                     f"        valid_until: {window[1].isoformat()}\n")
    return text


def long_body(chars: int) -> str:
    out, i = "", 0
    while len(out) < chars:
        out += SENTENCES[i % len(SENTENCES)] + ("\n\n" if i % 4 == 3 else "")
        i += 1
    return out[:chars]


def stats(times: list[float]) -> str:
    return (f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, "
            f"n={len(times)})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--branches", type=int, default=100)
    ap.add_argument("--pages", type=int, default=10, help="pages per branch")
    ap.add_argument("--chars", type=int, default=3000, help="characters of the reviewed page")
    ap.add_argument("--keep", help="keep the generated repositories in this folder")
    args = ap.parse_args()

    sys.path.insert(0, str(REPO / "tests" / "govsite" / "review"))
    from authenticator import Authenticator  # the software passkey authenticator of the gate's tests

    from govsite.desk import decisions, signing, views
    from govsite.desk.config import DeskConfig
    from govsite.desk.workspace import Workspace
    from govsite.review.passkey import b64url
    from govsite.review.policy import CHECKLIST

    tmp = Path(args.keep or tempfile.mkdtemp(prefix="govsite-desk-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str]] = []
    try:
        t0 = time.perf_counter()
        now = dt.datetime.now(CHINA).replace(microsecond=0)
        today = now.date()
        when = (now - dt.timedelta(hours=1)).isoformat()
        window = (today - dt.timedelta(days=30), today + dt.timedelta(days=60))  # ≤ 92 days (Art. 38)
        keys = {}
        (tmp / "keys").mkdir(exist_ok=True)
        for who in PEOPLE:
            keys[who] = tmp / "keys" / who
            keys[who].unlink(missing_ok=True)
            Path(f"{keys[who]}.pub").unlink(missing_ok=True)
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", who, "-f", str(keys[who])],
                           check=True)
        pub = {w: " ".join(Path(f"{k}.pub").read_text().split()[:2]) for w, k in keys.items()}
        head_key = Authenticator()  # the section head's passkey
        county = County(tmp / "county", keys, when)
        shutil.rmtree(county.root, ignore_errors=True)
        county.root.mkdir(parents=True)
        county.git("init", "-q", "-b", "main")
        (county.root / "units").mkdir()
        units = {"dachang": ("巫山县大昌镇人民政府", []), "office": ("巫山县人民政府办公室", [])}
        for who, (email, unit, roles) in PEOPLE.items():
            extra = [head_key.roster_key] if who == "zhangke" else []
            units[unit][1].append((who, email, roles, [pub[who], *extra]))
        for uid, (name, people) in units.items():
            (county.root / "units" / f"{uid}.yml").write_text(unit_yaml(uid, name, people, window), encoding="utf-8")
        (county.root / "content").mkdir()
        (county.root / "content" / ".keep").write_text("")
        (county.root / "site_config").mkdir()
        (county.root / "site_config" / "site.yml").write_text("name: 巫山县人民政府\nregion_code: \"500237\"\n",
                                                              encoding="utf-8")
        county.commit("初始化人员名单", "wangoffice")
        formed = today - dt.timedelta(days=3)
        for b in range(args.branches):
            county.branch_with_pages(f"inbox-{b:03d}", [f"p{b:03d}-{i:02d}.md" for i in range(args.pages)],
                                     [SENTENCES[(b + i) % len(SENTENCES)] + SENTENCES[i % len(SENTENCES)]
                                      for i in range(args.pages)], formed)
        county.git("checkout", "-q", "main")
        forge = tmp / "forge.git"
        shutil.rmtree(forge, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", "--bare", str(county.root), str(forge)], check=True)
        clone = tmp / "desk-clone"
        shutil.rmtree(clone, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(forge), str(clone)], check=True)
        state = tmp / "state"
        shutil.rmtree(state, ignore_errors=True)
        config = DeskConfig(root=clone, state=state, remote="origin")
        email = PEOPLE["zhangke"][0]
        setup = time.perf_counter() - t0

        # 1. the inbox
        n_pages = args.branches * args.pages
        # the previews, one branch at a time (not timed): the inbox starts one build per branch in background
        # threads, and concurrent builds fail (TypeError in the MkDocs plugin) or hang (a fork from a
        # threaded process), so the first inbox of a fresh desk is left out of the figures
        builder = Workspace(config)
        for b in builder.branches():
            builder.digests(b.tip)
        cold, restarted, warm = [], [], []
        for _ in range(args.runs):
            shutil.rmtree(state / "verdicts", ignore_errors=True)
            ws = Workspace(config)
            start = time.perf_counter()
            got = views.inbox(ws, email)
            cold.append(time.perf_counter() - start)
            assert len(got) == n_pages
        hurried, shown = [], []
        for _ in range(args.runs):  # what the desk answers at first sight: judged within its budget, rest counted
            from govsite.desk.app import INBOX_BUDGET

            shutil.rmtree(state / "verdicts", ignore_errors=True)
            ws = Workspace(config)
            start = time.perf_counter()
            partial = views.inbox_within(ws, email, INBOX_BUDGET)
            hurried.append(time.perf_counter() - start)
            shown.append(len(partial.items))
            assert partial.judging == 0 or len(partial.items) < n_pages
        ws.judge_all()  # the background run finishes what the budget left
        for _ in range(args.runs):
            ws = Workspace(config)
            start = time.perf_counter()
            got = views.inbox(ws, email)
            restarted.append(time.perf_counter() - start)
            assert len(got) == n_pages
        for _ in range(args.runs):
            start = time.perf_counter()
            views.inbox(ws, email)
            warm.append(time.perf_counter() - start)
        label = f"inbox, {n_pages:,} pages waiting ({args.branches} branches × {args.pages})"
        rows.append((f"{label}, first sight (fresh Workspace, nothing judged yet, previews on disk)", stats(cold),
                     "≤ 1 s"))
        rows.append((f"{label}, first sight as the desk answers it (judging for at most {INBOX_BUDGET} s, the rest "
                     f"counted as being judged; pages shown: median {statistics.median(shown):.0f})", stats(hurried),
                     "≤ 1 s"))
        rows.append((f"{label}, after a restart (fresh Workspace, verdicts kept on disk)", stats(restarted), "≤ 1 s"))
        rows.append((f"{label}, warm (statuses cached)", stats(warm), "≤ 1 s"))

        # 2. the review view of a long page, and 3. signed approvals: fresh branches pushed to the forge
        body = long_body(args.chars)
        extra = ["view", *[f"land-{i}" for i in range(args.runs)]]
        land_paths = {}
        for name in extra:
            [path] = county.branch_with_pages(name, [f"{name}.md"], [body], formed)
            land_paths[name] = path
        county.git("checkout", "-q", "main")
        county.git("push", "-q", str(forge), *extra)
        ws = Workspace(config)
        ws.refresh(force=True)
        view_tip = ws.branch("view").tip
        t1 = time.perf_counter()
        ws.digests(view_tip)  # builds the preview (not timed)
        build = time.perf_counter() - t1
        view_path = land_paths["view"]
        chars = len(body)
        pv = views.page_view(ws, email, "view", view_path)  # fills the status cache
        assert pv.article is not None and pv.mine, (pv.article is None, pv.mine)
        warm_view, fresh_view = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            views.page_view(ws, email, "view", view_path)
            warm_view.append(time.perf_counter() - start)
        for _ in range(args.runs):
            fresh = Workspace(config)
            start = time.perf_counter()
            views.page_view(fresh, email, "view", view_path)
            fresh_view.append(time.perf_counter() - start)
        rows.append((f"review view, one {chars:,}-character page, preview built, warm", stats(warm_view), "≤ 0.5 s"))
        rows.append(("review view, same page, fresh Workspace (the gate runs on the branch)", stats(fresh_view),
                     "≤ 0.5 s"))

        checklist = tuple(CHECKLIST)
        landed_times, prepare_times = [], []
        for i in range(args.runs):
            branch = f"land-{i}"
            start = time.perf_counter()
            prepared = decisions.approve(ws, email, branch, land_paths[branch], "2", checklist=checklist,
                                         accept_exemptions=False)
            prepare_times.append(time.perf_counter() - start)
            auth, client, sig = head_key.make_assertion(prepared.challenge, ORIGIN)  # the browser's part
            credential = {"id": b64url(head_key.credential_id),
                          "response": {"authenticatorData": b64url(auth), "clientDataJSON": b64url(client),
                                       "signature": b64url(sig)}}
            start = time.perf_counter()
            message, _key = signing.assertion_message(prepared, credential, ws.passkeys(email))
            signing.check_assertion(ws, message, dt.datetime.fromisoformat(prepared.when))
            landed = signing.land(ws, prepared, message, "zhangke", email)
            landed_times.append(time.perf_counter() - start)
            on_forge = subprocess.run(["git", "--git-dir", str(forge), "rev-parse", f"refs/heads/{branch}"],
                                      capture_output=True, text=True, check=True).stdout.strip()
            assert on_forge == landed.commit, (on_forge, landed.commit)
        after = views.page_view(Workspace(config), email, "view", view_path)  # unchanged branch, still waiting
        assert after.mine
        check = Workspace(config)
        for i in range(args.runs):
            result = check.status(check.branch(f"land-{i}")).results[land_paths[f"land-{i}"]]
            assert result.tiers[1].state == "valid", result.tiers[1]
        rows.append(("prepare a 二审 (`decisions.approve`, not part of the target)", stats(prepare_times), "—"))
        rows.append(("signed 二审 landed: assertion_message + check_assertion + land (commit, gate refusal "
                     "check, push with lease to a local bare repository)", stats(landed_times), "≤ 1 s"))
        print(f"(setup {setup:.0f} s; preview of the reviewed branch built in {build:.1f} s)", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}); govsite {rev}"
          f"{' + uncommitted changes' if dirty else ''}; python {sys.version.split()[0]}")
    print("\n| measurement | result | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
