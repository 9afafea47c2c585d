"""The county as the checks see it: a :class:`checks.context.CheckContext` and a page reader, from a County."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from checks.context import BodyOnly, CheckContext
from checks.engine import Checker
from checks.findings import Finding
from checks.references import number_key
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


class DocumentNumbers(Mapping[str, tuple[str, ...]]):
    """文号 (:func:`checks.references.number_key`) → the pages that carry it, read from content/ with the one
    content model when first asked (only a page that names a document by its number asks)."""

    def __init__(self, project: County) -> None:
        self.project = project
        self._index: dict[str, tuple[str, ...]] | None = None

    def _built(self) -> dict[str, tuple[str, ...]]:
        if self._index is None:
            from checks.textio import UnreadableFile, decode_text  # noqa: PLC0415

            found: dict[str, list[str]] = {}
            for path in self.project.content_files():
                try:
                    raw = path.read_bytes()
                    if b"doc_number" not in raw:
                        continue
                    text = decode_text(raw).text
                except (OSError, UnreadableFile):
                    continue
                rel = self.project.rel(path)
                page, _ = parse_page(rel, text, None, lines=False)
                if page.doc_number:
                    found.setdefault(number_key(page.doc_number), []).append(rel)
            self._index = {k: tuple(v) for k, v in found.items()}
        return self._index

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


def column_categories(project: County) -> dict[str, str]:
    """``"<unit>/<column>"`` → the column's disclosure category."""
    return {f"{uid}/{cid}": c.category for uid, u in project.units.items() for cid, c in u.columns.items()}


def check_context(project: County) -> CheckContext:
    units = project.units
    return CheckContext(
        root=project.root, lists=project.lists, proper_names=project.proper_names(),
        published_numbers=published_numbers(project),
        own_names={uid: tuple(n for n in (u.name, u.short_name) if n) for uid, u in units.items()},
        site_names=tuple(str(project.site.get(k)) for k in ("name", "sponsor") if project.site.get(k)),
        content_dir=project.root / "content",
        new_media=tuple((uid, m.platform, m.name, m.account) for uid, u in units.items() for m in u.new_media),
        columns=column_categories(project), doc_numbers=DocumentNumbers(project))


def checker_for(project: County, ruleset: RuleSet | None = None) -> Checker:
    """A checker for the county's pages: shipped packs plus the county's rules, its context, its units."""
    return Checker(check_context(project), ContentModelReader(project.units), ruleset or load_rules(project.root))
