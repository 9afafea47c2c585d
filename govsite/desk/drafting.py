"""Writing a page in the desk (写稿): the form's fields and the editor's Markdown made into a page, checked as
``govsite check`` checks it (the same engine, the same rules), fixed one finding at a time with the check's own
suggestion, and submitted on a branch of its own: a content commit signed with the editor's passkey, then 一审.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from govsite.core.china import CHINA
from govsite.core.errors import GovsiteError
from govsite.desk.signing import Prepared
from govsite.desk.workspace import Workspace, now
from govsite.git import plumbing
from govsite.review import passkey

class BadDraft(GovsiteError):
    """Form data no page of the desk sends (a client error, answered 400)."""


MAX_BODY = 200_000  # characters: far more than any county page; more is a paste gone wrong
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
DISCLOSURE = ("主动公开", "依申请公开", "不予公开")


@dataclass
class Draft:
    """A page as the editor's form holds it (稿件草稿)."""

    unit: str = ""
    column: str = ""
    name: str = ""  # the file name without .md: 2026-12-07-fanghuo
    title: str = ""
    formed: str = ""  # 成文日期, YYYY-MM-DD
    doc_number: str = ""  # 文号
    category: str = ""
    major: bool = False  # 重大信息: the principal signs too
    co_units: list[str] = field(default_factory=list)
    source: str = ""
    repost_from: str = ""
    repost_url: str = ""
    disclosure: str = "主动公开"
    body: str = ""

    @classmethod
    def from_data(cls, data: Any) -> Draft:
        """The draft from the browser's JSON; anything malformed is a Chinese error, not a crash."""
        if not isinstance(data, dict):
            raise BadDraft("稿件内容格式错误，请刷新页面后重试。")
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key == "major":
                values[key] = bool(value)
            elif key == "co_units":
                items = value if isinstance(value, list) else str(value or "").replace("，", ",").split(",")
                values[key] = [str(v).strip() for v in items if str(v).strip()]
            else:
                values[key] = str(value or "").replace("\r\n", "\n")
        draft = cls(**values)
        if len(draft.body) > MAX_BODY:
            raise GovsiteError(f"正文超过 {MAX_BODY:,} 字，可能是粘贴出错。请检查后分成几篇稿件。")
        return draft

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def path(self) -> str:
        return f"content/{self.unit}/{self.column}/{self.name}.md"


def compose(draft: Draft) -> str:
    """The page file: front matter in the order the county's pages use, then the body."""
    import yaml  # noqa: PLC0415

    front: dict[str, Any] = {"title": draft.title.strip()}
    if draft.formed:
        front["formed"] = _date(draft.formed)
    for key in ("doc_number", "category", "source"):
        value = getattr(draft, key).strip()
        if value:
            front[key] = value
    if draft.major:
        front["major"] = True
    if draft.co_units:
        front["co_units"] = list(draft.co_units)
    if draft.repost_from.strip():
        front["repost"] = {"from": draft.repost_from.strip(), **({"url": draft.repost_url.strip()}
                                                                  if draft.repost_url.strip() else {})}
    front["disclosure"] = draft.disclosure or "主动公开"
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return f"---\n{head}---\n{draft.body.strip()}\n"


def decompose(text: str, like: Draft) -> Draft:
    """The draft back from a page file (after a fix was applied to it): the fields from its front matter."""
    import yaml  # noqa: PLC0415

    from govsite.core.pages import split_front_matter  # noqa: PLC0415

    front_text, _first, body_start = split_front_matter(text)
    front = yaml.safe_load(front_text or "") if front_text is not None else {}
    front = front if isinstance(front, dict) else {}
    repost = front["repost"] if isinstance(front.get("repost"), dict) else {}
    return Draft(unit=like.unit, column=like.column, name=like.name, title=str(front.get("title") or ""),
                 formed=str(front.get("formed") or ""), doc_number=str(front.get("doc_number") or ""),
                 category=str(front.get("category") or ""), major=front.get("major") is True,
                 co_units=[str(c) for c in front.get("co_units") or []], source=str(front.get("source") or ""),
                 repost_from=str(repost.get("from") or ""), repost_url=str(repost.get("url") or ""),
                 disclosure=str(front.get("disclosure") or "主动公开"),
                 body=text[body_start:].strip() if body_start >= 0 else like.body)


