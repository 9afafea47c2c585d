"""Dependencies: everything pinned, the pre-commit hook's environment exactly what checking needs, and the
checks library and the command start without the portal's and review's heavy packages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def _pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line.strip())
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


LOCK = _pins(REPO / "requirements.lock")
CHECK = _pins(REPO / "requirements" / "check.lock")
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _direct(specs: list[str]) -> dict[str, str]:
    return {s.split("==")[0].lower().replace("_", "-"): s.split("==")[1] for s in specs if "==" in s}


def test_every_direct_dependency_is_pinned_and_locked_at_the_same_version() -> None:
    direct = _direct(PROJECT["dependencies"])
    for extra in PROJECT["optional-dependencies"].values():
        direct.update(_direct(extra))
    assert all("==" in s for s in PROJECT["dependencies"])
    for name, version in direct.items():
        assert LOCK.get(name) == version, name
    for name in ("mkdocs", "markdown", "jieba", "pycorrector", "gitpython", "pre-commit"):  # the design's
        assert name in LOCK


def test_the_portal_has_its_own_theme_and_no_material() -> None:
    """Material for MkDocs reaches its end of life on 2027-05-05: the portal ships its own theme (issue 17)."""
    assert not any(name.startswith("mkdocs-material") for name in LOCK)
    assert not any(s.startswith("mkdocs-material") for s in PROJECT["optional-dependencies"]["portal"])
    themes = PROJECT["entry-points"]["mkdocs.themes"]
    assert themes == {"govsite": "govsite.portal.theme"}
    for config in (REPO / "mkdocs.yml", REPO / "govsite" / "portal" / "mkdocs.yml"):
        assert yaml.safe_load(config.read_text(encoding="utf-8"))["theme"]["name"] == "govsite", config
    assert (REPO / "govsite" / "portal" / "theme" / "mkdocs_theme.yml").is_file()


def test_the_hook_environment_is_what_checking_needs_at_the_locked_versions() -> None:
    assert set(_direct(PROJECT["dependencies"])) | {"pycorrector"} == set(CHECK)
    assert all(LOCK[name] == version for name, version in CHECK.items())
    assert "pre-commit" not in _direct(PROJECT["dependencies"])  # a development dependency
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "python" and hook["entry"] == "govsite check"
    assert hook["additional_dependencies"] == ["--no-deps", "-r", "requirements/check.lock"]
    assert "kenlm" in CHECK  # the score with libime's trigrams, as `make` uses it


def test_checking_a_page_loads_neither_the_portal_nor_review_packages(repo) -> None:
    page = repo.page("town/gzdt/a.md", "本镇召开会议。\n")
    code = ("import sys; from govsite.cli.main import main; rc = main(['--root', sys.argv[1], 'check', sys.argv[2]]);"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('mkdocs', 'git', 'cryptography', 'nacl', 'jinja2', 'chinese_calendar', 'pycorrector'));"
            "print(rc, heavy)")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", code, str(repo.root), str(page)], capture_output=True, text=True, env=env)
    assert proc.stdout.strip().splitlines()[-1] == "0 []", proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_hooks_environment_finds_what_make_finds(tmp_path: Path, repo) -> None:
    """A virtualenv with only requirements/check.lock (installed as the hook installs it) and the same page."""
    venv = tmp_path / "hook-env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(REPO),
                          "--no-deps", "-r", str(REPO / "requirements" / "check.lock")],
                         capture_output=True, text=True, cwd=REPO)
    if pip.returncode != 0 and "Could not find a version" in pip.stderr + pip.stdout:  # pragma: no cover
        pytest.skip("the package registry cannot be reached")
    assert pip.returncode == 0, pip.stderr[-2000:]
    page = repo.page("town/gzdt/probe.md", "本镇人民政底召开会议，联系电话13812345678。\n")
    hook = subprocess.run([str(venv / "bin" / "govsite"), "--root", str(repo.root), "check", "--format", "json",
                           str(page)], capture_output=True, text=True)
    ours = subprocess.run([sys.executable, "-m", "govsite", "--root", str(repo.root), "check", "--format", "json",
                           str(page)], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert hook.returncode == ours.returncode == 1, hook.stderr + ours.stderr
    assert hook.stdout == ours.stdout
    assert '"typo.' in hook.stdout and '"privacy.mobile"' in hook.stdout
