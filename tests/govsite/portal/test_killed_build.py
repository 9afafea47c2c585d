"""A build that is stopped or killed (issue 14): no worker or Pagefind process outlives it, the published site
stays whole, and its scratch folders are removed, ignored by git, and swept by the next build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govsite.portal.output import sweep_stale
from tests.govsite.portal.conftest import REPO, git, govsite, make_county

pytestmark = pytest.mark.slow  # builds sites in subprocesses


def _group(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(entry.name))
    return out


@pytest.fixture(scope="module")
def big_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample county with 400 more articles, so that a build runs long enough to be interrupted."""
    root = make_county(tmp_path_factory.mktemp("killed") / "county")
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    column = root / "content" / "dachang" / "gzdt"
    model = next(column.glob("2026-*.md")).read_text(encoding="utf-8")
    for i in range(400):
        (column / f"2026-10-{i % 28 + 1:02d}-copy-{i}.md").write_text(model, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "更多稿件")
    first = govsite(root, "build", "--preview", "--workers", "2")  # the published site the kill must spare
    assert first.returncode == 0, first.stderr
    return root


def _start_and_wait_for_workers(root: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.Popen([sys.executable, "-m", "govsite", "--root", str(root), "build", "--preview",
                             "--workers", "2"], cwd=REPO, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # rendering: pages being written, a worker beside the first process
        written = [p for d in root.glob(".govsite-building-*") for p in (d / "dachang" / "gzdt").glob("2026-10-*")]
        if len(written) >= 20 and len(_group(proc.pid)) >= 2:
            return proc
        if proc.poll() is not None:
            pytest.fail(f"the build ended before it could be interrupted: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.01)
    proc.kill()
    pytest.fail("the build never reached its render workers")


def _wait_for_group_to_end(pgid: int) -> list[int]:
    """What of the group is still alive a moment after its leader ended (a worker left alone would go on
    rendering for seconds)."""
    deadline = time.monotonic() + 0.5
    while _group(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _group(pgid)


def _site_is_whole(root: Path) -> None:
    site = root / "site"
    assert (site / "index.html").is_file() and (site / "dachang" / "gzdt" / "index.html").is_file()
    assert len(list((site / "dachang" / "gzdt").glob("2026-10-*/index.html"))) == 400


def test_a_killed_build_leaves_no_process_and_nothing_git_would_commit(big_county: Path) -> None:
    proc = _start_and_wait_for_workers(big_county)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _wait_for_group_to_end(proc.pid) == []  # workers and Pagefind died with it
    _site_is_whole(big_county)
    left = sorted(p.name for p in big_county.glob(".govsite-*"))
    assert left and all(n.startswith((".govsite-building-", ".govsite-index-")) for n in left)
    assert git(big_county, "status", "--porcelain") == ""  # scratch folders are ignored
    assert sorted(p.name for p in sweep_stale(big_county)) == left  # the next build removes them
    assert list(big_county.glob(".govsite-*")) == []


def test_a_stopped_build_cleans_up_after_itself(big_county: Path) -> None:
    proc = _start_and_wait_for_workers(big_county)
    os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "已中断" in err and "Traceback" not in err
    assert _wait_for_group_to_end(proc.pid) == []
    _site_is_whole(big_county)
    assert list(big_county.glob(".govsite-*")) == []


def test_a_build_sweeps_what_a_killed_build_left_but_not_a_running_one(big_county: Path) -> None:
    gone = big_county / ".govsite-building-999999999-abc"  # above the kernel's pid_max: no such process
    running = big_county / f".govsite-index-{os.getpid()}-abc"
    other = big_county / ".govsite-notes"
    for d in (gone, running, other):
        d.mkdir()
    try:
        proc = govsite(big_county, "build", "--preview", "--no-search", "--workers", "1")
        assert proc.returncode == 0, proc.stderr
        assert not gone.exists() and running.is_dir() and other.is_dir()
    finally:
        for d in (running, other):
            shutil.rmtree(d, ignore_errors=True)
