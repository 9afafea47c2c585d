"""The roster (人员名单) as it stood at a commit: every ``units/*.yml`` blob parsed with ``parse_unit``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from govsite.core.units import Person, Unit, parse_unit
from govsite.git.objects import cat_batch, parse_tree


@dataclass
class Roster:
    """The units as they stood at one commit: unit id → Unit, and unit id → (path, blob) of its file."""

    units: dict[str, Unit] = field(default_factory=dict)
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # file path → text, to explain rejected keys

    _index: dict[str, list[tuple[Unit, Person]]] | None = None

    def find_key(self, key: str) -> list[tuple[Unit, Person]]:
        """Every (unit, person) holding ``key`` (``type base64``)."""
        if self._index is None:
            self._index = {}
            for u in self.units.values():
                for p in u.people:
                    for k in {k.key_type_and_body for k in p.keys}:
                        self._index.setdefault(k, []).append((u, p))
        return self._index.get(key, [])

    def mentions(self, key: str) -> str | None:
        """The units/ file whose text lists ``key`` even though no usable key entry holds it."""
        body = key.split()[1] if len(key.split()) > 1 else ""
        return next((path for path, text in self.texts.items() if body and body in text), None)


def load_rosters(root: Path, commits: list[str]) -> dict[str, Roster]:
    """The roster at each commit, in two git processes; unit files are parsed once per blob."""
    trees = cat_batch(root, [f"{c}:units" for c in commits])
    entries: dict[str, dict[str, tuple[str, str]]] = {}
    blob_ids: set[str] = set()
    for c in commits:
        obj = trees.get(f"{c}:units")
        entries[c] = parse_tree(obj[1]) if obj and obj[0] == "tree" else {}
        blob_ids |= {oid for name, (mode, oid) in entries[c].items() if name.endswith((".yml", ".yaml"))}
    blobs = cat_batch(root, sorted(blob_ids))
    parsed: dict[str, Unit | None] = {}
    texts: dict[str, str] = {}
    rosters: dict[str, Roster] = {}
    cache: dict[tuple[tuple[str, tuple[str, str]], ...], Roster] = {}
    for c in commits:
        key = tuple(sorted(entries[c].items()))
        if key in cache:
            rosters[c] = cache[key]
            continue
        roster = Roster()
        for name, (_mode, oid) in sorted(entries[c].items()):
            if not name.endswith((".yml", ".yaml")):
                continue
            if oid not in parsed:
                obj = blobs.get(oid)
                unit = None
                if obj is not None:
                    try:
                        texts[oid] = obj[1].decode("utf-8-sig")
                        unit, _problems = parse_unit(texts[oid], f"units/{name}", name.rsplit(".", 1)[0])
                    except (UnicodeDecodeError, ValueError):
                        unit = None
                parsed[oid] = unit
            unit = parsed[oid]
            if oid in texts:
                roster.texts[f"units/{name}"] = texts[oid]
            if unit is not None and unit.id not in roster.units:
                roster.units[unit.id] = unit
                roster.files[unit.id] = (f"units/{name}", oid)
        rosters[c] = cache[key] = roster
    return rosters
