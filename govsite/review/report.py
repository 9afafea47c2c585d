"""What the publish gate reports (核验结果): per path the state of every tier and proof, and the failures
with their reasons and articles."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

# repository path → render digest of every page of a preview build of a revision (the portal's, handed in);
# the optional third argument replaces some files of the revision (path → bytes) before building
RenderDigests = Callable[..., dict[str, str]]


@dataclass(frozen=True)
class Failure:
    """One reason a path cannot be published: path, tier (审核层级) and a Chinese reason naming the article."""

    path: str
    tier: str
    reason: str
    article: str = ""


@dataclass
class TierResult:
    """State of one required tier for one path: valid | missing | invalid | stale."""

    tier: str
    state: str
    signer: str = ""
    commit: str = ""
    reasons: list[str] = field(default_factory=list)


@dataclass
class PathResult:
    """Review state of one page, removed page or roster file."""

    path: str
    blob: str
    kind: str  # page | removed | units
    tiers: list[TierResult] = field(default_factory=list)
    proofs: list[TierResult] = field(default_factory=list)  # 三校 (proof-1..3), bound to the render digest
    proofs_required: bool = False  # False: proofs are shown for information only
    # the page's exemptions (豁免): line, rule, reason, tiers that must accept it, tiers whose approval does
    exemptions: list[dict[str, Any]] = field(default_factory=list)
    # returns (退回) of this version: who, the record's commit, the opinion
    returns: list[dict[str, str]] = field(default_factory=list)
    # earlier tiers carried over a reviewer's revision (Art. 17): tier, the version it approved, who revised,
    # and the diff the later tiers signed over
    revisions: list[dict[str, Any]] = field(default_factory=list)
    # the attachments this version links (path → the version its approvals must name)
    attachments: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(t.state == "valid" for t in self.tiers + (self.proofs if self.proofs_required else []))


@dataclass
class VerifyReport:
    """Result of :func:`verify_repository`."""

    ok: bool
    failures: list[Failure] = field(default_factory=list)
    verified: set[str] = field(default_factory=set)
    results: dict[str, PathResult] = field(default_factory=dict)
    rev: str = ""
    base: str | None = None
    approvals: int = 0
    proofs: bool = True  # whether 三校 was required in this run
    # pages whose current version fails but an earlier version passed every tier and proof: path → that
    # version's blob, which the published build shows instead (the page stays online as it was approved)
    held: dict[str, str] = field(default_factory=dict)
    held_attachments: dict[str, str] = field(default_factory=dict)  # the attachment versions those pages show

    @property
    def publishable(self) -> set[str]:
        """Paths the published build may show: verified at this revision, or held at an approved version."""
        return self.verified | set(self.held)

    def to_json(self, details: bool = False) -> str:
        """The JSON report; ``details`` adds every path's tiers (state, signer, commit, reasons)."""
        data = {
            "ok": self.ok, "rev": self.rev, "base": self.base, "approval_commits": self.approvals,
            "proofs_required": self.proofs,
            "verified_count": len(self.verified), "failure_count": len(self.failures),
            "failures": [asdict(f) for f in self.failures], "verified": sorted(self.verified),
            "held_at_approved_version": dict(sorted(self.held.items())),
            "held_attachments": dict(sorted(self.held_attachments.items())),
        }
        if details:
            data["results"] = {p: {"kind": r.kind, "blob": r.blob, "ok": r.ok,
                                   "tiers": [asdict(t) for t in r.tiers], "proofs": [asdict(t) for t in r.proofs],
                                   "proofs_required": r.proofs_required, "exemptions": r.exemptions, "returns": r.returns,
                                   "revisions": r.revisions, "attachments": r.attachments}
                               for p, r in sorted(self.results.items())}
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> VerifyReport:
        """The report back from ``to_json(details=True)`` (the desk keeps verdicts on disk this way)."""
        data = json.loads(text)
        results = {p: PathResult(p, r["blob"], r["kind"], [TierResult(**t) for t in r["tiers"]],
                                 [TierResult(**t) for t in r["proofs"]], r["proofs_required"], r["exemptions"],
                                 r["returns"], r["revisions"], r["attachments"])
                   for p, r in data["results"].items()}
        return cls(ok=data["ok"], failures=[Failure(**f) for f in data["failures"]], verified=set(data["verified"]),
                   results=results, rev=data["rev"], base=data["base"], approvals=data["approval_commits"],
                   proofs=data["proofs_required"], held=data["held_at_approved_version"],
                   held_attachments=data["held_attachments"])
