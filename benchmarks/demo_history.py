"""Turn a copy of the sample county into a git repository whose history shows what `govsite audit` finds.

The copy (content/, units/, site_config/, hooks/, mkdocs.yml) gets one commit per publishing day: each page
is published 1–3 working days after its `formed` date, at 10:00–17:00 China time, up to ``--end`` (default:
today in China). Into that history the script works, on purpose:

- stale columns: the newest pages of 县教委“工作动态” (weekly) and 官渡镇“统计信息” (quarterly) are never
  published, so those columns run past their Art. 23 intervals;
- an over-20-working-day page: 县发展改革委“通知公告” gets a notice formed just before the National Day
  holiday and published weeks later (Art. 21);
- a dead link: 大昌镇 publishes a page linking to an attachment that was never committed (Art. 26–27);
- a small new-media account: 官渡镇 registers a 抖音 account opened more than a year ago with 1,260
  followers and no post for weeks (Art. 9, 23(6)).

Then it builds the site into ``OUT/site`` (``govsite build --preview``), so that

    cd OUT && govsite audit                # names each problem with its article and fix
    govsite audit --format html -o card.html

Usage: .venv/bin/python benchmarks/demo_history.py OUT [--end YYYY-MM-DD] [--no-build]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHINA = dt.timezone(dt.timedelta(hours=8))
NEVER_PUBLISHED = ["content/jiaowei/gzdt/2026-11-22-anquan-jiancha.md", "content/guandu/tjxx/2026-10-18-qiansanjidu-zhibiao.md"]
LATE_PAGE = ("content/fgw/tzgg/2026-09-29-jieri-zhiban.md", dt.date(2026, 9, 29), """---
title: 县发展改革委关于做好国庆节期间价格监测工作的通知
formed: 2026-09-29
doc_number: 巫山发改发〔2026〕41号
category: 综合政务
---
各乡镇（街道）、县级有关部门：

为做好国庆节期间重要民生商品价格监测工作，现将有关事项通知如下。

一、节日期间实行价格日报制度，各监测点每日上午10时前报送监测数据。

二、发现价格异常波动的，应及时报告县发展改革委。

特此通知。
""")
DEAD_LINK_PAGE = ("content/dachang/gzdt/2026-11-26-dongji-xunlian.md", dt.date(2026, 11, 26), """---
title: 大昌镇开展冬季森林防火应急演练
formed: 2026-11-26
category: 应急管理
---
11月26日，大昌镇在白果村组织开展冬季森林防火应急演练，镇应急队伍和各村护林员共60余人参加。

演练方案详见附件：[大昌镇冬季森林防火应急演练方案](files/yanlian-fangan.pdf)。
""")
SMALL_ACCOUNT = """  - platform: 抖音
    name: 官渡镇发布
    account: wsgdz
    approval: 巫山府办函〔2024〕9号
    opened: 2024-06-01
    followers: 1260
    followers_on: 2026-11-01
    last_post: 2026-10-30
