"""Benchmark for ``govsite verify``: 10,000 pages and 30,000 signed approval commits.

Usage::

    .venv/bin/python benchmarks/verify_bench.py [--pages 10000] [--dir /tmp/verify-bench] [--keep]

Builds a real git repository: 10 units × 10 columns, merge requests of 10 pages each (one content
commit by the unit's editor, then tier 1/2/3 approvals by editor, section head and leader — one
approval commit per page and tier — then a ``--no-ff`` merge). Keys are real ``ssh-keygen`` ed25519
keys; approvals are signed in-process with the same keys (Ed25519 is deterministic, so each
signature is byte-identical to ``ssh-keygen -Y sign -n git``: the script checks a sample against
ssh-keygen and reports how long ssh-keygen would take for all). Objects are written as loose objects
and packed with ``git repack``; then ``govsite verify`` is timed as a subprocess.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

UNITS = [f"unit{i:02d}" for i in range(10)]
COLUMNS = [f"col{i}" for i in range(10)]
PER_MR = 10
TZ = "+0800"
T0 = 1793500000  # 2026-11-01 (China time) — inside every key window below


def s(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


class Signer:
    """An ssh-keygen ed25519 key signing SSHSIG in-process."""

    def __init__(self, path: Path) -> None:
        from cryptography.hazmat.primitives.serialization import load_ssh_private_key

        self.path = path
        self.key = load_ssh_private_key(path.read_bytes(), None)
        pub = path.with_name(path.name + ".pub").read_text().split()
        self.public = f"{pub[0]} {pub[1]}"
        self.blob = base64.b64decode(pub[1])

    def sign(self, payload: bytes) -> bytes:
        h = hashlib.sha512(payload).digest()
        signed = b"SSHSIG" + s(b"git") + s(b"") + s(b"sha512") + s(h)
        sig = self.key.sign(signed)
        blob = b"SSHSIG" + struct.pack(">I", 1) + s(self.blob) + s(b"git") + s(b"") + s(b"sha512") + \
            s(s(b"ssh-ed25519") + s(sig))
        b64 = base64.b64encode(blob).decode()
        lines = [b64[i:i + 70] for i in range(0, len(b64), 70)]
        return ("-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) + "\n-----END SSH SIGNATURE-----\n").encode()


class ObjectWriter:
    """Writes loose git objects directly (fast), returning their ids."""

    def __init__(self, git_dir: Path) -> None:
        self.objects = git_dir / "objects"
        self.count = 0

    def write(self, kind: str, data: bytes) -> str:
        raw = f"{kind} {len(data)}\0".encode() + data
        sha = hashlib.sha1(raw).hexdigest()
        folder = self.objects / sha[:2]
        folder.mkdir(exist_ok=True)
        path = folder / sha[2:]
        if not path.exists():
            path.write_bytes(zlib.compress(raw, 1))
            self.count += 1
        return sha


def tree(writer: ObjectWriter, entries: dict[str, tuple[str, str]]) -> str:
    def sort_key(name: str) -> bytes:
        mode, _ = entries[name]
        return name.encode() + (b"/" if mode == "40000" else b"")
    data = b"".join(f"{entries[n][0]} {n}".encode() + b"\0" + bytes.fromhex(entries[n][1])
                    for n in sorted(entries, key=sort_key))
    return writer.write("tree", data)


def unit_text(uid: str, people: list[tuple[str, str, str, str]]) -> str:
    lines = [f"id: {uid}", f"name: 单位{uid}", "kind: department", "contact:", "  address: 巫山县", "  hours: 工作日",
             "  phone: 023-57000000", "  head: 某某", "opened:", "  approval: 巫山府办函〔2022〕1号",
             "  approved_on: 2022-12-01", f"  announcement: {uid}/col0/open.md", "  date: 2022-12-05", "columns:"]
    for c in COLUMNS:
        lines += [f"  - id: {c}", f"    title: 栏目{c}", "    category: news", "    update: weekly"]
    lines.append("people:")
    for name, email, role, key in people:
        lines += [f"  - name: {name}", f"    email: {email}", f"    roles: [{role}]", "    keys:",
                  f"      - key: {key}", "        valid_from: 2026-10-01", "        valid_until: 2026-12-31"]
    return "\n".join(lines) + "\n"


def build(target: Path, pages: int) -> dict:
    from govsite.review.policy import DEFAULT_CHECKLIST
    from govsite.review.trailers import format_message

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    keydir = target.parent / (target.name + "-keys")
    shutil.rmtree(keydir, ignore_errors=True)
    keydir.mkdir()
    t = time.perf_counter()
    signers: dict[str, Signer] = {}
    people: dict[str, list] = {}
    for uid in UNITS + ["office"]:
        people[uid] = []
        for role in ("editor", "section_head", "leader"):
            name = f"{uid}-{role}"
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(keydir / name)],
                           check=True)
            signers[name] = Signer(keydir / name)
            people[uid].append((name, f"{name}@example.gov.cn", role, signers[name].public))
    keygen_s = time.perf_counter() - t

    w = ObjectWriter(target / ".git")
    unit_blobs = {f"{u}.yml": ("100644", w.write("blob", unit_text(u, people[u]).encode())) for u in people}
    units_tree = tree(w, unit_blobs)
    columns: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}

    def root_tree() -> str:
        unit_trees = {}
        for u in UNITS:
            cols = {c: ("40000", tree(w, columns[(u, c)])) for c in COLUMNS if columns.get((u, c))}
            if cols:
                unit_trees[u] = ("40000", tree(w, cols))
        entries = {"units": ("40000", units_tree)}
        if unit_trees:
            entries["content"] = ("40000", tree(w, unit_trees))
        return tree(w, entries)

    def ident(name: str, when: int) -> str:
        return f"{name} <{name}@example.gov.cn> {when} {TZ}"

    def commit(tree_id: str, parents: list[str], who: str, when: int, msg: str, signer: Signer | None = None) -> str:
        head = f"tree {tree_id}\n" + "".join(f"parent {p}\n" for p in parents)
        head += f"author {ident(who, when)}\ncommitter {ident(who, when)}\n"
        payload = (head + "\n" + msg).encode()
        if signer is None:
            return w.write("commit", payload)
        sig = signer.sign(payload).decode().rstrip("\n").replace("\n", "\n ")
        return w.write("commit", (head + "gpgsig " + sig + "\n\n" + msg).encode())

    when = T0
    main = commit(root_tree(), [], "office-leader", when, "初始化人员名单\n")
    sign_s = 0.0
    approvals = 0
    sample: tuple[Signer, bytes, bytes] | None = None
    mr_count = pages // PER_MR
    for mr in range(mr_count):
        u = UNITS[mr % len(UNITS)]
        c = COLUMNS[(mr // len(UNITS)) % len(COLUMNS)]
        bucket = columns.setdefault((u, c), {})
        new_paths = []
        for k in range(PER_MR):
            n = mr * PER_MR + k
            name = f"p{n:05d}.md"
            text = f"---\ntitle: 第{n}篇稿件\nformed: 2026-10-20\n---\n\n{u} {c} 第{n}篇稿件正文。\n"
            blob = w.write("blob", text.encode())
            bucket[name] = ("100644", blob)
            new_paths.append((f"content/{u}/{c}/{name}", blob))
        when += 60
        tip = commit(root_tree(), [main], f"{u}-editor", when, f"新增稿件 {mr}\n", signers[f"{u}-editor"])
        tree_id = root_tree()
        for tier, role in (("1", "editor"), ("2", "section_head"), ("3", "leader")):
            for path, blob in new_paths:
                when += 1
                msg = format_message(tier, u, [(path, blob)], DEFAULT_CHECKLIST[tier])
                signer = signers[f"{u}-{role}"]
                t = time.perf_counter()
                tip = commit(tree_id, [tip], signer_name := f"{u}-{role}", when, msg, signer)
                sign_s += time.perf_counter() - t
                approvals += 1
                if sample is None:
                    raw = zlib.decompress((w.objects / tip[:2] / tip[2:]).read_bytes())
                    sample = (signer, raw, b"")
                del signer_name
        when += 1
        main = commit(tree_id, [main, tip], f"{u}-leader", when, f"Merge branch mr{mr}\n")
    (target / ".git" / "refs" / "heads" / "main").write_text(main + "\n")
    t = time.perf_counter()
    subprocess.run(["git", "-C", str(target), "repack", "-adq"], check=True)
    subprocess.run(["git", "-C", str(target), "prune-packed"], check=True)
    subprocess.run(["git", "-C", str(target), "reset", "-q", "--hard"], check=True)
    repack_s = time.perf_counter() - t
    return {"keys": signers, "approvals": approvals, "objects": w.count, "sign_s": sign_s, "keygen_s": keygen_s,
            "repack_s": repack_s, "sample": sample}


def ssh_keygen_sample(signer: Signer, n: int) -> tuple[float, bool]:
    """Time ``ssh-keygen -Y sign`` on ``n`` payloads and check it yields the same bytes as in-process signing."""
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        for i in range(n):
            payload = f"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nsample {i}\n".encode()
            f = Path(tmp) / f"m{i}"
            f.write_bytes(payload)
            subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "git", "-f", str(signer.path), str(f)],
                           check=True, capture_output=True)
            same &= (Path(str(f) + ".sig").read_bytes() == signer.sign(payload))
        return (time.perf_counter() - t) / n, same


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "govsite-verify-bench"))
    ap.add_argument("--keep", action="store_true", help="keep the generated repository")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    target = Path(args.dir)
    t = time.perf_counter()
    info = build(target, args.pages)
    build_s = time.perf_counter() - t
    per_sig, same = ssh_keygen_sample(next(iter(info["keys"].values())), 50)
    print(f"generated {args.pages} pages, {info['approvals']} signed approval commits, {info['objects']} objects "
          f"in {build_s:.1f} s (in-process signing {info['sign_s']:.1f} s; repack {info['repack_s']:.1f} s)")
    print(f"ssh-keygen -Y sign: {per_sig * 1000:.1f} ms per signature → {per_sig * info['approvals']:.0f} s for all; "
          f"byte-identical to in-process signing: {same}")
    # --no-proofs: the corpus carries the three review tiers only (三校 would need a preview build of every page)
    cmd = [sys.executable, "-m", "govsite", "--root", str(target), "verify", "--quiet", "--no-proofs", "--report",
           str(target.parent / "verify-bench.json")]
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr[-2000:])
            return 1
    print(proc.stdout.strip())
    print(f"govsite verify: best {min(times):.2f} s, runs {', '.join(f'{x:.2f}' for x in times)} "
          f"(command: {' '.join(cmd[1:])})")
    if not args.keep:
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(target.parent / (target.name + "-keys"), ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
