"""Fixtures for the review gate: real git repositories, real ssh-keygen ed25519 keys, git's own SSH signing."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

if shutil.which("ssh-keygen") is None or shutil.which("git") is None:  # pragma: no cover
    pytest.skip("需要 git 和 ssh-keygen", allow_module_level=True)

PEOPLE = {
    # name: (email, unit, roles)
    "liming": ("liming@dachang.gov.cn", "dachang", ["editor"]),
    "sunli": ("sunli@dachang.gov.cn", "dachang", ["editor"]),
    "zhangke": ("zhangke@dachang.gov.cn", "dachang", ["section_head"]),
    "zhaozhen": ("zhaozhen@dachang.gov.cn", "dachang", ["leader"]),
    "qianshu": ("qianshu@dachang.gov.cn", "dachang", ["principal"]),
    "both": ("both@dachang.gov.cn", "dachang", ["editor", "section_head"]),
    "gone": ("gone@dachang.gov.cn", "dachang", ["section_head"]),
    "oldkey": ("oldkey@dachang.gov.cn", "dachang", ["section_head"]),
    "zhoufgw": ("zhou@fgw.gov.cn", "fgw", ["leader"]),
    "wufgw": ("wu@fgw.gov.cn", "fgw", ["editor"]),
    "wangoffice": ("wang@office.gov.cn", "office", ["leader"]),
    "stranger": ("stranger@example.com", None, []),
}
WINDOW = ("2026-10-01", "2026-12-31")
SPECIAL = {"gone": {"left": "2026-11-20"}, "oldkey": {"window": ("2026-08-01", "2026-10-31")}}
NOW = "2026-11-28T10:00:00+08:00"


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    out = {}
    for name in PEOPLE:
        path = folder / name
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True)
        out[name] = path
    return out


def unit_yaml(unit_id: str, name: str, people: list[dict]) -> str:
    text = textwrap.dedent(f"""\
        id: {unit_id}
        name: {name}
        kind: township
        contact:
          address: 重庆市巫山县
          hours: 工作日
          phone: 023-57000000
          head: 某某
        opened:
          approval: 巫山府办函〔2022〕101号
          approved_on: 2022-12-01
          announcement: {unit_id}/tzgg/kaitong.md
          date: 2022-12-05
        columns:
          - id: gzdt
            title: 工作动态
            category: news
            update: weekly
        people:
        """)
    for p in people:
        text += f"  - name: {p['name']}\n    email: {p['email']}\n    roles: [{', '.join(p['roles'])}]\n"
        if p.get("left"):
            text += f"    left: {p['left']}\n"
        text += "    keys:\n"
        text += f"      - key: {p['key']}\n        valid_from: {p['window'][0]}\n        valid_until: {p['window'][1]}\n"
    return text


def verify_repository(root: Path, *args, **kwargs):
    """The gate as the commands run it: with the portal's render digests for 三校."""
    from govsite.cli.services import render_digests
    from govsite.review import gate

    kwargs.setdefault("render_digests", render_digests)
    return gate.verify_repository(root, *args, **kwargs)


