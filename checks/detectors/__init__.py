"""Built-in detectors for ``kind: code`` rules: what needs an algorithm rather than a term list.

A detector is ``fn(view: PageView) -> Iterable[Hit]``; rule packs name it by the keys of :data:`DETECTORS`.
Modules are imported only when a rule that names them is active.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from checks.kinds import Hit

DETECTORS: dict[str, str] = {
    "privacy.id_number": "checks.detectors.privacy:id_number",
    "privacy.mobile": "checks.detectors.privacy:mobile",
    "privacy.bank_card": "checks.detectors.privacy:bank_card",
    "privacy.passport": "checks.detectors.privacy:passport",
    "privacy.id_number_checksum": "checks.detectors.privacy:id_number_checksum",
    "privacy.home_address": "checks.detectors.privacy:home_address",
    "privacy.name_with_number": "checks.detectors.privacy:name_with_number",
    "privacy.attachment_gps": "checks.detectors.privacy:attachment_gps",
    "privacy.attachment_unchecked": "checks.detectors.privacy:attachment_unchecked",
    "links.external_domain": "checks.detectors.links:external_domain",
    "links.shortener": "checks.detectors.links:shortener",
    "links.internal": "checks.detectors.links:internal",
    "links.malformed": "checks.detectors.links:malformed",
    "source.repost_missing": "checks.detectors.source:repost_missing",
    "source.repost_incomplete": "checks.detectors.source:repost_incomplete",
    "source.unauthoritative": "checks.detectors.source:unauthoritative",
    "source.wechat_account": "checks.detectors.source:wechat_account",
    "norm.halfwidth_punctuation": "checks.detectors.norm:halfwidth_punctuation",
    "norm.image_alt": "checks.detectors.norm:image_alt",
    "typo.engine": "checks.detectors.typo:engine",
    "html.unsafe": "checks.detectors.html:unsafe",
    "policy.validity": "checks.detectors.policy:validity",
    "policy.references": "checks.detectors.policy:references",
}

Detector = Callable[..., Iterable[Hit]]


def load_detector(name: str) -> Detector | None:
    target = DETECTORS.get(name)
    if target is None:
        return None
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)
