"""pre-commit blocks a commit with a hard violation, in a real git repository with the real hook script."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
import pytest

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses


def _run(root: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=root, capture_output=True, text=True, env=env)


def test_commit_with_violation_is_blocked_and_clean_commit_passes(repo, tmp_path):
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
