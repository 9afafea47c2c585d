"""The page catalogue of one build: every article with the metadata the portal shows.

An :class:`Article` is a page (:class:`govsite.core.pages.Page`, the one content model) as it is published:
its address, publish and update dates (:mod:`govsite.git.dates`), 索引号 and whether it is verified. Ordering
is total and stable: newest publish date (first publication: a correction does not move a page up) first,
then newest ``formed``, then path — the same input always gives the same lists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from checks import references
from govsite.core.china import china_date
from govsite.core.pages import Page

PAGE_SIZE = 20          # items per generated list page
HOME_LATEST = 12        # items in the portal's latest list
UNIT_LATEST = 6         # items per column on a unit home page
FEED_ITEMS = 50         # items per RSS feed


@dataclass
class Article:
    """One published (or previewed) page."""

    path: str          # repository-relative: content/<unit>/<column>/<name>.md
    src_uri: str       # relative to content/
    url: str           # site-relative URL, e.g. dachang/gzdt/2026-11-20-x/
    unit_id: str
    column_id: str
    title: str
    formed: dt.date | None = None
    published: dt.datetime | None = None   # 发布日期: first publication on the branch (None: not committed yet)
    updated: dt.datetime | None = None     # 更新日期: the arrival of the version shown, when on a later day
    doc_number: str = ""
    category: str = ""
    source: str = ""
    summary: str = ""
    repost_from: str = ""
    repost_url: str = ""
    verified: bool = False
    index_no: str = ""
    validity: str = ""                 # 效力状态 of a policy document (有效, 已修改, 已废止, 已失效) or ""
    validity_date: dt.date | None = None
    validity_by: str = ""              # the amending or replacing document, as written (path or 文号)
    interprets: str = ""               # a 政策解读's document, as written (path or 文号)
    image: str = ""                    # site path of the page's first own image, for 图片新闻 (or "")
    image_alt: str = ""
    # computed from the whole catalogue by Catalog.finish (published pages only)
    replaced_by: Article | None = field(default=None, repr=False, compare=False)
    interprets_doc: Article | None = field(default=None, repr=False, compare=False)
    interpretations: list[Article] = field(default_factory=list, repr=False, compare=False)

    @property
    def sort_key(self) -> tuple:
        pub = self.published.timestamp() if self.published else _day_ts(self.formed)
        return (-pub, -_day_ts(self.formed), self.path)

    @property
    def display_date(self) -> str:
        """发布日期 as lists, feeds' readers and the search index show it (China date), else 成文日期."""
        if self.published:
            return china_date(self.published).isoformat()
        return self.formed.isoformat() if self.formed else ""

    @property
    def updated_date(self) -> str:
        """更新日期 (China date) when the page was corrected on a later day than its first publication, else ''."""
        return china_date(self.updated).isoformat() if self.updated else ""


def _day_ts(day: dt.date | None) -> float:
    if day is None:
        return 0.0
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()


def index_number(region: str, unit_id: str, year: int | None, path: str) -> str:
    """索引号: region code, unit, year and a number derived from the path — stable across builds."""
    digest = int(hashlib.sha1(path.encode("utf-8")).hexdigest()[:10], 16) % 100000
    return f"{region or '000000'}-{unit_id.upper()}/{year or 0:04d}-{digest:05d}"


def make_article(page: Page, src_uri: str, url: str, region: str) -> Article:
    """The catalogue entry of a parsed page published at site URL ``url``."""
    parts = src_uri.split("/")
    formed = page.formed
    repost = page.repost
    v = page.validity if page.validity is not None and page.validity.known else None
    return Article(
        path=page.path, src_uri=src_uri, url=url, unit_id=parts[0], column_id=parts[1],
        title=page.title or Path(src_uri).stem, formed=formed, doc_number=page.doc_number,
        category=page.category, source=page.source, summary=page.summary,
        repost_from=repost.from_ if repost else "", repost_url=repost.url if repost else "",
        index_no=index_number(region, parts[0], formed.year if formed else None, page.path),
        validity=v.status if v else "", validity_date=v.date if v else None, validity_by=v.by if v else "",
        interprets=page.interprets, **_first_image(page.body, src_uri),
    )