@dataclass
class County:
    """A county repository in a temporary folder, with helpers acting as its staff."""

    root: Path
    keys: dict[str, Path]

    def git(self, *args: str, who: str = "liming", date: str = NOW, check: bool = True) -> str:
        email = PEOPLE[who][0]
        env = {**os.environ, "GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": who,
               "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
               "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
        proc = subprocess.run(["git", "-C", str(self.root), *args], env=env, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise AssertionError(f"git {args} failed: {proc.stderr}")
        return proc.stdout.strip()

    def pub(self, who: str) -> str:
        return " ".join(Path(str(self.keys[who]) + ".pub").read_text().split()[:2])

    def person(self, who: str, **over) -> dict:
        email, _unit, roles = PEOPLE[who]
        spec = {"name": who, "email": email, "roles": roles, "key": self.pub(who), "window": WINDOW,
                **SPECIAL.get(who, {})}
        spec.update(over)
        return spec

    def write_units(self, extra: dict[str, list[dict]] | None = None, grant: dict[str, list[str]] | None = None) -> None:
        units: dict[str, list[dict]] = {"dachang": [], "fgw": [], "office": []}
        for who, (_e, unit, roles) in PEOPLE.items():
            if unit:
                units[unit].append(self.person(who, roles=(grant or {}).get(who, roles)))
        for unit, people in (extra or {}).items():
            units[unit].extend(people)
        names = {"dachang": "巫山县大昌镇人民政府", "fgw": "巫山县发展和改革委员会", "office": "巫山县人民政府办公室"}
        (self.root / "units").mkdir(exist_ok=True)
        for unit, people in units.items():
            (self.root / "units" / f"{unit}.yml").write_text(unit_yaml(unit, names[unit], people), encoding="utf-8")

    def write_page(self, name: str = "fanghuo.md", body: str = "大昌镇召开森林防火工作部署会。", unit: str = "dachang",
                   **front) -> str:
        path = f"content/{unit}/gzdt/{name}"
        lines = ["---", "title: 大昌镇召开森林防火工作部署会", "formed: 2026-11-20"]
        lines += [f"{k}: {v}" for k, v in front.items()]
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text("\n".join(lines + ["---", "", body, ""]), encoding="utf-8")
        return path

    def commit_all(self, msg: str, who: str = "liming", date: str = NOW, signed: bool = True) -> str:
        """Commit everything as ``who``, signed with their key (content commits are signed, as approvals are)."""
        self.git("add", "-A", who=who, date=date)
        sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys[who]}", "commit", "-S"] if signed else ["commit"]
        self.git(*sign, "-q", "-m", msg, who=who, date=date)
        return self.git("rev-parse", "HEAD")

    def sign(self, who: str, message: str, date: str = NOW, signed: bool = True) -> str:
        """A raw approval commit with the given message, signed with ``who``'s key (no checks)."""
        args = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys[who]}", "commit", "--allow-empty", "-q",
                "-m", message]
        if signed:
            args.insert(-2, "-S")
        self.git(*args, who=who, date=date)
        return self.git("rev-parse", "HEAD")

    def blob(self, path: str, rev: str = "HEAD") -> str:
        return self.git("rev-parse", f"{rev}:{path}")

    def approval(self, tier: str, unit: str, paths: list[str], blobs: list[str] | None = None) -> str:
        from govsite.review.policy import DEFAULT_CHECKLIST
        from govsite.review.trailers import format_message

        blobs = blobs or [self.blob(p) for p in paths]
        return format_message(tier, unit, list(zip(paths, blobs)), DEFAULT_CHECKLIST.get(tier, ()))

    def approve(self, who: str, tier: str, paths: list[str], unit: str = "dachang", date: str = NOW,
                blobs: list[str] | None = None) -> str:
        return self.sign(who, self.approval(tier, unit, paths, blobs), date=date)

    def merge(self, branch: str = "mr", who: str = "zhaozhen", date: str = NOW) -> str:
        self.git("checkout", "-q", "main", who=who)
        self.git("merge", "-q", "--no-ff", branch, "-m", f"Merge {branch}", who=who, date=date)
        return self.git("rev-parse", "HEAD")

    def three_tiers(self, paths: list[str], unit: str = "dachang") -> None:
        self.approve("liming", "1", paths, unit)
        self.approve("zhangke", "2", paths, unit)
        self.approve("zhaozhen", "3", paths, unit)

    def digests(self, rev: str = "HEAD") -> dict[str, str]:
        """Render digests of the preview build of ``rev`` (real MkDocs build)."""
        from govsite.portal.digests import render_digests

        return render_digests(self.root, rev)

    def proof(self, who: str, tier: str, paths: list[str], unit: str = "dachang", date: str = NOW,
              digests: dict[str, str] | None = None) -> str:
        """A raw proofread (三校) approval bound to the blobs and to the render digests (default: HEAD's preview)."""
        from govsite.review.policy import DEFAULT_CHECKLIST
        from govsite.review.trailers import format_message

        digests = digests if digests is not None else self.digests()
        msg = format_message(tier, unit, [(p, self.blob(p)) for p in paths], DEFAULT_CHECKLIST[tier],
                             renders=[(p, digests[p]) for p in paths])
        return self.sign(who, msg, date=date)

    def three_proofs(self, paths: list[str], unit: str = "dachang") -> None:
        digests = self.digests()
        self.proof("liming", "proof-1", paths, unit, digests=digests)
        self.proof("zhangke", "proof-2", paths, unit, digests=digests)
        self.proof("zhaozhen", "proof-3", paths, unit, digests=digests)


def make_county(root: Path, keys: dict[str, Path], proofs: bool) -> County:
    """A county whose first commit holds the rosters and site_config/site.yml; ``proofs=False`` sets
    ``review.require_proofs: false`` there (tests about the three review tiers, not about 三校)."""
    root.mkdir()
    c = County(root, keys)
    c.git("init", "-q", "-b", "main")
    c.write_units()
    (root / "content").mkdir()
    (root / "content" / ".keep").write_text("")
    (root / "site_config").mkdir()
    site = "name: 巫山县人民政府\nregion_code: \"500237\"\n"
    if not proofs:
        site += "review:\n  require_proofs: false\n"
    (root / "site_config" / "site.yml").write_text(site, encoding="utf-8")
    c.commit_all("初始化人员名单", who="wangoffice", date="2026-10-02T09:00:00+08:00")
    c.git("checkout", "-q", "-b", "mr")
    return c


@pytest.fixture()
def county(tmp_path, keys) -> County:
    """Three review tiers only (三校 switched off in site_config/site.yml)."""
    return make_county(tmp_path / "county", keys, proofs=False)


@pytest.fixture()
def proof_county(tmp_path, keys) -> County:
    """三审三校: proofs required (the default)."""
    return make_county(tmp_path / "proof-county", keys, proofs=True)


def failures_for(report, path: str, tier: str | None = None) -> list[str]:
    return [f.reason for f in report.failures if f.path == path and (tier is None or f.tier == tier)]
