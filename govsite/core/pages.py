"""Pages (稿件): Markdown files under ``content/<unit>/<column>/`` with YAML front matter.

The one reader of front matter: the checks, the portal (catalogue and what MkDocs shows), the publish gate
(``major``, ``co_units``) and the audit (``title``, ``formed``) all take a page's fields from
:func:`parse_page`, so they cannot disagree about what a page says. The publish date is never typed by
editors; it comes from git (:mod:`govsite.git.dates`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from checks.findings import Finding, whole_line
from govsite.core.fields import FieldReader
from govsite.core.units import Unit
from checks.yamlio import YamlDoc, YamlSyntaxError, load_yaml

DISCLOSURE = ("主动公开", "依申请公开", "不予公开")
FRONT_KEYS = ("title", "formed", "doc_number", "category", "major", "co_units", "source", "repost", "disclosure",
              "summary", "unit", "column", "doc_type", "validity", "interprets")
REPOST_KEYS = ("from", "url")
# what kind of document a policy page is (文件类型): the annual report counts 规章 and 行政规范性文件
DOC_TYPES = ("规章", "行政规范性文件", "其他政策文件")
VALIDITY = ("有效", "已修改", "已废止", "已失效")  # 效力状态 (the checks report any other value: schema.validity-status)
VALIDITY_KEYS = ("status", "date", "by")  # not "on": YAML 1.1 reads that key as true
# the longest a field may be (characters): longer is a slip of the paste, and would flood lists and feeds
FIELD_LIMITS = {"title": 200, "doc_number": 60, "category": 60, "source": 100, "summary": 500}


@dataclass
class Repost:
    """Where a reposted page comes from (转载, Art. 24)."""

    from_: str = ""
    url: str = ""
    line: int = 0


@dataclass
class Validity:
    """Whether a policy document is in force (效力): status, since when, and the document that replaced it."""

    status: str = "有效"
    date: dt.date | None = None  # the day the status took effect (repealed, expired, amended; or in force from)
    by: str = ""                # the document that amended, repealed or replaced it (its page's path or 文号)

    @property
    def in_force(self) -> bool:
        return self.status in ("有效", "已修改")

    @property
    def known(self) -> bool:
        """The status is one of :data:`VALIDITY` (another value is reported by the checks, not guessed at)."""
        return self.status in VALIDITY


@dataclass
class Page:
    """A parsed page. ``body_start`` is the offset of the body in ``text``; ``front_lines`` maps keys to lines."""

    path: str            # repository-relative, posix
    text: str            # whole file, ``\n`` line ends
    unit_id: str
    column_id: str
    body_start: int = 0
    front: dict[str, Any] = field(default_factory=dict)
    doc: YamlDoc | None = None
    title: str = ""
    formed: dt.date | None = None
    doc_number: str = ""
    category: str = ""
    major: bool = False
    co_units: tuple[str, ...] = ()
    source: str = ""
    repost: Repost | None = None
    disclosure: str = "主动公开"
    summary: str = ""
    doc_type: str = ""
    validity: Validity | None = None
    interprets: str = ""  # a 政策解读's document: the path of its page or its 文号
    front_unreadable: bool = False  # front matter opened but not readable (YAML error, never closed)

    def key_line(self, *keypath: Any) -> int:
        return self.doc.line(*keypath) if self.doc else 1

    @property
    def body(self) -> str:
        return self.text[self.body_start:]


_OPEN = re.compile(r"---[ \t]*(?:\n|\Z)")
_CLOSE = re.compile(r"^---[ \t]*$", re.M)


def split_front_matter(text: str) -> tuple[str | None, int, int]:
    """Return (front matter text or None, first line of the YAML, offset where the body starts).

    Front matter opens with a first line ``---`` and closes with the next line ``---`` (spaces or tabs may
    follow either); a page that opens it and never closes it gets ``("", 2, -1)``."""
    opened = _OPEN.match(text)
    if opened is None:
        return None, 0, 0
    start = opened.end()
    if start < len(text) and text[start - 1] != "\n":
        start = len(text)
    closed = _CLOSE.search(text, start)
    if closed is None or start >= len(text):
        return "", 2, -1  # opened but never closed
    after = closed.end() + 1 if closed.end() < len(text) else closed.end()
    return text[start:closed.start()], 2, after


def location_of(path: str) -> tuple[str, str] | None:
    """``content/<unit>/<column>/…/x.md`` → (unit, column)."""
    parts = path.split("/")
    if len(parts) >= 4 and parts[0] == "content":
        return parts[1], parts[2]
    return None


def parse_page(path: str, text: str, units: dict[str, Unit] | None, lines: bool = True) -> tuple[Page, list[Finding]]:
    """Parse a page's front matter, checking it against its unit and column (``schema`` findings).

    ``units`` may be None (the gate at a revision, the audit): the unit and column are then not checked and
    ``source`` has no default. ``lines=False`` reads the same fields faster, every finding on line 1."""
    loc = location_of(path)
    unit_id, column_id = loc if loc else ("", "")
    page = Page(path=path, text=text, unit_id=unit_id, column_id=column_id)
    problems: list[Finding] = []
    if not loc:
        problems.append(whole_line(path, 1, "schema", "schema.location", "error",
                                   "稿件应放在 content/<单位>/<栏目>/ 目录下，例如 content/dachang/gzdt/2026-11-20-xxx.md。"))
    front_text, first_line, body_start = split_front_matter(text)
    if front_text is None:
        problems.append(whole_line(path, 1, "schema", "schema.front-matter", "error",
                                   "稿件缺少头部信息（front matter）。请在文件开头加入以 --- 开始和结束的块，至少包含 title 和 formed。",
                                   None))
        return page, problems
    if body_start < 0:
        page.front_unreadable = True
        problems.append(whole_line(path, 1, "schema", "schema.front-matter", "error",
                                   "头部信息以 --- 开始却没有以单独一行 --- 结束，请补上结束行。"))
        return page, problems
    page.body_start = body_start
    try:
        doc = load_yaml(front_text, first_line, lines=lines)
    except YamlSyntaxError as exc:
        page.front_unreadable = True
        problems.append(whole_line(path, exc.line, "schema", "schema.yaml-syntax", "error", exc.message))
        return page, problems
    page.doc = doc
    r = FieldReader(doc, path, "稿件头部")
    r.duplicate_keys()
    front = r.mapping(doc.data, ())
    page.front = front
    r.unknown_keys(front, FRONT_KEYS, ())
    page.title = r.get(front, "title", (), str, required=True) or ""
    page.formed = r.get(front, "formed", (), dt.date, required=True)
    page.doc_number = r.get(front, "doc_number", (), str) or ""
    page.category = r.get(front, "category", (), str) or ""
    major = front.get("major")
    if major is not None and not isinstance(major, bool):
        # strict for every reader: something other than true/false counts as major (the principal signs)
        r.problem(("major",), "schema.type", f"稿件头部中“major”应为 true 或 false，实际为“{major}”。"
                                             "按重大信息处理（须主要负责人签发）；请改为 true 或 false。")
    page.major = major is not None and major is not False
    page.summary = r.get(front, "summary", (), str) or ""
    for key, limit in FIELD_LIMITS.items():
        value = front.get(key)
        if isinstance(value, str) and len(value) > limit:
            r.problem((key,), "schema.too-long",
                      f"稿件头部中“{key}”有 {len(value)} 个字，超过 {limit} 个字的上限。请精简；正文内容请写在头部之后。")
    page.disclosure = r.get(front, "disclosure", (), str, choices=DISCLOSURE) or "主动公开"
    if page.disclosure == "不予公开":
        r.problem(("disclosure",), "schema.not-for-disclosure",
                  "此稿件标注为“不予公开”，不得放在 content/ 下发布。请移出发布仓库；如应公开，请改为“主动公开”。")
    known = units is not None
    units = units or {}
    unit = units.get(unit_id)
    if loc and known and unit is None:
        problems.append(whole_line(path, 1, "schema", "schema.unknown-unit", "error",
                                   f"单位“{unit_id}”不存在：units/{unit_id}.yml 中没有它。请检查目录名，或先登记单位。"))
    elif loc and known and unit is not None and column_id not in unit.columns:
        problems.append(whole_line(path, 1, "schema", "schema.unknown-column", "error",
                                   f"栏目“{column_id}”不在 {unit.name} 的栏目目录中（units/{unit_id}.yml）。"
                                   f"已有栏目：{'、'.join(f'{c.id}（{c.title}）' for c in unit.columns.values())}。"))
    for key, actual in (("unit", unit_id), ("column", column_id)):
        declared = r.get(front, key, (), str)
        if declared and loc and declared != actual:
            r.problem((key,), "schema.contradiction",
                      f"头部“{key}: {declared}”与所在目录“{actual}”矛盾。请删除该字段或把文件移到正确目录。")
    co = front.get("co_units")
    if co is not None:
        if isinstance(co, str):
            co = [co]
        if not isinstance(co, list) or not all(isinstance(c, str) for c in co):
            r.problem(("co_units",), "schema.type", "“co_units”应为单位标识列表，例如 [fgw, nongye]。")
        else:
            for i, c in enumerate(co):
                if known and c not in units:
                    r.problem(("co_units", i), "schema.unknown-unit", f"会签单位“{c}”不存在（units/ 中没有 {c}.yml）。")
                elif c == unit_id:
                    r.problem(("co_units", i), "schema.co-unit-self", "会签单位不能是本单位。")
            # an unknown co-unit stays: its consent is still required, so the page cannot pass unnoticed
            page.co_units = tuple(dict.fromkeys(c for c in co if c != unit_id))
    page.doc_type = r.get(front, "doc_type", (), str, choices=DOC_TYPES) or ""
    page.validity = _validity(r, front)
    page.interprets = (r.get(front, "interprets", (), str) or "").strip()
    page.source = r.get(front, "source", (), str) or (unit.name if unit else "")
    if "repost" in front:
        rp = front["repost"]
        if isinstance(rp, dict):
            r.unknown_keys(rp, REPOST_KEYS, ("repost",))
            page.repost = Repost(from_=r.get(rp, "from", ("repost",), str) or "",
                                 url=r.get(rp, "url", ("repost",), str) or "", line=doc.line("repost"))
        elif rp is not None:
            r.problem(("repost",), "schema.type", "“repost”应为键值表，包含 from（原发单位或媒体）和 url（原文链接）。")
            page.repost = Repost(line=doc.line("repost"))
        else:
            page.repost = Repost(line=doc.line("repost"))
    problems.extend(r.problems)
    return page, problems


def _validity(r: FieldReader, front: dict[str, Any]) -> Validity | None:
    """``validity: 有效`` or ``validity: {status: 已废止, date: 2026-08-01, by: 巫山府发〔2026〕9号}``.

    The parser reads the shape (a status, or a mapping of status, date and by; a real date); whether the
    status is one of :data:`VALIDITY`, and whether a date is there when it must be, are rules of the checks
    (``schema.validity-status``, ``schema.validity-date``: ``checks/detectors/policy.py``)."""
    value = front.get("validity")
    if value is None:
        return None
    if isinstance(value, str):
        return Validity(value.strip()) if value.strip() else None
    if not isinstance(value, dict):
        r.problem(("validity",), "schema.type", "“validity”（效力状态）应写成 有效，或写成键值表："
                                                "status（有效、已修改、已废止、已失效）、date（日期）、by（替代它的文件）。")
        return None
    r.unknown_keys(value, VALIDITY_KEYS, ("validity",))
    status = r.get(value, "status", ("validity",), str, required=True)
    date = r.get(value, "date", ("validity",), dt.date)
    by = r.get(value, "by", ("validity",), str) or ""
    return Validity(status.strip(), date, by.strip()) if status and status.strip() else None


def review_flags(path: str, text: str) -> tuple[bool, tuple[str, ...]]:
    """``major`` and ``co_units`` as :func:`parse_page` reads them, for the publish gate (which asks this of
    every page of every revision). Front matter that cannot be read counts as major when it mentions ``major``
    or ``co_units`` (the principal signs). A front matter without those words, and without a backslash that
    could spell them as an escape (``"\\u006dajor"``), has neither: it is not parsed (10,000 pages a run)."""
    front_text, _, _ = split_front_matter(text)
    if not front_text or ("major" not in front_text and "co_units" not in front_text and "\\" not in front_text):
        return False, ()
    page, _problems = parse_page(path, text, None, lines=False)
    return page.major or page.front_unreadable, page.co_units
