"""Fixtures for the publishing tests: copies of the sample county in temporary git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
COMMIT_DATE = "2026-11-27T10:00:00+08:00"


def git(root: Path, *args: str, date: str = COMMIT_DATE) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date, GIT_AUTHOR_NAME="测试", GIT_COMMITTER_NAME="测试",
               GIT_AUTHOR_EMAIL="t@example.gov.cn", GIT_COMMITTER_EMAIL="t@example.gov.cn")
    out = subprocess.run(["git", "-C", str(root), "-c", "commit.gpgsign=false", *args], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout


def make_county(dest: Path) -> Path:
    """The repository's sample county (units/, site_config/, content/) committed in a fresh git repo."""
    dest.mkdir(parents=True)
    shutil.copytree(REPO / "units", dest / "units")
    shutil.copytree(REPO / "site_config", dest / "site_config", ignore=shutil.ignore_patterns("theme"))
    shutil.copytree(REPO / "content", dest / "content")
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "样例县")
    return dest


def govsite(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("GOVSITE_ROOT", None)
    return subprocess.run([sys.executable, "-m", "govsite", "--root", str(root), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_county(tmp_path_factory.mktemp("publish") / "county")


@pytest.fixture(scope="session")
def preview_site(county: Path) -> Path:
    out = county.parent / "site"
    proc = govsite(county, "build", "--preview", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out
