"""Commits made without a working tree (工作台的提交): the desk writes on branches nobody has checked out.

A commit is built from a tree (``write_tree``: a commit's tree with some files replaced, in a temporary
index) and placed with a compare-and-swap on the branch (``move_branch``), so two reviewers signing at
once never overwrite each other: the second sees the branch moved and places its commit again on the new tip.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from govsite.git import process
from govsite.git.remote import PushOutcome, classify


@dataclass(frozen=True)
class Branch:
    name: str  # as the forge names it (``fanghuo``)
    ref: str  # where this clone keeps it (``refs/heads/fanghuo`` or ``refs/remotes/origin/fanghuo``)
    tip: str
    time: dt.datetime
    tree: str = ""  # the tip's tree


def branches(root: Path, remote: str | None) -> list[Branch]:
    """The branches of ``remote`` as last fetched (or this clone's own when ``remote`` is None)."""
    prefix = f"refs/remotes/{remote}/" if remote else "refs/heads/"
    out = process.run(root, "for-each-ref", "--format=%(refname)%00%(objectname)%00%(committerdate:iso-strict)%00%(tree)",
                      prefix).decode("utf-8", "surrogateescape")
    found: list[Branch] = []
    for line in out.splitlines():
        ref, tip, when, tree = line.split("\0")
        name = ref[len(prefix):]
        if name == "HEAD" or not when:  # a symbolic HEAD, or a ref that names no commit
            continue
        found.append(Branch(name, ref, tip, dt.datetime.fromisoformat(when), tree))
    return found


def fetch_all(root: Path, remote: str) -> bool:
    """Fetch every branch of ``remote`` (pruning deleted ones); False when the forge cannot be reached."""
    proc = subprocess.run(["git", "-C", str(root), "fetch", "-q", "--prune", remote], capture_output=True, check=False)
    return proc.returncode == 0


def write_tree(root: Path, commit: str, files: dict[str, bytes | None]) -> str:
    """The tree of ``commit`` with ``files`` replaced (None removes one), built in a temporary index."""
    with tempfile.TemporaryDirectory(prefix="govsite-index-") as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        process.run(root, "read-tree", commit, env=env)
        for path, data in files.items():
            if data is None:
                process.run(root, "update-index", "--force-remove", "--", path, env=env)
                continue
            blob = process.run(root, "hash-object", "-w", "--stdin", input=data).decode().strip()
            process.run(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
        return process.run(root, "write-tree", env=env).decode().strip()


def tree_of(root: Path, commit: str) -> str:
    return process.run(root, "rev-parse", f"{commit}^{{tree}}").decode().strip()


def make_commit(root: Path, tree: str, parent: str, message: str, when: dt.datetime, name: str, email: str) -> str:
    """A commit object (not yet on any branch) with author and committer ``name <email>`` at ``when``."""
    stamp = f"{int(when.timestamp())} {when.strftime('%z') or '+0000'}"
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    return process.run(root, "commit-tree", tree, "-p", parent, input=message.encode("utf-8"), env=env).decode().strip()


def move_branch(root: Path, ref: str, new: str, old: str | None) -> bool:
    """Point ``ref`` at ``new`` if it still points at ``old`` (None: it must not exist yet)."""
    return process.succeeds(root, "update-ref", ref, new, old or "0" * 40)


def push_commit(root: Path, remote: str, branch: str, new: str, old: str | None) -> PushOutcome:
    """Push ``new`` as ``branch`` to ``remote`` only if the forge still has ``old`` there (a lease)."""
    lease = f"--force-with-lease=refs/heads/{branch}:{old or ''}"
    proc = subprocess.run(["git", "-C", str(root), "push", "--porcelain", lease, remote, f"{new}:refs/heads/{branch}"],
                          capture_output=True, check=False, env={**os.environ, "LC_ALL": "C"})
    if proc.returncode == 0:
        return PushOutcome(True)
    return classify((proc.stdout + proc.stderr).decode("utf-8", "replace"))
