"""Shared fixtures: a small real govsite repository on disk, built fresh for each test."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

UNIT_YML = """\
id: {uid}
name: 巫山县测试镇人民政府
short_name: 测试镇
kind: township
contact:
  address: 重庆市巫山县测试镇人民路1号
  hours: 工作日9:00—12:00，14:00—18:00
  phone: 023-57681234
  head: 王立新
opened:
  approval: 巫山府办函〔2022〕1号
  approved_on: 2022-01-05
  announcement: {uid}/tzgg/open.md
  date: 2022-01-10
columns:
  - {{id: gzdt, title: 工作动态, category: news, update: weekly}}
  - {{id: tzgg, title: 通知公告, category: notices, update: semiannual}}
people:
  - name: 李明
    email: liming@example.gov.cn
    roles: [editor]
"""


class Repo:
    """A throwaway govsite repository: write units and pages, run the CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "units").mkdir(parents=True)
        (root / "content").mkdir()
        (root / "site_config").mkdir()
        (root / "site_config" / "site.yml").write_text(
            "name: 巫山县人民政府\nphone: 023-57680000\noffice_unit: office\n", encoding="utf-8")
        self.unit("town")

    def unit(self, uid: str, text: str | None = None) -> Path:
        path = self.root / "units" / f"{uid}.yml"
        path.write_text(text if text is not None else UNIT_YML.format(uid=uid), encoding="utf-8")
        return path

    def page(self, rel: str, body: str = "本镇召开工作会议。\n", front: str | None = None,
             raw: bytes | None = None) -> Path:
        path = self.root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_bytes(raw)
            return path
        if front is None:
            front = "title: 测试稿件\nformed: 2026-11-20\n"
        path.write_text(f"---\n{front}---\n{textwrap.dedent(body)}", encoding="utf-8")
        return path

    def govsite(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "govsite", "--root", str(self.root), *args],
                              cwd=cwd or self.root, capture_output=True, text=True, env=_env())

    def check_json(self, *args: str) -> tuple[int, list[dict]]:
        import json

        proc = self.govsite("check", "--format", "json", "--no-cache", *args)
        assert proc.stdout, proc.stderr
        return proc.returncode, json.loads(proc.stdout)["findings"]


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("GOVSITE_ROOT", None)
    return env


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "site")


@pytest.fixture
def project(repo: Repo):
    from govsite.core.county import County

    return County(repo.root)


def findings_for(repo: Repo, body: str, front: str | None = None, rel: str = "town/gzdt/a.md"):
    """Check one page through the engine (no subprocess) and return its findings."""
    from govsite.compliance.context import checker_for
    from govsite.core.county import County

    path = repo.page(rel, body, front)
    checker = checker_for(County(repo.root))
    return checker.check_raw(f"content/{rel}", path.read_bytes())


def copy_sample(dest: Path) -> Path:
    """A copy of the bundled sample county."""
    for name in ("units", "content", "site_config"):
        shutil.copytree(REPO / name, dest / name)
    return dest
