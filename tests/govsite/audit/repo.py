"""Tiny real govsite repositories with git histories at chosen dates (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

SITE = """name: 巫山县人民政府
county: 巫山县
sponsor: 巫山县人民政府办公室
interaction_url: https://www.cqws.gov.cn/hdjl/ldxx/
office_unit: office
operator_unit: bigdata
base_url: https://www.cqws.gov.cn/
"""

UNIT = """id: {uid}
name: 巫山县{short}人民政府
short_name: {short}
kind: {kind}
contact:
  address: 重庆市巫山县{short}人民路1号
  hours: 工作日9:00—12:00，14:00—18:00
  phone: 023-57681234
  head: 王立新
opened:
  approval: 巫山府办函〔2022〕1号
  approved_on: 2022-01-05
  announcement: {uid}/tzgg/open.md
  date: 2022-01-10
{extra}columns:
{columns}"""


def unit_yml(uid: str = "ceshi", short: str = "测试镇", kind: str = "agency",
             columns: list[tuple[str, str, str, str]] | None = None, extra: str = "") -> str:
    cols = columns if columns is not None else [("gzdt", "工作动态", "news", "weekly")]
    body = "".join(f"  - {{id: {c}, title: {t}, category: {k}, update: {u}}}\n" for c, t, k, u in cols)
    return UNIT.format(uid=uid, short=short, kind=kind, extra=extra, columns=body)


def page(title: str, formed: str | dt.date) -> str:
    return f"---\ntitle: {title}\nformed: {formed}\n---\n{title}。\n\n特此通知。\n"


class Repo:
    """A repository under ``root``; ``commit(day, files)`` writes files and commits them at ``day`` 10:00 +0800."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.write({"site_config/site.yml": SITE})

    def git(self, *args: str, date: str | None = None) -> str:
        env = dict(os.environ, GIT_AUTHOR_NAME="测试", GIT_COMMITTER_NAME="测试",
                   GIT_AUTHOR_EMAIL="t@example.gov.cn", GIT_COMMITTER_EMAIL="t@example.gov.cn",
                   GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
        if date:
            env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        return subprocess.run(["git", "-C", str(self.root), *args], env=env, check=True, capture_output=True,
                              text=True).stdout

    def write(self, files: dict[str, str]) -> None:
        for rel, text in files.items():
            p = self.root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")

    def commit(self, day: str | dt.date, files: dict[str, str], time: str = "10:00:00") -> None:
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"发布 {day}", date=f"{day}T{time}+08:00")
