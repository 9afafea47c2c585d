"""What the publish gate (发布核验) tells the portal: which pages may be published.

The portal never judges approvals itself (that is :mod:`govsite.review`); whoever runs the build (``govsite
build``, or the plugin as MkDocs loads it) hands it a :class:`Verdict` or a :data:`Gate` that makes one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Verdict:
    """The gate's answer for one repository: ``verified`` repository paths may be published."""

    ok: bool
    verified: set[str] = field(default_factory=set)
    report: Any = None  # the gate's own report (opaque here): what explains a refusal to the user
    note: str = ""      # why there is no real verdict (no git history, no gate)
    # pages whose latest change is unapproved, published at their last approved version: path → its bytes
    versions: dict[str, bytes] = field(default_factory=dict)
    # every path that fails the gate → the first reason, in the gate's words
    failing: dict[str, str] = field(default_factory=dict)

    def blocks_publication(self) -> bool:
        """Whether the published build must not run at all: nothing may be published, or a roster or
        column catalogue (units/), a setting, template or county rule (site_config/) is unapproved, which
        every page is laid out or checked with."""
        return not any(p.startswith("content/") for p in self.verified) or any(
            p.startswith(("units/", "site_config/")) for p in self.failing)


Gate = Callable[[Path], Verdict]


def no_gate(root: Path) -> Verdict:
    """The verdict when nobody supplied a gate: nothing is verified (a preview marks every page 未审核)."""
    return Verdict(ok=False, note="没有提供发布核验（govsite verify），无法确认稿件已完成三审三校。只能预览。")


@dataclass(frozen=True)
class UnitProblem:
    """A unit that may not have pages on the portal (Art. 8): its unit file and the Chinese reason."""

    path: str
    reason: str


class GateRefused(Exception):
    """A published build refused: the gate did not pass, or units lack their opening record (Art. 8)."""

    def __init__(self, verdict: Verdict, units: list[UnitProblem]) -> None:
        super().__init__("publishing refused")
        self.verdict = verdict
        self.units = units
