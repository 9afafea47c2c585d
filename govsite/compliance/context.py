"""The county as the checks see it: a :class:`checks.context.CheckContext` and a page reader, from a County."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from checks.context import BodyOnly, CheckContext
from checks.engine import Checker
from checks.findings import Finding
from checks.rules import RuleSet, load_rules
from govsite.core.county import County
from govsite.core.pages import location_of, parse_page, split_front_matter


@dataclass
class ContentModelReader:
    """Pages read with the one content model (:func:`govsite.core.pages.parse_page`) against the county's units."""

    units: dict[str, Any]

    def read(self, path: str, text: str) -> tuple[Any, list[Finding]]:
        return parse_page(path, text, self.units)

    def body(self, path: str, text: str) -> BodyOnly:
        unit_id, column_id = location_of(path) or ("", "")
        _, _, body_start = split_front_matter(text)
        return BodyOnly(path=path, text=text, body_start=max(body_start, 0), unit_id=unit_id, column_id=column_id)


def published_numbers(project: County) -> frozenset[str]:
    """Digits of every phone number the units and the portal publish (never a resident's private number)."""
    phones = [u.contact.phone for u in project.units.values()]
    phones.append(str(project.site.get("phone") or ""))
    contact = project.site.get("contact")
    if isinstance(contact, dict):
        phones.append(str(contact.get("phone") or ""))
    found: set[str] = set()
    for phone in phones:
        for run in re.findall(r"\d[\d -]{6,}\d", phone or ""):
            found.add(re.sub(r"\D", "", run))
    return frozenset(found)


def check_context(project: County) -> CheckContext:
    units = project.units
    return CheckContext(
        root=project.root, lists=project.lists, proper_names=project.proper_names(),
        published_numbers=published_numbers(project),
        own_names={uid: tuple(n for n in (u.name, u.short_name) if n) for uid, u in units.items()},
        site_names=tuple(str(project.site.get(k)) for k in ("name", "sponsor") if project.site.get(k)),
        content_dir=project.root / "content",
        new_media=tuple((uid, m.platform, m.name, m.account) for uid, u in units.items() for m in u.new_media))


def checker_for(project: County, ruleset: RuleSet | None = None) -> Checker:
    """A checker for the county's pages: shipped packs plus the county's rules, its context, its units."""
    return Checker(check_context(project), ContentModelReader(project.units), ruleset or load_rules(project.root))
