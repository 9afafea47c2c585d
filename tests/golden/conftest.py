"""Fixtures for the golden-file tests: the sample county built once per session, a small checked repository.

The golden files pin today's output byte for byte; regenerate them deliberately with
``pytest tests/golden --force-regen`` and review the diff before committing.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from tests.govsite.portal.conftest import REPO, git, govsite

# The sample county's commit date (the same as tests/publish/conftest.py): page dates and SOURCE_DATE_EPOCH
# come from it, so the build does not depend on the day the tests run.
AS_OF = "2026-11-28"


def make_full_county(dest: Path) -> Path:
    """Like tests/govsite/portal/conftest.py ``make_county``: the sample county as the repository has it."""
    dest.mkdir(parents=True)
    for name in ("units", "site_config", "content"):
        shutil.copytree(REPO / name, dest / name)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "样例县")
    return dest


def normalise(data: bytes, *roots: Path) -> bytes:
    """Replace temporary paths (``roots``) by ``<TMP0>``, ``<TMP1>``…: the only machine-dependent part an output
    could have. The outputs pinned today contain none; should one appear, its golden diff shows the placeholder
    instead of a path that differs on every run."""
    for i, root in enumerate(roots):
        data = data.replace(str(root).encode(), f"<TMP{i}>".encode())
    return data


def check_bytes(file_regression, data: bytes, basename: str, extension: str) -> None:
    """Compare ``data`` with the golden file byte for byte; on a difference show a unified diff of the text."""

    def check_fn(obtained: Path, expected: Path) -> None:
        got, want = obtained.read_bytes(), expected.read_bytes()
        if got == want:
            return
        diff = list(difflib.unified_diff(want.decode("utf-8", "replace").splitlines(keepends=True),
                                         got.decode("utf-8", "replace").splitlines(keepends=True),
                                         str(expected), str(obtained), n=2))
        shown = "".join(diff[:200]) or f"(only line ends or invisible bytes differ: {len(want)} vs {len(got)} bytes)"
        raise AssertionError(f"{basename}{extension} differs from its golden file:\n{shown}")

    file_regression.check(data, binary=True, extension=extension, basename=basename, check_fn=check_fn)


@pytest.fixture(scope="session")
def golden_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_full_county(tmp_path_factory.mktemp("golden") / "county")


@pytest.fixture(scope="session")
def golden_site(golden_county: Path) -> Path:
    """The sample county's preview build, outside the county (so the audit does not find it as ``site/``)."""
    out = golden_county.parent / "site"
    proc = govsite(golden_county, "build", "--preview", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out
