"""The root of trust (信任根): settings the gate reads from the repository's first commit, never from the
revision under review, so that a merge request cannot change what is required of itself.

The first commit is the root of the target branch's first-parent history: a branch cannot change it (it can
merge in a history of its own, whose first commit then counts for nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govsite.git.objects import cat_batch
from govsite.git.refs import first_parent_root


def root_site_config(root: Path, head: str, first: str | None = None) -> dict[str, Any]:
    """``site_config/site.yml`` as set in the first commit (the root of trust), ``{}`` when absent or broken.

    Settings that decide what the gate requires are read from here, not from the revision under review,
    so a merge request cannot change them for itself. ``first``: the root of trust when the caller knows
    it (the gate: the target branch's), else the root of ``head``'s first-parent history.
    """
    first = first or first_parent_root(root, head)
    objs = cat_batch(root, [f"{first}:site_config/site.yml"])
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


def office_unit(root: Path, head: str, config: dict[str, Any] | None = None) -> str:
    """The county office's unit id (``office_unit`` in site_config/site.yml) as set in the first commit.

    Read from the root of trust, not from the revision under review, so a merge request cannot
    redirect roster approvals to a unit it controls. Defaults to ``office``.
    """
    data = root_site_config(root, head) if config is None else config
    value = data.get("office_unit")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return "office"


def require_proofs(root: Path, head: str, config: dict[str, Any] | None = None) -> bool:
    """Whether the gate requires 三校 (``review.require_proofs`` in the first commit's site.yml; default true)."""
    data = root_site_config(root, head) if config is None else config
    review = data.get("review")
    if isinstance(review, dict) and review.get("require_proofs") is False:
        return False
    return True