def _date(value: str) -> dt.date | str:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return value.strip()  # the schema check says what is wrong with it


# ---- where a person may write ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    """A column the person may write in (栏目), with its update class."""

    unit: str
    unit_name: str
    column: str
    title: str
    update: str
    due: dt.date | None = None  # the last day the column still counts as updated (Art. 23), from its newest page


UPDATE_NAMES = {"daily": "每日更新", "weekly": "每周更新", "biweekly": "每两周更新", "monthly": "每月更新",
                "quarterly": "每季度更新", "yearly": "每年更新", "annual": "每年更新", "event": "按需更新"}


def places(ws: Workspace, email: str) -> list[Place]:
    """Every column of every unit where ``email`` is an editor (信息员) in the roster at the target branch."""
    out = []
    for unit, person in ws.positions(email):
        if "editor" not in person.roles:
            continue
        for column in unit.columns.values():
            due = ws.cached(f"due:{unit.id}/{column.id}", functools.partial(_due, ws, unit.id, column))
            out.append(Place(unit.id, unit.short_name or unit.name, column.id, column.title,
                             UPDATE_NAMES.get(column.update, column.update), due))
    return out


def _due(ws: Workspace, unit: str, column: Any) -> dt.date | None:
    """When the column is next due: the audit's rule (Art. 23) from the day its newest page first appeared on
    the target branch."""
    from govsite.audit.freshness import deadline, effective_update  # noqa: PLC0415
    from govsite.git import process  # noqa: PLC0415

    out = process.run(ws.root, "log", "-1", "--diff-filter=A", "--format=%cI", ws.base_tip(), "--",
                      f"content/{unit}/{column.id}/*.md", check=False).decode().strip()
    if not out:
        return None
    last = dt.datetime.fromisoformat(out).astimezone(CHINA).date()
    return deadline(last, effective_update(column.update, column.category))


def _require_place(ws: Workspace, email: str, draft: Draft) -> None:
    if not any(p.unit == draft.unit and p.column == draft.column for p in places(ws, email)):
        raise GovsiteError(f"你不是单位“{draft.unit}”的信息员，或该单位没有栏目“{draft.column}”，不能在这里写稿。"
                           "请从栏目列表中选择（《管理办法》第十七条：一审由本单位信息员负责）。")
    if not NAME.fullmatch(draft.name):
        raise GovsiteError("文件名只能用小写字母、数字和连字符，例如 2026-12-07-fanghuo（不要用中文、空格或斜杠）。")


# ---- the checks, live -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shown:
    """One finding as the editor's form shows it: where (a field or a line of the body), what, and the fix."""

    rule: str
    severity: str
    message: str
    suggestion: str
    text: str  # the words it is about
    where: str  # "body" or a front-matter field
    line: int  # line of the body (1-based) or 0
    exempt: str = ""
    index: int = 0  # to ask for this fix


def check(ws: Workspace, draft: Draft, files: Collection[str] = ()) -> list[Shown]:
    """The findings of every check on the page the draft makes (``files``: the draft's uploads, which its
    links may name although they are not in the repository yet)."""
    return [_shown(draft, text, f, i) for i, (text, f) in enumerate(_findings(ws, draft, files))]


def _findings(ws: Workspace, draft: Draft, files: Collection[str] = ()) -> list[tuple[str, Any]]:
    from govsite.compliance.context import checker_for  # noqa: PLC0415
    from govsite.core.county import County  # noqa: PLC0415

    text = compose(draft)
    checker = ws.cached("checker", lambda: checker_for(County(ws.root)))
    found = [f for f in checker.check_raw(draft.path, text.encode("utf-8"))
             if not _uploaded(draft, text, f, set(files))]
    found.sort(key=lambda f: (f.line, f.column, f.rule))
    return [(text, f) for f in found]


def _uploaded(draft: Draft, text: str, finding: Any, files: set[str]) -> bool:
    """A missing-link finding about a file the editor uploaded with this draft (it is submitted with it)."""
    if finding.rule != "link.internal-missing" or not files or finding.line != finding.end_line:
        return False
    lines = text.split("\n")
    if not 0 < finding.line <= len(lines):
        return False
    target = lines[finding.line - 1][finding.column - 1:finding.end_column - 1].strip()
    return posixpath.normpath(posixpath.join(posixpath.dirname(draft.path), target)) in files


