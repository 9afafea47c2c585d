"""Helpers for the audit tests: small govsite repositories with real git histories at chosen dates."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]

SITE_YML = """\
name: 巫山县人民政府
county: 巫山县
sponsor: 巫山县人民政府办公室
interaction_url: https://www.cqws.gov.cn/hdjl/
office_unit: office
operator_unit: bigdata
"""


def unit_yml(uid: str = "town", kind: str = "agency", columns: list[tuple[str, str, str, str]] | None = None,
             extra: str = "", opened: str = "2022-01-10") -> str:
    """A valid unit file. ``columns`` are (id, title, category, update); ``extra`` is raw YAML appended."""
    columns = columns if columns is not None else [("gzdt", "工作动态", "news", "weekly")]
    cols = "".join(f"  - {{id: {c}, title: {t}, category: {k}, update: {u}, owner: 办公室 李明}}\n"
                   for c, t, k, u in columns)
    return (f"id: {uid}\nname: 巫山县大昌镇人民政府\nshort_name: 大昌镇\nkind: {kind}\n"
            "contact:\n  address: 重庆市巫山县大昌镇人民路1号\n  hours: 工作日9:00—18:00\n"
            "  phone: 023-57681234\n  head: 王立新\n"
            f"opened:\n  approval: 巫山府办函〔2022〕1号\n  approved_on: 2022-01-05\n"
            f"  announcement: {uid}/gzdt/open.md\n  date: {opened}\n"
            f"columns:\n{cols}" + textwrap.dedent(extra))


class AuditRepo:
    """A throwaway govsite repository whose commits carry chosen dates (China time, +08:00)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for d in ("units", "content", "site_config"):
            (root / d).mkdir(parents=True, exist_ok=True)
        (root / "site_config" / "site.yml").write_text(SITE_YML, encoding="utf-8")
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str | None = None) -> str:
        env = dict(os.environ, GIT_AUTHOR_NAME="测试", GIT_AUTHOR_EMAIL="t@example.gov.cn",
                   GIT_COMMITTER_NAME="测试", GIT_COMMITTER_EMAIL="t@example.gov.cn",
                   GIT_CONFIG_NOSYSTEM="1", HOME=str(self.root))
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        proc = subprocess.run(["git", "-C", str(self.root), "-c", "commit.gpgsign=false", *args],
                              capture_output=True, text=True, env=env, check=True)
        return proc.stdout

    def unit(self, uid: str = "town", **kw: Any) -> None:
        (self.root / "units" / f"{uid}.yml").write_text(unit_yml(uid, **kw), encoding="utf-8")

    def page(self, rel: str, formed: str = "2026-01-05", title: str = "测试稿件", body: str = "本镇召开工作会议。\n") -> None:
        path = self.root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {title}\nformed: {formed}\n---\n{body}", encoding="utf-8")

    def commit(self, day: str, message: str = "publish", time: str = "10:00:00") -> None:
        """Commit everything with author and committer date ``day`` at ``time`` China time."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=f"{day}T{time}+08:00")

    def audit(self, as_of: str, site: Path | None = None) -> dict:
        """The audit report as JSON data, through the plain function the CLI uses."""
        from govsite.audit.run import run_audit

        report = run_audit(self.root, dt.date.fromisoformat(as_of), site_dir=site, run_checks=False)
        return json.loads(json.dumps(report.to_dict(), ensure_ascii=False, default=str))

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        env.pop("GOVSITE_ROOT", None)
        return subprocess.run([sys.executable, "-m", "govsite", "--root", str(self.root), "audit", *args],
                              capture_output=True, text=True, env=env, cwd=self.root)


def findings(report: dict, rule: str, **match: str) -> list[dict]:
    """Findings of ``rule`` whose fields equal ``match`` (e.g. column="gzdt")."""
    return [f for f in report["findings"] if f["rule"] == rule and all(f.get(k) == v for k, v in match.items())]
