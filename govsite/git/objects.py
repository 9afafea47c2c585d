"""Git objects read in bulk (对象): commits with their signatures, trees, blobs; one process for many objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from govsite.core.china import CHINA
from govsite.git import process

NULL_BLOB = "0" * 40  # the blob id that stands for "no file" (a removal)


@dataclass
class Commit:
    """A commit as the gate needs it: graph, people, time, message and the signature split off."""

    id: str
    parents: tuple[str, ...]
    author_email: str
    committer_time: dt.datetime
    message: str
    signature: bytes | None = None   # armored SSH/GPG signature from the gpgsig header
    payload: bytes = b""              # the commit object without the signature: what was signed
    generation: int = 0
    tree: str = ""

    @property
    def signing_day(self) -> dt.date:
        """Signing date in China time (windows and departure dates are China calendar days)."""
        return self.committer_time.astimezone(CHINA).date()


def _email(ident: bytes) -> str:
    lt, gt = ident.find(b"<"), ident.find(b">")
    return ident[lt + 1:gt].decode("utf-8", "replace").strip().lower() if 0 <= lt < gt else ""


def _time(ident: bytes) -> dt.datetime:
    parts = ident.rsplit(b" ", 2)
    try:
        secs = int(parts[-2])
        tz = parts[-1].decode()
        sign = -1 if tz.startswith("-") else 1
        offset = dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[3:5])) * sign
        return dt.datetime.fromtimestamp(secs, dt.timezone(offset))
    except (ValueError, IndexError):
        return dt.datetime.fromtimestamp(0, dt.UTC)


def parse_commit(sha: str, raw: bytes) -> Commit:
    """Split a raw commit object into headers, signature, payload and message."""
    head, _, message = raw.partition(b"\n\n")
    parents: list[str] = []
    author = committer = tree = b""
    sig_lines: list[bytes] = []
    kept: list[bytes] = []
    in_sig = False
    for line in head.split(b"\n"):
        if in_sig and line.startswith(b" "):
            sig_lines.append(line[1:])
            continue
        in_sig = False
        if line.startswith(b"gpgsig ") or line.startswith(b"gpgsig-sha256 "):
            in_sig = True
            sig_lines = [line.split(b" ", 1)[1]]
            continue
        kept.append(line)
        if line.startswith(b"tree "):
            tree = line[5:]
        elif line.startswith(b"parent "):
            parents.append(line[7:].decode())
        elif line.startswith(b"author "):
            author = line[7:]
        elif line.startswith(b"committer "):
            committer = line[10:]
    payload = b"\n".join(kept) + b"\n\n" + message if raw.find(b"\n\n") >= 0 else raw
    return Commit(
        id=sha, parents=tuple(parents), author_email=_email(author), committer_time=_time(committer),
        message=message.decode("utf-8", "replace"),
        signature=b"\n".join(sig_lines) + b"\n" if sig_lines else None, payload=payload, tree=tree.decode(),
    )


def cat_batch(root: Path, names: list[str]) -> dict[str, tuple[str, bytes] | None]:
    """``git cat-file --batch`` for many object names in one process: name → (type, data) or None."""
    if not names:
        return {}
    out = process.run(root, "cat-file", "--batch", input=("\n".join(names) + "\n").encode("utf-8", "surrogateescape"))
    result: dict[str, tuple[str, bytes] | None] = {}
    pos = 0
    for name in names:
        nl = out.index(b"\n", pos)
        header = out[pos:nl].split()
        pos = nl + 1
        if len(header) == 2 and header[1] in (b"missing", b"ambiguous"):
            result[name] = None
            continue
        size = int(header[2])
        result[name] = (header[1].decode(), out[pos:pos + size])
        pos += size + 1
    return result


def parse_tree(data: bytes) -> dict[str, tuple[str, str]]:
    """Binary tree object → name → (mode, object id)."""
    entries: dict[str, tuple[str, str]] = {}
    pos = 0
    while pos < len(data):
        sp = data.index(b" ", pos)
        nul = data.index(b"\0", sp)
        mode = data[pos:sp].decode()
        name = data[sp + 1:nul].decode("utf-8", "surrogateescape")
        entries[name] = (mode, data[nul + 1:nul + 21].hex())
        pos = nul + 21
    return entries


def read_blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """Blob id → content (missing ones left out), in one ``cat-file --batch`` process."""
    unique = list(dict.fromkeys(b for b in blobs if b))
    found = cat_batch(root, unique)
    return {b: obj[1] for b, obj in found.items() if obj is not None and obj[0] == "blob"}


def tree_entries(root: Path, rev: str, prefix: str) -> dict[str, tuple[str, str, str]]:
    """Path → (mode, type, object id) of every entry under ``prefix`` at ``rev`` (``ls-tree -r``): regular
    files are ``100644``/``100755`` blobs, symbolic links ``120000`` blobs, submodules ``160000`` commits."""
    out = process.run(root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", prefix)
    entries: dict[str, tuple[str, str, str]] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3:
            entries[path.decode("utf-8", "surrogateescape")] = (parts[0].decode(), parts[1].decode(), parts[2].decode())
    return entries


REGULAR_MODES = ("100644", "100755")


def tree_blobs(root: Path, rev: str, prefix: str) -> dict[str, str]:
    """Path → blob id of every regular file or symlink under ``prefix`` at ``rev``."""
    return {path: oid for path, (_, kind, oid) in tree_entries(root, rev, prefix).items() if kind == "blob"}
