"""Adapters to the review package: publish dates from git and the publish gate.

Both tolerate the review modules being absent or incomplete: publish dates then fall back to the
last commit touching each file (or nothing outside git), and the gate reports nothing verified.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class GateResult:
    """What the publish gate says about the repository at ``rev``."""

    ok: bool
    verified: set[str] = field(default_factory=set)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (path, tier, reason)
    available: bool = True  # False when the review gate is not installed yet


def is_git_repo(root: Path) -> bool:
    proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
                          capture_output=True, check=False)
    return proc.returncode == 0 and (root / ".git").exists()


def head_timestamp(root: Path) -> int | None:
    """Committer time of HEAD (seconds), or None outside git."""
    if not is_git_repo(root):
        return None
    out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct", "HEAD"],
                         capture_output=True, text=True, check=False)
    return int(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def _fallback_dates(root: Path) -> dict[str, dt.datetime]:
    """Last commit date touching each file under content/ (one ``git log`` pass)."""
    out = subprocess.run(["git", "-C", str(root), "log", "--format=\x01%cI", "--name-only", "-z", "HEAD", "--",
                          "content/"], capture_output=True, check=False)
    dates: dict[str, dt.datetime] = {}
    when: dt.datetime | None = None
    for chunk in out.stdout.decode("utf-8", "surrogateescape").split("\0"):
        for line in chunk.split("\n"):
            if line.startswith("\x01"):
                when = dt.datetime.fromisoformat(line[1:])
            elif line and when is not None:
                dates.setdefault(line, when)
    return dates


def publish_dates(root: Path, rev: str = "HEAD") -> dict[str, dt.datetime]:
    """Repository-relative path → publish date; ``{}`` outside git (callers fall back to ``formed``)."""
    if not is_git_repo(root):
        return {}
    try:
        from govsite.git.dates import publish_dates as review_dates  # noqa: PLC0415
    except ImportError:
        return _fallback_dates(root)
    return review_dates(root, rev)


def run_gate(root: Path, rev: str = "HEAD") -> GateResult:
    """The review gate's verdict; nothing verified when the gate or git is unavailable."""
    if not is_git_repo(root):
        return GateResult(ok=False, failures=[("content/", "gate", "仓库没有 git 提交记录，无法核验审核签名。请先提交稿件。")])
    try:
        from govsite.review.gate import verify_repository  # noqa: PLC0415
        report = verify_repository(root, rev)
    except ImportError:
        return GateResult(ok=False, available=False, failures=[
            ("content/", "gate", "发布核验模块（govsite verify）尚未安装，无法确认稿件已完成三审。只能用 --preview 预览。")])
    failures = [(f.path, f.tier, f.reason) for f in report.failures]
    return GateResult(ok=bool(report.ok), verified=set(report.verified), failures=failures)


def unit_problems(root: Path, units: dict) -> list[tuple[str, str]]:
    """Units that may not have pages on the portal yet (Art. 8): (unit file, Chinese reason)."""
    out = []
    for uid, unit in sorted(units.items()):
        if unit.opened is None:
            out.append((unit.path, f"单位“{unit.name}”没有开通记录（opened）。依据《管理办法》第八条，须经县政府办公室批准并发布开通公告后方可开设网页。"))
        elif not unit.opened.announcement or not (root / "content" / unit.opened.announcement).is_file():
            out.append((unit.path, f"单位“{unit.name}”的开通公告稿件 content/{unit.opened.announcement} 不存在。请先提交开通公告（第八条）。"))
    return out
