"""Writing to the repository (提交): signed empty commits (approvals), and what a commit is about to cover."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from govsite.core.china import CHINA
from govsite.git import process
from govsite.git.refs import require_commit


def uncommitted(root: Path, *paths: str) -> str:
    """``git status --porcelain`` of ``paths``: '' when everything there is committed."""
    return process.run(root, "status", "--porcelain", "--", *paths).decode("utf-8", "replace").strip()


def author_emails(root: Path, since: str, head: str, paths: list[str]) -> set[str]:
    """Lower-cased author e-mails of the non-merge commits in ``since..head`` that touched ``paths``."""
    out = process.run(root, "log", "--no-merges", "--format=%ae", f"{since}..{head}", "--", *paths)
    return set(out.decode("utf-8", "replace").lower().split())


def commit_day(root: Path) -> dt.date:
    """The China-time date the next commit will carry (git honours ``GIT_COMMITTER_DATE``)."""
    ident = process.run(root, "var", "GIT_COMMITTER_IDENT", check=False).decode().strip()
    try:
        return dt.datetime.fromtimestamp(int(ident.rsplit(" ", 2)[-2]), CHINA).date()
    except (ValueError, IndexError):
        return dt.datetime.now(CHINA).date()


def commit_empty_signed(root: Path, message: str, signing_key: str) -> str:
    """An empty commit with ``message``, signed with the SSH key ``signing_key``; returns its id."""
    process.run(root, "-c", "gpg.format=ssh", "-c", f"user.signingkey={signing_key}",
                "commit", "--allow-empty", "--no-verify", "-q", "-S", "-m", message)
    return require_commit(root, "HEAD")


def signature_codes(root: Path, shas: list[str], allowed_signers: Path) -> str:
    """``%H %G? %GF`` of ``shas`` as git itself verifies them against an allowed-signers file."""
    out = process.run(root, "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}", "log", "--no-walk=unsorted",
                      "--stdin", "--format=%H %G? %GF", input=("\n".join(shas) + "\n").encode())
    return out.decode()