"""


def _workdays_after(day: dt.date, n: int) -> dt.date:
    from govsite.core.workdays import add_working_days

    return add_working_days(day, n)


def _formed(text: str) -> dt.date | None:
    m = re.search(r"^formed:\s*['\"]?(\d{4}-\d{2}-\d{2})", text, re.M)
    return dt.date.fromisoformat(m.group(1)) if m else None


def _git(root: Path, *args: str, when: dt.datetime | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="巫山县大数据管理中心", GIT_COMMITTER_NAME="巫山县大数据管理中心",
               GIT_AUTHOR_EMAIL="dsjzx@wushan.example.gov.cn", GIT_COMMITTER_EMAIL="dsjzx@wushan.example.gov.cn")
    if when is not None:
        stamp = when.isoformat()
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def make_demo(out: Path, end: dt.date, seed: int = 6, build: bool = True) -> None:
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"demo_history: 输出目录 {out} 不为空，请指定一个新目录。")
    out.mkdir(parents=True, exist_ok=True)
    for name in ("units", "site_config", "hooks"):
        shutil.copytree(REPO / name, out / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", ".gitignore"):
        shutil.copy2(REPO / name, out / name)
    # the small new-media account (Art. 9)
    guandu = out / "units" / "guandu.yml"
    text = guandu.read_text(encoding="utf-8")
    text = text.replace("people:", "new_media:\n" + SMALL_ACCOUNT + "people:", 1) if "new_media:" not in text \
        else text.replace("new_media:\n", "new_media:\n" + SMALL_ACCOUNT, 1)
    guandu.write_text(text, encoding="utf-8")

    rng = random.Random(seed)
    pages: list[tuple[dt.date, str, bytes]] = []   # (publish day, rel path, bytes)
    assets: dict[str, bytes] = {}
    for p in sorted((REPO / "content").rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(REPO).as_posix()
        if rel.endswith(".md"):
            if rel in NEVER_PUBLISHED:
                continue
            formed = _formed(p.read_text(encoding="utf-8")) or end
            pages.append((_workdays_after(formed, rng.randint(1, 3)), rel, p.read_bytes()))
        else:
            assets[rel] = p.read_bytes()
    for rel, formed, text in (LATE_PAGE, DEAD_LINK_PAGE):
        delay = 24 if rel == LATE_PAGE[0] else 1  # the late notice: 24 working days after it was formed
        pages.append((_workdays_after(formed, delay), rel, text.encode("utf-8")))
    pages = [p for p in pages if p[0] <= end]
    first = min(d for d, _, _ in pages) - dt.timedelta(days=3)

    _git(out, "init", "-q", "-b", "main")
    for rel, data in assets.items():   # attachments referenced by pages exist from the start
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    _git(out, "add", "-A")
    _git(out, "commit", "-q", "-m", "开通县政府门户网站集约化平台：单位、栏目目录与站点配置",
         when=dt.datetime(first.year, first.month, first.day, 9, 30, tzinfo=CHINA))
    by_day: dict[dt.date, list[tuple[str, bytes]]] = {}
    for day, rel, data in pages:
        by_day.setdefault(day, []).append((rel, data))
    for day in sorted(by_day):
        for rel, data in by_day[day]:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)
        _git(out, "add", "-A")
        when = dt.datetime(day.year, day.month, day.day, rng.randint(10, 17), rng.randint(0, 59), tzinfo=CHINA)
        _git(out, "commit", "-q", "-m", f"发布 {len(by_day[day])} 篇稿件（{day.isoformat()}）", when=when)
    print(f"demo_history: 已在 {out} 生成演示仓库：{len(pages)} 篇稿件、{len(by_day) + 1} 个提交，截至 {end}。")
    if build:
        proc = subprocess.run([sys.executable, "-m", "govsite", "--root", str(out), "build", "--preview", "-o",
                               str(out / "site")], capture_output=True, text=True,
                              env=dict(os.environ, PYTHONPATH=str(REPO)))
        if proc.returncode != 0:
            print(proc.stdout + proc.stderr, file=sys.stderr)
            raise SystemExit("demo_history: 站点构建失败（见上）。")
        print(f"demo_history: 站点已构建到 {out / 'site'}（读网看板在 {out / 'site-internal'}）。"
              f"现在运行：cd {out} && govsite audit")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成带有演示问题的样例县 git 历史，供 govsite audit 试用")
    ap.add_argument("out", type=Path, help="输出目录（将创建，须为空）")
    ap.add_argument("--end", help="历史截止日期 YYYY-MM-DD（默认今天，北京时间）")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--no-build", action="store_true", help="不构建站点（不做链接检查时更快）")
    a = ap.parse_args(argv)
    end = dt.date.fromisoformat(a.end) if a.end else dt.datetime.now(CHINA).date()
    make_demo(a.out, end, a.seed, build=not a.no_build)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
