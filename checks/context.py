"""What a check sees (检查对象): the page (:class:`Document`) and what it knows of the county (:class:`CheckContext`).

The checks library knows nothing of how a county repository is laid out or read: the program that runs the
checks parses the page with its content model (anything with the fields of :class:`Document`) and hands in
the county's lists, names and published numbers as plain data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from checks.findings import Finding


class Repost(Protocol):
    """Where a reposted page comes from (转载, Art. 24)."""

    from_: str
    url: str
    line: int


class Validity(Protocol):
    """Whether a policy document is in force (效力): the status as written, its date, what replaced it."""

    status: str
    date: Any
    by: str


class Document(Protocol):
    """A parsed page: its text, where the body starts, its unit and column, and the front-matter fields the
    detectors read. Offsets are code points into ``text``."""

    path: str
    text: str
    body_start: int
    unit_id: str
    column_id: str
    source: str
    doc_type: str       # 文件类型 (规章, 行政规范性文件, 其他政策文件) or ""
    interprets: str     # a 政策解读's document (path or 文号) or ""

    @property
    def repost(self) -> Repost | None: ...

    @property
    def validity(self) -> Validity | None: ...

    def key_line(self, *keypath: Any) -> int: ...


@dataclass
class BodyOnly:
    """A page seen only for its body (cross-file checks of a cached page, snippets): no front-matter fields."""

    path: str
    text: str
    body_start: int = 0
    unit_id: str = ""
    column_id: str = ""
    source: str = ""
    repost: Repost | None = None
    doc_type: str = ""
    interprets: str = ""
    validity: Validity | None = None

    def key_line(self, *keypath: Any) -> int:
        return 1


class PageReader(Protocol):
    """How the program reads a page: ``read`` with its front matter and ``schema`` findings, ``body`` fast."""

    def read(self, path: str, text: str) -> tuple[Document, list[Finding]]: ...

    def body(self, path: str, text: str) -> Document: ...


@dataclass
class CheckContext:
    """What the checks know of the county, handed in by the program that runs them.

    ``root``: the repository, against which internal links resolve (``root/content/…``); ``lists``: the
    shipped lists merged with the county's (allowed domains, authoritative sources…); ``proper_names``:
    name → kind (leader, unit, place, title) for the typo engine; ``published_numbers``: digits of the
    phone numbers the units publish (never private data); ``own_names``: unit id → the names the unit
    publishes under (a page saying 来源：本单位 is no repost), with ``site_names`` for the whole portal;
    ``content_dir``: the pages the typo engine learns the county's own usage from; ``new_media``: the
    accounts the units registered under Art. 9, as (unit id, platform, name, account id); ``columns``:
    ``"<unit>/<column>"`` → the column's disclosure category (``policy``, ``interpretation``…, from the units'
    column catalogues); ``doc_numbers``: 文号 → the pages (``content/…``) that carry it, for front-matter
    fields that name another document by its number (the program may compute it when first read).
    """

    root: Path | None = None
    lists: Mapping[str, Any] = field(default_factory=dict)
    proper_names: Mapping[str, str] = field(default_factory=dict)
    published_numbers: frozenset[str] = frozenset()
    own_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    site_names: tuple[str, ...] = ()
    content_dir: Path | None = None
    new_media: tuple[tuple[str, str, str, str], ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)
    doc_numbers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Identity of the county for per-process memories (one typo engine per county)."""
        return str(self.root) if self.root is not None else ""
