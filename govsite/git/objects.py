"""Running git for the review gate: batch reads of commits and objects, Chinese errors, no tracebacks."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from govsite.core.errors import GovsiteError

NULL_BLOB = "0" * 40
CHINA = dt.timezone(dt.timedelta(hours=8))


def git(root: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    """Run ``git -C root args``; a failure becomes a :class:`GovsiteError` (exit 2) in Chinese."""
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], input=input, capture_output=True, check=False)
    except FileNotFoundError as exc:  # pragma: no cover
        raise GovsiteError("找不到 git 命令。请先安装 git（Debian：apt-get install git）。") from exc
    if check and proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GovsiteError(
            f"git {' '.join(args[:2])} 执行失败：{detail[-1] if detail else '未知错误'}。"
            "请确认这是完整的 git 仓库（不是浅克隆），且所给的分支或提交存在。", str(root))
    return proc.stdout


def open_repo(root: Path):  # -> git.Repo
    """Open ``root`` with GitPython (imported lazily); a non-repository is a clear Chinese error."""
    import git as gitpython  # noqa: PLC0415 - heavy import kept off the CLI start-up path

    try:
        return gitpython.Repo(root)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError) as exc:
        raise GovsiteError("这里不是 git 仓库，无法读取或写入审核记录。请在 govsite 仓库中运行（先 git init 并提交）。",
                           str(root)) from exc


def resolve(root: Path, rev: str) -> str | None:
    """Commit id of ``rev`` or ``None`` (no commits yet / unknown name)."""
    proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                          capture_output=True, check=False)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def require_commit(root: Path, rev: str) -> str:
    sha = resolve(root, rev)
    if sha is None:
        if resolve(root, "HEAD") is None and rev == "HEAD":
            raise GovsiteError("仓库还没有任何提交，没有可核验的内容。请先提交稿件。", str(root))
        raise GovsiteError(f"找不到分支或提交“{rev}”。请用 git branch -a 查看名称，或先 git fetch。", str(root))
    return sha


def merge_base(root: Path, a: str, b: str) -> str | None:
    out = git(root, "merge-base", a, b, check=False).decode().strip()
    return out or None


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
        return dt.datetime.fromtimestamp(0, dt.timezone.utc)


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
    out = git(root, "cat-file", "--batch", input=("\n".join(names) + "\n").encode("utf-8", "surrogateescape"))
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


@dataclass
class History:
    """Every commit reachable from a revision, with generation numbers for ancestry tests."""

    head: str
    commits: dict[str, Commit] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # parents before children

    def first_parent_chain(self, tip: str | None = None) -> list[str]:
        """``tip`` (default: head) and its first parents, newest first."""
        chain = []
        sha: str | None = tip or self.head
        while sha is not None:
            chain.append(sha)
            c = self.commits[sha]
            sha = c.parents[0] if c.parents else None
        return chain

    def is_ancestor(self, a: str, b: str) -> bool:
        """True when ``a`` is ``b`` or an ancestor of ``b`` (walk from ``b`` pruned by generation)."""
        if a == b:
            return True
        target_gen = self.commits[a].generation
        seen = {b}
        stack = [b]
        while stack:
            c = self.commits[stack.pop()]
            for p in c.parents:
                if p == a:
                    return True
                if p not in seen and p in self.commits and self.commits[p].generation > target_gen:
                    seen.add(p)
                    stack.append(p)
        return False

    def ancestors(self, sha: str) -> set[str]:
        seen = {sha}
        stack = [sha]
        while stack:
            for p in self.commits[stack.pop()].parents:
                if p not in seen and p in self.commits:
                    seen.add(p)
                    stack.append(p)
        return seen


def load_history(root: Path, head: str) -> History:
    """Read all commits reachable from ``head`` (one rev-list and one cat-file process)."""
    if git(root, "rev-parse", "--is-shallow-repository", check=False).strip() == b"true":
        raise GovsiteError("这是浅克隆（shallow clone），缺少早期的审核记录，无法核验。"
                           "请运行 git fetch --unshallow，CI 中请设置 GIT_DEPTH: \"0\"。", str(root))
    ids = git(root, "rev-list", "--topo-order", "--reverse", head).decode().split()
    objects = cat_batch(root, ids)
    history = History(head=head)
    for sha in ids:
        obj = objects.get(sha)
        if obj is None or obj[0] != "commit":
            raise GovsiteError(f"提交 {sha[:10]} 在仓库中缺失或已损坏。请重新完整克隆仓库（不要用 --depth 浅克隆）。",
                               str(root))
        c = parse_commit(sha, obj[1])
        c.generation = 1 + max((history.commits[p].generation for p in c.parents if p in history.commits),
                               default=0)
        history.commits[sha] = c
        history.order.append(sha)
    return history


@dataclass(frozen=True)
class Change:
    """One changed path in one non-merge commit (``git log --raw``)."""

    commit: str
    path: str
    old: str
    new: str
    status: str


def path_changes(root: Path, head: str, prefixes: tuple[str, ...]) -> list[Change]:
    """Every change under ``prefixes`` in every non-merge commit reachable from ``head``; one git process."""
    out = git(root, "log", "--raw", "--no-renames", "--no-abbrev", "-z", "--format=\x01C %H", head, "--", *prefixes)
    changes: list[Change] = []
    fields = out.split(b"\0")
    current = ""
    i, n = 0, len(fields)
    while i < n:
        text = fields[i].decode("utf-8", "surrogateescape").lstrip("\n")
        i += 1
        if text.startswith("\x01C "):
            head_line, _, rest = text.partition("\n")
            current = head_line[3:].strip()
            text = rest.lstrip("\n")
        if text.startswith(":"):
            meta = text[1:].split()
            path = fields[i].decode("utf-8", "surrogateescape") if i < n else ""
            i += 1
            if len(meta) >= 5:
                changes.append(Change(current, path, meta[2], meta[3], meta[4][:1]))
    return changes


def root_site_config(root: Path, head: str) -> dict:
    """``site_config/site.yml`` as set in the first commit (the root of trust), ``{}`` when absent or broken.

    Settings that decide what the gate requires are read from here, not from the revision under review,
    so a merge request cannot change them for itself.
    """
    roots = git(root, "rev-list", "--max-parents=0", head, check=False).decode().split()
    objs = cat_batch(root, [f"{r}:site_config/site.yml" for r in roots])
    for obj in objs.values():
        if obj is None or obj[0] != "blob":
            continue
        try:
            import yaml  # noqa: PLC0415

            data = yaml.safe_load(obj[1].decode("utf-8-sig"))
        except Exception:  # noqa: BLE001 - a broken site.yml is the check command's business
            continue
        if isinstance(data, dict):
            return data
    return {}


def office_unit(root: Path, head: str, config: dict | None = None) -> str:
    """The county office's unit id (``office_unit`` in site_config/site.yml) as set in the first commit.

    Read from the root of trust, not from the revision under review, so a merge request cannot
    redirect roster approvals to a unit it controls. Defaults to ``office``.
    """
    data = root_site_config(root, head) if config is None else config
    value = data.get("office_unit")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return "office"


def require_proofs(root: Path, head: str, config: dict | None = None) -> bool:
    """Whether the gate requires 三校 (``review.require_proofs`` in the first commit's site.yml; default true)."""
    data = root_site_config(root, head) if config is None else config
    review = data.get("review")
    if isinstance(review, dict) and review.get("require_proofs") is False:
        return False
    return True
