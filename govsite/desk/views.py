"""What the desk shows (待办与审阅): each person's inbox, and one page under review as it will be published,
with the findings of the checks marked in place, exemptions, what changed, opinions and the Art. 16 checklist.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from govsite.core.units import identity
from govsite.desk.workspace import Workspace, now
from govsite.review.policy import CHECKLIST, REQUIRED_CHECKLIST, TIER_NAMES, TIER_ROLES
from govsite.review.report import PathResult, TierResult

ART21_DAYS = 20  # Art. 21: published within 20 working days of being formed
ORDER = ("1", "2", "3", "principal", "proof-1", "proof-2", "proof-3")


@dataclass(frozen=True)
class Waiting:
    """One page waiting for one person (待办)."""

    branch: str
    path: str
    tier: str
    tier_name: str
    unit: str
    unit_name: str
    column: str
    title: str
    author: str
    since: dt.datetime
    deadline: dt.date | None
    late: bool
    returned: bool

    @property
    def waited(self) -> str:
        hours = int((now() - self.since).total_seconds() // 3600)
        return f"{hours // 24} 天 {hours % 24} 小时" if hours >= 24 else f"{hours} 小时"


def next_tier(result: PathResult) -> TierResult | None:
    """The first tier (then proof) of ``result`` that is not yet valid: who must act next."""
    for t in result.tiers:
        if t.state != "valid":
            return t
    if result.proofs_required:
        for t in result.proofs:
            if t.state != "valid":
                return t
    return None


def tier_for(result: PathResult, roles: set[tuple[str, str]], unit: str) -> TierResult | None:
    """The tier of ``result`` the holder of ``roles`` signs next: the first one not yet valid, or a later one
    when every earlier one is only stale because a reviewer revised the page (Art. 17: the reviser signs their
    own tier and the earlier tiers' approvals carry over)."""
    pending = [t for t in result.tiers if t.state != "valid"]
    if result.proofs_required and not pending:
        pending = [t for t in result.proofs if t.state != "valid"]
    for t in pending:
        if who_signs(t.tier, unit) in roles:
            return t
        if t.state != "stale" or not result.tiers or t.tier not in ("1", "2", "3"):
            return None
    return None


def tier_name(tier: str) -> str:
    if tier.startswith("consent:"):
        return f"会签（{tier.split(':', 1)[1]}）"
    return TIER_NAMES.get(tier, tier)


def who_signs(tier: str, unit: str) -> tuple[str, str]:
    """(unit, role) of whoever signs ``tier`` of a page of ``unit``."""
    if tier.startswith("consent:"):
        return tier.split(":", 1)[1], "leader"
    if tier == "remove":
        return unit, "leader"
    return unit, TIER_ROLES.get(tier, "leader")


@dataclass(frozen=True)
class Inbox:
    """An inbox as shown: what waits, and how many branches are still being judged (待核验) and so not in it."""

    items: list[Waiting]
    judging: int = 0


def inbox(ws: Workspace, email: str) -> list[Waiting]:
    """What waits for ``email``: pages whose next tier is theirs to sign, oldest first (every branch judged)."""
    return inbox_within(ws, email, None).items


def inbox_within(ws: Workspace, email: str, budget: float | None) -> Inbox:
    """The inbox of ``email`` in about ``budget`` seconds: branches already judged, then as many others as
    the time allows; the rest are counted as still being judged (the desk judges them in the background).
    ``None``: judge every branch."""
    from govsite.review.trust import office_unit  # noqa: PLC0415

    roles = {(u.id, r) for u, p in ws.positions(email) for r in p.roles}
    if not roles:
        return Inbox([])
    started = time.monotonic()
    roster = ws.roster()
    office = office_unit(ws.root, ws.base_tip())
    out: list[Waiting] = []
    reports, later = [], []
    for b in ws.branches():
        report = ws.known(b) if budget is not None else ws.status(b)
        if report is None:
            later.append(b)
        else:
            reports.append((b, report))
    later.sort(key=lambda b: b.time)  # the oldest first: they are the nearest to their deadline
    for n, b in enumerate(later):
        if budget is not None and time.monotonic() - started > budget:
            later = later[n:]
            break
        reports.append((b, ws.status(b)))
    else:
        later = []
    pages = {r.blob: p for _b, report in reports for p, r in report.results.items()
             if r.kind == "page" and p.endswith(".md")}
    meta = ws.remember_all("meta", pages, functools.partial(_page_meta, ws))
    for b, report in reports:
        for path, result in report.results.items():
            unit_id = office if result.kind == "units" else (path.split("/")[1] if path.count("/") >= 3 else "")
            t = tier_for(result, roles, unit_id)
            if t is None:
                continue
            title, formed = meta.get(result.blob) or (path.rsplit("/", 1)[-1], None)
            author = result.tiers[0].signer if result.tiers and result.tiers[0].state == "valid" else ""
            deadline = _deadline(formed)
            u = roster.units.get(unit_id)
            column = path.split("/")[2] if path.count("/") >= 3 else ""
            column_name = u.columns[column].title if u is not None and column in u.columns else column
            out.append(Waiting(b.name, path, t.tier, tier_name(t.tier), unit_id, u.name if u else unit_id,
                               column_name if result.kind != "units" else "人员名单", title, author, b.time,
                               deadline, deadline is not None and deadline < now().date(), bool(result.returns)))
    out.sort(key=lambda w: (w.since, w.path))
    return Inbox(out, len(later))


@dataclass(frozen=True)
class Mine:
    """A page the person submitted (我的稿件) and where it stands."""

    branch: str
    path: str
    title: str
    state: str  # Chinese: which tier it waits for, or that it is ready to publish, or when it was published
    returned: str  # the opinion of a return (退回), if any
    published: dt.date | None = None  # the day the page reached the target branch (发布)


def my_pages(ws: Workspace, email: str) -> list[Mine]:
    """Pages on branches under review whose 一审 the person signed, with the tier each waits for (branches
    not judged yet are left out; the inbox judges them)."""
    me = identity(email)
    out: list[Mine] = []
    for b in ws.branches():
        report = ws.known(b)
        if report is None:
            continue
        for path, result in sorted(report.results.items()):
            first = result.tiers[0] if result.tiers else None
            if result.kind != "page" or first is None or me not in first.signer.lower():
                continue
            t = next_tier(result)
            state = f"待{tier_name(t.tier)}" if t is not None else "审核和校对已完成，待合并发布"
            back = result.returns[-1]["note"] if result.returns else ""
            raw = ws.read(b.tip, path) or b""
            out.append(Mine(b.name, path, page_title(raw.decode("utf-8-sig", "replace"), path), state, back))
    return out


def my_published(ws: Workspace, submissions: list[tuple[str, str, str]], limit: int = 10) -> list[Mine]:
    """Pages the person submitted in the desk whose branch is gone and that are on the target branch: when
    each was published (the day its version reached the target, through the merge)."""
    from govsite.core.china import CHINA  # noqa: PLC0415
    from govsite.git import process  # noqa: PLC0415

    open_branches = {b.name for b in ws.branches()}
    tip = ws.base_tip()
    out: list[Mine] = []
    for path, branch, _at in submissions:
        if branch in open_branches or any(m.path == path for m in out) or len(out) >= limit:
            continue
        raw = ws.read(tip, path)
        if raw is None:
            continue

        def merged(path: str = path) -> str:
            return process.run(ws.root, "log", "-1", "--first-parent", "--format=%cI", tip, "--", path,
                               check=False).decode().strip()

        when = ws.cached(f"published:{path}", merged)
        day = dt.datetime.fromisoformat(when).astimezone(CHINA).date() if when else None
        out.append(Mine("", path, page_title(raw.decode("utf-8-sig", "replace"), path),
                        f"已发布 {day}" if day else "已发布", "", day))
    return out


def _deadline(formed: dt.date | None) -> dt.date | None:
    if formed is None:
        return None
    from govsite.core.workdays import add_working_days  # noqa: PLC0415

    return add_working_days(formed, ART21_DAYS)


def _page_meta(ws: Workspace, pages: dict[str, str]) -> dict[str, tuple[str, dt.date | None]]:
    """blob → (title, 成文日期) of the page versions ``pages`` (blob → path), in one git process."""
    from govsite.core.pages import parse_page  # noqa: PLC0415
    from govsite.git.objects import cat_batch  # noqa: PLC0415

    objs = cat_batch(ws.root, sorted(pages))
    out: dict[str, tuple[str, dt.date | None]] = {}
    for blob, p in pages.items():
        obj = objs.get(blob)
        if obj is None or obj[0] != "blob":
            continue
        page, _problems = parse_page(p, obj[1].decode("utf-8-sig", "replace"), None, lines=False)
        out[blob] = (page.title or p.rsplit("/", 1)[-1], page.formed)
    return out


# ---- one page under review -----------------------------------------------------------------------------
@dataclass
class Mark:
    """A finding (or an exempted one) to highlight: the text it is about, and what to say."""

    text: str
    rule: str
    severity: str
    message: str
    suggestion: str
    exempt: str = ""  # the exemption's reason when the finding is exempted
    line: int = 0


@dataclass
class PageView:
    branch: str
    tip: str
    path: str
    title: str
    unit: str
    result: PathResult
    article: str | None  # the rendered page's article block, marked; None while the preview is being built
    marks: list[Mark] = field(default_factory=list)
    diff: list[tuple[str, str]] = field(default_factory=list)  # (kind, html) rows: same / changed / added / removed
    source: str = ""
    next: TierResult | None = None
    mine: bool = False  # the next tier is the viewer's
    can_return: bool = False
    can_revise: bool = False
    own_approvals: list[tuple[str, str]] = field(default_factory=list)  # (commit, tier name)
    checklist: list[tuple[str, str, bool]] = field(default_factory=list)  # (id, text, required)
    exemptions_to_accept: bool = False
    tiers: list[dict[str, Any]] = field(default_factory=list)


def page_view(ws: Workspace, email: str, branch: str, path: str) -> PageView:
    from govsite.core.errors import GovsiteError  # noqa: PLC0415

    b = ws.branch(branch)
    report = ws.status(b)
    result = report.results.get(path)
    if result is None:
        raise GovsiteError(f"分支“{branch}”没有改动 {path}，没有要审核的内容。请回到待办列表。")
    raw = ws.read(b.tip, path) or b""
    source = raw.decode("utf-8-sig", "replace")
    unit_id = path.split("/")[1] if path.count("/") >= 3 else ""
    page_html = ws.page_html(b.tip, path) if path.endswith(".md") else None
    if page_html is None and path.endswith(".md"):
        ws.digests(b.tip, wait=False)  # start the preview
    marks = _marks(ws, path, raw) if path.startswith("content/") and path.endswith(".md") else []
    article = _article(page_html, marks) if page_html is not None else None
    published = ws.read(ws.base_tip(), path)
    roles = {(u.id, r) for u, p in ws.positions(email) for r in p.roles}
    t = tier_for(result, roles, unit_id if result.kind != "units" else _office(ws))
    mine = t is not None
    t = t or next_tier(result)
    view = PageView(branch, b.tip, path, page_title(source, path), unit_id, result, article, marks,
                    _diff(published.decode("utf-8-sig", "replace") if published else "", source), source, t, mine)
    view.can_return = any((unit_id, r) in roles for r in ("section_head", "leader", "principal")) and result.kind == "page"
    view.can_revise = view.can_return and path.endswith(".md")
    required = set(REQUIRED_CHECKLIST.get(t.tier if t else "", ()))
    view.checklist = [(k, v, k in required) for k, v in CHECKLIST.items()]
    view.exemptions_to_accept = bool(t and any(t.tier in e["tiers"] for e in result.exemptions))
    me = identity(email)
    names = {identity(p.email): p.name for _u, p in ws.positions(email)}
    for tr in result.tiers + result.proofs:
        view.tiers.append({"tier": tr.tier, "name": tier_name(tr.tier), "state": tr.state, "signer": tr.signer,
                           "commit": tr.commit, "reasons": tr.reasons})
        if tr.state == "valid" and tr.commit and (me in tr.signer.lower() or any(n and n in tr.signer for n in names.values())):
            view.own_approvals.append((tr.commit, tier_name(tr.tier)))
    return view


def _office(ws: Workspace) -> str:
    from govsite.review.trust import office_unit  # noqa: PLC0415

    return office_unit(ws.root, ws.base_tip())


def page_title(source: str, path: str) -> str:
    m = re.search(r"^title:\s*['\"]?(.+?)['\"]?\s*$", source, re.M)
    return m.group(1) if m else path.rsplit("/", 1)[-1]


def _marks(ws: Workspace, path: str, raw: bytes) -> list[Mark]:
    """The findings of every check on this version, with the text each is about."""
    checker = ws.checker()
    lines = raw.decode("utf-8-sig", "replace").split("\n")
    out: list[Mark] = []
    for f in checker.check_raw(path, raw):
        text = ""
        if f.line and f.line == f.end_line and 0 < f.line <= len(lines):
            text = lines[f.line - 1][max(f.column - 1, 0):max(f.end_column - 1, 0)]
        out.append(Mark(text.strip(), f.rule, f.severity, f.message, f.suggestion or "",
                        (f.suppression_reason or "已豁免") if f.suppressed else "", f.line))
    return out


def marked_page(ws: Workspace, tip: str, path: str, page: str) -> str:
    """The preview page with the findings of ``path`` at ``tip`` marked in its article block, and the marks'
    colours (the page is shown sandboxed, with the portal's own styles)."""
    raw = ws.read(tip, path) or b""
    marks = _marks(ws, path, raw)
    m = _ARTICLE.search(page)
    if m is None:
        return page
    block = _article(m.group(0), marks)
    style = ("<style>mark.finding{outline:2px solid;border-radius:2px;padding:0 1px}"
             "mark.error{background:#fde2e1;outline-color:#c62828}mark.warning{background:#fff4cc;outline-color:#b26a00}"
             "mark.exempt{background:#e8e8e8;outline-color:#757575;outline-style:dashed}</style>")
    out = page[:m.start()] + block + page[m.end():]
    return out.replace("</head>", style + "</head>", 1)


_ARTICLE = re.compile(r"<article\b[^>]*>.*?</article>", re.S)


def _article(page_html: str, marks: list[Mark]) -> str:
    """The page's article block from the preview, each finding's text wrapped in a <mark> where it first occurs
    in the text (never inside a tag)."""
    m = _ARTICLE.search(page_html)
    block = m.group(0) if m else page_html
    for i, mark in enumerate(marks):
        if not mark.text:
            continue
        needle = html.escape(mark.text, quote=False)
        kind = "exempt" if mark.exempt else mark.severity
        tip = html.escape(f"{mark.message}" + (f"（豁免理由：{mark.exempt}）" if mark.exempt else ""))
        pattern = re.compile(r"(>[^<]*?)(" + re.escape(needle) + ")")
        opening = f'<mark class="finding {kind}" data-finding="{i}" title="{tip}">'
        block, n = pattern.subn(_wrap(opening), block, count=1)
        if not n:
            mark.text = ""  # not on the rendered page (front matter, an attribute): listed, not marked
    return block


def _wrap(opening: str) -> Callable[[re.Match[str]], str]:
    def wrap(m: re.Match[str]) -> str:
        return f"{m.group(1)}{opening}{m.group(2)}</mark>"
    return wrap


def _diff(old: str, new: str) -> list[tuple[str, str]]:
    """Paragraph rows of what changed against the published version, with changed words marked."""
    a = [p for p in old.split("\n") if p.strip()]
    b = [p for p in new.split("\n") if p.strip()]
    rows: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for x, y in zip(a[i1:i2], b[j1:j2]):
                rows.append(("changed", _words(x, y)))
            continue
        rows += [("removed", f"<del>{html.escape(x)}</del>") for x in a[i1:i2]]
        rows += [("added", f"<ins>{html.escape(y)}</ins>") for y in b[j1:j2]]
    return rows


def _words(old: str, new: str) -> str:
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape(old[i1:i2]))
            continue
        if i2 > i1:
            out.append(f"<del>{html.escape(old[i1:i2])}</del>")
        if j2 > j1:
            out.append(f"<ins>{html.escape(new[j1:j2])}</ins>")
    return "".join(out)