_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\)")


def _first_image(body: str, src_uri: str) -> dict[str, str]:
    """The first image the page carries itself (a file under content/, not an outside address)."""
    for m in _IMAGE.finditer(body or ""):
        target = m.group(2)
        if ":" in target or target.startswith(("/", "//")):
            continue
        path = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), target))
        if not path.startswith(".."):
            return {"image": path, "image_alt": m.group(1).strip()}
    return {}


def rel_url(frm: str, to: str) -> str:
    """Relative link from the page at site URL ``frm`` to site URL ``to`` (directory URLs)."""
    base = frm if (frm == "" or frm.endswith("/")) else posixpath.dirname(frm) + "/"
    target, _, anchor = to.partition("#")
    out = _relpath(target, base)
    if (target.endswith("/") or target == "") and not out.endswith("/"):
        out += "/"
    return out + (f"#{anchor}" if anchor else "")


def _relpath(target: str, base: str) -> str:
    """``posixpath.relpath(target or ".", base or ".")`` for plain site paths, without its ``abspath`` calls
    (this runs several times per page)."""
    b = base.rstrip("/").split("/") if base.rstrip("/") else []
    t = target.rstrip("/").split("/") if target.rstrip("/") else []
    if target.startswith("/") or base.startswith("/") or any(x in ("", ".", "..") for x in b + t):
        return posixpath.relpath(target or ".", base.rstrip("/") or ".")
    i = 0
    while i < len(b) and i < len(t) and b[i] == t[i]:
        i += 1
    return "/".join([".."] * (len(b) - i) + t[i:]) or "."


@dataclass
class Catalog:
    """All articles, grouped by unit and column, newest first."""

    articles: list[Article] = field(default_factory=list)
    by_column: dict[tuple[str, str], list[Article]] = field(default_factory=dict)
    by_unit: dict[str, list[Article]] = field(default_factory=dict)
    by_src: dict[str, Article] = field(default_factory=dict)

    def add(self, article: Article) -> None:
        self.articles.append(article)

    def finish(self) -> None:
        self.articles.sort(key=lambda a: a.sort_key)
        self.by_column.clear()
        self.by_unit.clear()
        for a in self.articles:
            self.by_column.setdefault((a.unit_id, a.column_id), []).append(a)
            self.by_unit.setdefault(a.unit_id, []).append(a)
            self.by_src[a.src_uri] = a
        self._link_documents()

    def _link_documents(self) -> None:
        """Each policy document's replacing document and its 解读, each 解读's document: by path or 文号
        (:mod:`checks.references`, as the checks read them), among the pages this build publishes. A 文号
        several pages carry names the newest of them."""
        by_path = {a.path: a for a in self.articles}
        by_number: dict[str, Article] = {}
        for a in self.articles:
            if a.doc_number:
                by_number.setdefault(references.number_key(a.doc_number), a)
        for a in self.articles:
            a.replaced_by = a.interprets_doc = None
            a.interpretations = []

        def find(a: Article, value: str) -> Article | None:
            if not value:
                return None
            if references.is_path(value):
                found = next((by_path[c] for c in references.candidates(a.path, value) if c in by_path), None)
            else:
                found = by_number.get(references.number_key(value))
            return found if found is not a else None

        for a in self.articles:
            a.replaced_by = find(a, a.validity_by)
            a.interprets_doc = find(a, a.interprets)
            if a.interprets_doc is not None:
                a.interprets_doc.interpretations.append(a)

    def column(self, unit_id: str, column_id: str) -> list[Article]:
        return self.by_column.get((unit_id, column_id), [])

    @staticmethod
    def page_count(n_items: int) -> int:
        return max(1, -(-n_items // PAGE_SIZE))