def _shown(draft: Draft, text: str, f: Any, index: int) -> Shown:
    lines = text.split("\n")
    head = text.split("\n---\n", 1)[0].count("\n") + 2  # lines up to and including the closing ---
    words = ""
    if f.line == f.end_line and 0 < f.line <= len(lines):
        words = lines[f.line - 1][max(f.column - 1, 0):max(f.end_column - 1, 0)]
    where, line = "body", max(f.line - head, 0)
    if f.line <= head:
        key = re.match(r"^\s*([a-z_]+):", lines[f.line - 1]) if 0 < f.line <= len(lines) else None
        where, line = (key.group(1) if key else "title"), 0
    return Shown(f.rule, f.severity, f.message, f.suggestion or "", words.strip(), where, line,
                 (f.suppression_reason or "已豁免") if f.suppressed else "", index)


def fix(ws: Workspace, draft: Draft, index: int, files: Collection[str] = ()) -> Draft:
    """The draft with the suggestion of finding ``index`` applied (the check's own fix)."""
    from checks.fix import apply_to_text  # noqa: PLC0415

    found = _findings(ws, draft, files)
    if not 0 <= index < len(found) or not found[index][1].suggestion:
        raise GovsiteError("这条提示没有可自动修正的建议（或稿件已改动）。请按提示手工修改。")
    text, finding = found[index]
    fixed, count = apply_to_text(text, [finding])
    if not count:
        raise GovsiteError("无法自动修正这条提示，请按提示手工修改。")
    return decompose(fixed, draft)


# ---- submitting: the content commit, signed ------------------------------------------------------------
def submit(ws: Workspace, email: str, draft: Draft, files: dict[str, bytes] | None = None) -> Prepared:
    """A new branch from the target with the page (and its uploaded files), to be signed with the editor's
    passkey; errors the checks find block it, as the pre-commit hook would."""
    _require_place(ws, email, draft)
    if not ws.passkeys(email):
        raise GovsiteError("你在人员名单中没有有效的通行密钥，不能提交。请先登记通行密钥并经县政府办公室批准。")
    blocking = [s for s in check(ws, draft, set(files or {})) if s.severity == "error" and not s.exempt]
    if blocking:
        raise GovsiteError("稿件还有以下错误，改正后才能提交：\n" + "\n".join(
            f"- {s.message}" + (f"（“{s.text}”）" if s.text else "") for s in blocking[:10]))
    tip = ws.base_tip()
    page = compose(draft).encode("utf-8")
    written = {draft.path: page, **{p: d for p, d in (files or {}).items()
                                    if p.startswith(f"content/{draft.unit}/{draft.column}/")}}
    tree = plumbing.write_tree(ws.root, tip, dict(written))
    when = now()
    existed = ws.read(tip, draft.path) is not None
    subject = (f"{'修改' if existed else '新增'}稿件：{draft.title.strip() or draft.name}\n\n"
               f"由信息员在审签工作台撰写并签名提交（《管理办法》第十七条）。\n")
    record = passkey.record_for_commit(subject, tree, tip, when)
    branch = f"desk/{draft.unit}-{draft.name}-{when:%Y%m%d%H%M%S}"
    return Prepared("submit", branch, record, when.isoformat(), tip, tree=tree, signed={draft.path: ""},
                    summary=f"提交稿件 {draft.path}")


def preview_commit(ws: Workspace, email: str, draft: Draft, files: dict[str, bytes] | None = None) -> str:
    """A commit (on no branch) of the target with the draft's page and files, for its preview build: the editor
    sees the page as it will be published before submitting. Nothing is signed or pushed."""
    _require_place(ws, email, draft)
    tip = ws.base_tip()
    written = {draft.path: compose(draft).encode("utf-8"),
               **{p: d for p, d in (files or {}).items() if p.startswith(f"content/{draft.unit}/{draft.column}/")}}
    tree = plumbing.write_tree(ws.root, tip, dict(written))
    return plumbing.make_commit(ws.root, tree, tip, f"预览：{draft.title or draft.name}\n", now(), "govsite desk",
                                "desk@localhost")
