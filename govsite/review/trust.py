"""The root of trust (信任根): settings the gate reads from the repository's first commit, never from the
revision under review, so that a merge request cannot change what is required of itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govsite.git.objects import cat_batch
from govsite.git.refs import root_commits


def root_site_config(root: Path, head: str) -> dict[str, Any]:
    """``site_config/site.yml`` as set in the first commit (the root of trust), ``{}`` when absent or broken.

    Settings that decide what the gate requires are read from here, not from the revision under review,
    so a merge request cannot change them for itself.
    """
    roots = root_commits(root, head)
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
