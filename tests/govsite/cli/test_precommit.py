"""pre-commit blocks a commit with a hard violation and shows the warnings of a passing one, in a real git
repository with the real hook script; a typo model built during a commit is shown on the terminal as it builds."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.terminal import run_on_a_terminal
import pytest

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses


def _run(root: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=root, capture_output=True, text=True, env=env)


def _hooked(repo, tmp_path: Path) -> dict:
    """Make ``repo`` a git repository with this repository's own hook installed; the environment to commit in."""
    env = dict(os.environ)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    # `govsite` as installed by `pip install`: a launcher for this checkout
    (bindir / "govsite").write_text(f"#!/bin/sh\nexec {sys.executable} -m govsite \"$@\"\n")
    (bindir / "govsite").chmod(0o755)
    env["PATH"] = f"{bindir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = str(REPO)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    root = repo.root
    (root / "hooks").mkdir()
    shutil.copy(REPO / "hooks" / "pre-commit-check", root / "hooks" / "pre-commit-check")
    shutil.copy(REPO / ".pre-commit-config.yaml", root / ".pre-commit-config.yaml")
    for args in (["git", "init", "-q", "-b", "main"], ["git", "config", "user.email", "e@example.gov.cn"],
                 ["git", "config", "user.name", "信息员"]):
        _run(root, *args, env=env)
    _run(root, "git", "add", "-A", env=env)
    assert _run(root, "git", "commit", "-q", "-m", "init", "--no-verify", env=env).returncode == 0
    install = _run(root, sys.executable, "-m", "pre_commit", "install", env=env)
    assert install.returncode == 0, install.stderr
    return env


def test_commit_with_violation_is_blocked_and_clean_commit_passes(repo, tmp_path):
    env = _hooked(repo, tmp_path)
    root = repo.root
    id_number = "500237198506121233"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    id_number = id_number[:17] + "10X98765432"[sum(int(d) * w for d, w in zip(id_number, weights)) % 11]
    repo.page("town/gzdt/leak.md", f"困难群众张某，身份证号{id_number}，已纳入救助。\n")
    _run(root, "git", "add", "-A", env=env)
    blocked = _run(root, "git", "commit", "-m", "泄露身份证号的稿件", env=env)
    assert blocked.returncode != 0
    out = blocked.stdout + blocked.stderr
    assert "privacy.id-number" in out and "content/town/gzdt/leak.md:5" in out
    assert "500237********" in out  # the suggestion tells the editor what to write instead

    repo.page("town/gzdt/leak.md", "困难群众张某已纳入救助。\n")
    _run(root, "git", "add", "-A", env=env)
    ok = _run(root, "git", "commit", "-m", "改正后的稿件", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_a_passing_commit_shows_its_warnings(repo, tmp_path):
    env = _hooked(repo, tmp_path)
    repo.page("town/gzdt/help.md", "困难群众张某家住人民路12号3栋2单元301室，已纳入救助。\n")
    _run(repo.root, "git", "add", "-A", env=env)
    ok = _run(repo.root, "git", "commit", "-m", "救助名单", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    out = ok.stdout + ok.stderr
    assert "content/town/gzdt/help.md:5:" in out
    assert "警告 [privacy.home-address" in out and "门牌号、楼栋单元房号请删去" in out
    log = _run(repo.root, "git", "log", "-1", "--format=%s", env=env)
    assert log.stdout.strip() == "救助名单"


def test_a_commit_that_builds_the_typo_model_shows_its_steps_on_the_terminal_while_it_waits(repo, tmp_path):
    env = _hooked(repo, tmp_path)
    env["GOVSITE_CACHE_DIR"] = str(tmp_path / "cache")  # empty: the first commit on this machine
    env["TERM"] = "xterm"  # pre-commit in colour: the hook writes to a pseudo-terminal of pre-commit's own
    repo.page("town/gzdt/meeting.md", "本镇召开冬季森林防火工作会议，部署防火工作。\n")
    _run(repo.root, "git", "add", "-A", env=env)
    screen = run_on_a_terminal(["git", "commit", "-m", "工作动态"], env, cwd=str(repo.root))
    assert screen.returncode == 0, screen.text
    first = screen.when("错别字检查：首次使用，正在生成模型缓存")
    steps = screen.when("错别字检查：（4/4）正在保存模型……")
    done = screen.when("错别字检查：模型缓存已生成，用时 ")
    shown = screen.when("- hook id: govsite-check")  # pre-commit shows the hook's own output from here on
    assert None not in (first, steps, done, shown), screen.text
    assert first < steps <= done <= shown  # on the terminal as it happened, not only in the output shown at the end
    assert shown - first > 5  # the first line came while the model was being built
    assert "秒，以后检查不用再等。" in screen.text
