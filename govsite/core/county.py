"""A county's repository (县级门户仓库) on disk: where it is, its site identity, units and merged lists."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks import PACKS_DIR
from govsite.core.errors import GovsiteError
from govsite.core.tree import ContentScan, scan_content
from checks.findings import Finding, whole_line
from govsite.core.units import Unit, UnitSet, load_units
from checks.textio import UnreadableFile, read_text
from checks.yamlio import YamlSyntaxError, load_yaml

SITE_KEYS = ("name", "short_name", "county", "region_code", "sponsor", "operator", "site_code", "icp", "police_record",
             "contact", "interaction_url", "office_unit", "operator_unit", "base_url", "description", "address", "phone",
             "email", "copyright", "embeds", "services")


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that has ``units/`` and ``content/``; else the env/cwd."""
    env = os.environ.get("GOVSITE_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "units").is_dir() and (folder / "content").is_dir():
            return folder
    raise GovsiteError(
        f"在 {here} 及其上级目录中找不到 govsite 仓库（需要同时有 units/ 和 content/ 目录）。"
        "请在仓库目录中运行，或用 --root 指定仓库位置。"
    )


def _load_yaml_file(path: Path, rel: str, problems: list[Finding]) -> Any:
    try:
        return load_yaml(read_text(path).text).data
    except UnreadableFile as exc:
        problems.append(whole_line(rel, exc.line, "schema", exc.rule, "error", exc.message))
    except YamlSyntaxError as exc:
        problems.append(whole_line(rel, exc.line, "schema", "schema.yaml-syntax", "error", exc.message))
    return None


def merge_lists(root: Path | None, problems: list[Finding]) -> dict[str, Any]:
    """Shipped lists (checks/packs/lists/*.yml) extended by the county's (site_config/lists/*.yml).

    Lists are concatenated (duplicates dropped, order kept); mappings are merged key by key.
    """
    merged: dict[str, Any] = {}
    sources = [(p, f"checks/packs/lists/{p.name}") for p in sorted((PACKS_DIR / "lists").glob("*.yml"))]
    if root is not None:
        sources += [(p, f"site_config/lists/{p.name}") for p in sorted((root / "site_config" / "lists").glob("*.yml"))]
    for path, rel in sources:
        data = _load_yaml_file(path, rel, problems)
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(whole_line(rel, 1, "schema", "schema.type", "error", "清单文件应为键值表，例如 allowed_domains: [...]。"))
            continue
        for key, value in data.items():
            old = merged.get(key)
            if isinstance(old, list) and isinstance(value, list):
                seen = {repr(v) for v in old}
                merged[key] = old + [v for v in value if repr(v) not in seen]
            elif isinstance(old, dict) and isinstance(value, dict):
                merged[key] = {**old, **value}
            else:
                merged[key] = value
    return merged


@dataclass
class County:
    """Everything a command needs to know about one repository, loaded lazily."""

    root: Path
    problems: list[Finding] = field(default_factory=list)

    def all_problems(self) -> list[Finding]:
        """Load everything, then return the problems found in units/, site_config/ and the lists."""
        _ = self.units, self.site, self.lists
        return self.problems

    @functools.cached_property
    def lists(self) -> dict[str, Any]:
        return merge_lists(self.root, self.problems)

    @functools.cached_property
    def categories(self) -> dict[str, dict[str, Any]]:
        """Disclosure categories (公开类别) by id."""
        return {c["id"]: c for c in self.lists.get("categories", []) if isinstance(c, dict) and "id" in c}

    @functools.cached_property
    def unit_set(self) -> UnitSet:
        result = load_units(self.root, set(self.categories) or None)
        self.problems.extend(result.problems)
        return result

    @property
    def units(self) -> dict[str, Unit]:
        return self.unit_set.units

    @functools.cached_property
    def site(self) -> dict[str, Any]:
        path = self.root / "site_config" / "site.yml"
        if not path.exists():
            return {}
        data = _load_yaml_file(path, "site_config/site.yml", self.problems)
        if data is not None and not isinstance(data, dict):
            self.problems.append(whole_line("site_config/site.yml", 1, "schema", "schema.type", "error",
                                            "site.yml 应为键值表。"))
            return {}
        return data or {}

    @property
    def office_unit(self) -> str:
        return str(self.site.get("office_unit") or "office")

    @property
    def operator_unit(self) -> str:
        return str(self.site.get("operator_unit") or "bigdata")

    def content_files(self) -> list[Path]:
        """Every page under content/ (regular ``*.md`` files, links never followed), sorted; what content/ may
        not hold is in :meth:`content_problems`."""
        return self.content_scan.pages

    @functools.cached_property
    def content_scan(self) -> ContentScan:
        return scan_content(self.root)

    def content_problems(self) -> list[Finding]:
        """Symbolic links, special files, pages not named ``*.md``, control characters in names (govsite.core.tree)."""
        return self.content_scan.problems

    def rel(self, path: Path) -> str:
        if path.is_absolute() and ".." not in path.parts:
            try:
                return path.relative_to(self.root).as_posix()  # no filesystem calls on the hot path
            except ValueError:
                pass
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def proper_names(self) -> dict[str, str]:
        """Name → kind (leader/unit/place/title) from the lists, the site identity and every unit."""
        names: dict[str, str] = {}
        for item in self.lists.get("proper_names", []):
            if isinstance(item, dict) and item.get("name"):
                names[str(item["name"])] = str(item.get("kind") or "place")
            elif isinstance(item, str):
                names[item] = "place"
        for unit in self.units.values():
            for n in (unit.name, unit.short_name):
                if n:
                    names[n] = "unit"
            if unit.contact.head:
                names.setdefault(unit.contact.head, "leader")
        for key in ("name", "sponsor", "operator", "county"):
            value = self.site.get(key)
            if isinstance(value, str) and value:
                names.setdefault(value, "unit")
        return names
