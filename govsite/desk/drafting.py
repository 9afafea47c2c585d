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
    validity: str = ""  # 效力状态 of a policy document: 有效 | 已修改 | 已废止 | 已失效
    validity_date: str = ""  # YYYY-MM-DD: in force from, or the day it was amended, repealed, expired
    validity_by: str = ""  # the document that amends or replaces it (its page or 文号)
    interprets: str = ""  # a 政策解读's document (its page or 文号)
    body: str = ""
    # front matter the form has no field for (doc_type, summary…): kept as the page had it, never dropped
    extra: dict[str, Any] = field(default_factory=dict)
    # exemptions (豁免) of findings in the fields: field → ["RULE 理由", …], written beside the field's line as
    # ``# <!-- govsite: allow RULE 理由 -->``; those of the body are comment lines in the body itself
    allow: dict[str, list[str]] = field(default_factory=dict)
    branch: str = ""  # the branch of a returned page being corrected ("" for a new branch from the target)

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
            elif key == "extra":
                values[key] = dict(value) if isinstance(value, dict) else {}
            elif key == "allow":
                values[key] = {str(k): [str(v) for v in vs] for k, vs in value.items()
                               if isinstance(vs, list)} if isinstance(value, dict) else {}
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
    status, since, by = draft.validity.strip(), draft.validity_date.strip(), draft.validity_by.strip()
    if status:
        front["validity"] = status if status == "有效" and not since and not by else {
            "status": status, **({"date": _date(since)} if since else {}), **({"by": by} if by else {})}
    if draft.interprets.strip():
        front["interprets"] = draft.interprets.strip()
    for key, value in draft.extra.items():
        if key not in front and key not in _FORM_KEYS:
            front[key] = value
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    if draft.allow:
        head = _with_allows(head, draft.allow)
    return f"---\n{head}---\n{draft.body.strip()}\n"


# the front matter keys the form has fields for (everything else travels in Draft.extra)
_FORM_KEYS = frozenset({"title", "formed", "doc_number", "category", "major", "co_units", "source", "repost",
                        "disclosure", "validity", "interprets"})
_FIELD_LINE = re.compile(r"^\s*([a-z_]+):")
_FIELD_ALLOW = re.compile(r"\s+#\s*<!--\s*govsite:\s*allow\s+([A-Za-z0-9_.\-]+)[ \t]+(.*?)\s*-->")


def _with_allows(head: str, allow: dict[str, list[str]]) -> str:
    """The front matter with each field's exemptions beside its line (a YAML comment the checks read)."""
    out = []
    for line in head.split("\n"):
        key = _FIELD_LINE.match(line)
        if key:
            line += "".join(f" # <!-- govsite: allow {item} -->" for item in allow.get(key.group(1), []))
        out.append(line)
    return "\n".join(out)


def _allows(front_text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in front_text.split("\n"):
        key = _FIELD_LINE.match(line)
        if key is None:
            continue
        for m in _FIELD_ALLOW.finditer(line):
            found.setdefault(key.group(1), []).append(f"{m.group(1)} {m.group(2)}")
    return found


def decompose(text: str, like: Draft) -> Draft:
    """The draft back from a page file (after a fix was applied to it): the fields from its front matter."""
    import yaml  # noqa: PLC0415

    from govsite.core.pages import split_front_matter  # noqa: PLC0415

    front_text, _first, body_start = split_front_matter(text)
    front = yaml.safe_load(front_text or "") if front_text is not None else {}
    front = front if isinstance(front, dict) else {}
    repost = front["repost"] if isinstance(front.get("repost"), dict) else {}
    validity = front.get("validity")
    if isinstance(validity, dict):
        status, since, by = (str(validity.get(k) or "") for k in ("status", "date", "by"))
    else:
        status, since, by = str(validity or ""), "", ""
    return Draft(unit=like.unit, column=like.column, name=like.name, title=str(front.get("title") or ""),
                 formed=str(front.get("formed") or ""), doc_number=str(front.get("doc_number") or ""),
                 category=str(front.get("category") or ""), major=front.get("major") is True,
                 co_units=[str(c) for c in front.get("co_units") or []], source=str(front.get("source") or ""),
                 repost_from=str(repost.get("from") or ""), repost_url=str(repost.get("url") or ""),
                 disclosure=str(front.get("disclosure") or "主动公开"), validity=status, validity_date=since,
                 validity_by=by, interprets=str(front.get("interprets") or ""),
                 extra={k: _plain(v) for k, v in front.items() if k not in _FORM_KEYS},
                 body=text[body_start:].strip() if body_start >= 0 else like.body,
                 allow=_allows(front_text or ""), branch=like.branch)


def _plain(value: Any) -> Any:
    """A front matter value as the browser's JSON carries it (dates as text)."""
    import json  # noqa: PLC0415

    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


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


SOON = 7  # days: a column due within a week is shown in the editor's inbox


def due_soon(ws: Workspace, email: str, today: dt.date | None = None) -> list[Place]:
    """The editor's columns that are overdue or due within :data:`SOON` days (Art. 23), the most urgent first."""
    today = today or now().date()
    return sorted((p for p in places(ws, email) if p.due is not None and p.due <= today + dt.timedelta(days=SOON)),
                  key=lambda p: (p.due or today, p.unit, p.column))


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


def open_page(ws: Workspace, email: str, path: str, branch: str = "") -> Draft:
    """An existing page as a draft (修改稿件): the published version, or the version under review on ``branch``
    (a page returned to its editor)."""
    parts = path.split("/")
    if len(parts) != 4 or parts[0] != "content" or not parts[3].endswith(".md"):
        raise BadDraft("稿件地址不正确。请从栏目列表或“我的待办”打开稿件。")
    tip = ws.branch(branch).tip if branch else ws.base_tip()
    raw = ws.read(tip, path)
    if raw is None:
        raise GovsiteError(f"找不到稿件 {path}（可能已删除或改名）。请从栏目列表重新打开。")
    like = Draft(unit=parts[1], column=parts[2], name=parts[3][:-3], branch=branch)
    _require_place(ws, email, like)
    return decompose(raw.decode("utf-8-sig", "replace").replace("\r\n", "\n"), like)


def recent_pages(ws: Workspace, email: str, limit: int = 30) -> list[tuple[str, str]]:
    """(path, title) of the newest published pages in the columns where ``email`` is an editor, to correct one."""
    from govsite.desk.views import page_title  # noqa: PLC0415
    from govsite.git.objects import cat_batch, tree_blobs  # noqa: PLC0415

    tip = ws.base_tip()
    blobs: dict[str, str] = {}
    for unit in sorted({p.unit for p in places(ws, email)}):
        blobs.update({p: b for p, b in tree_blobs(ws.root, tip, f"content/{unit}/").items()
                      if p.endswith(".md") and p.count("/") == 3 and not p.endswith("/index.md")})
    newest = sorted(blobs, key=lambda p: p.rsplit("/", 1)[-1], reverse=True)[:limit]  # names begin with the date
    objs = cat_batch(ws.root, sorted({blobs[p] for p in newest}))
    out = []
    for p in newest:
        got = objs.get(blobs[p])
        out.append((p, page_title(got[1].decode("utf-8-sig", "replace"), p) if got else p))
    return out


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
    exempt: str = ""  # the reason, when exempted
    index: int = 0  # to ask for this fix
    needs: str = ""  # for an exemption: who must accept it
    basis: str = ""  # the article or norm behind the rule (依据)


def check(ws: Workspace, draft: Draft, files: Collection[str] = ()) -> list[Shown]:
    """The findings of every check on the page the draft makes (``files``: the draft's uploads, which its
    links may name although they are not in the repository yet)."""
    from dataclasses import replace  # noqa: PLC0415

    rules = ws.checker().ruleset.rules
    return [replace(_shown(draft, text, f, i), basis=rules[f.rule].explain if f.rule in rules else "")
            for i, (text, f) in enumerate(_findings(ws, draft, files))]


def _findings(ws: Workspace, draft: Draft, files: Collection[str] = ()) -> list[tuple[str, Any]]:
    text = compose(draft)
    found = [f for f in ws.checker().check_raw(draft.path, text.encode("utf-8"))
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
                 (f.suppression_reason or "已豁免") if f.suppressed else "", index,
                 exemption_note(f.rule) if f.suppressed else "")


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


EXEMPT_REASON = (4, 200)  # characters: a reason a reviewer can judge, on one line


def exempt(ws: Workspace, draft: Draft, index: int, reason: str, files: Collection[str] = ()) -> Draft:
    """The draft with finding ``index`` exempted (豁免) for ``reason``: a comment line before its line of the
    body, or beside its field. The section head must accept it at 二审 (and the leader at 三审 for privacy and
    secrecy), so the exemption is the editor's request, not the last word (Art. 16–17)."""
    reason = " ".join(reason.split())
    if not EXEMPT_REASON[0] <= len(reason) <= EXEMPT_REASON[1] or "-->" in reason:
        raise GovsiteError(f"豁免须写明理由（{EXEMPT_REASON[0]}～{EXEMPT_REASON[1]} 字），例如“经核实为单位对外公布的服务电话”。"
                           "理由会随稿件交给科室负责人审核。")
    found = _findings(ws, draft, files)
    if not 0 <= index < len(found):
        raise GovsiteError("这条提示已不存在（稿件已改动）。请看最新的检查结果。")
    text, finding = found[index]
    shown = _shown(draft, text, finding, index)
    if shown.exempt:
        raise GovsiteError("这条提示已经豁免。")
    if shown.where == "body":
        lines = text.split("\n")
        at = finding.line - 1
        comment = f"<!-- govsite: allow {finding.rule} {reason} -->"
        row = lines[at].rstrip()
        # at the end of the line it covers (inside a table's last cell, so the table stays a table)
        lines[at] = (f"{row[:-1].rstrip()} {comment} |" if row.startswith("|") and row.endswith("|")
                     else f"{row} {comment}")
        out = decompose("\n".join(lines), draft)
    else:
        out = Draft(**{**draft.to_data(), "allow": {**draft.allow, shown.where: [
            *draft.allow.get(shown.where, []), f"{finding.rule} {reason}"]}})
    after = _findings(ws, out, files)
    if not any(f.suppressed and f.rule == finding.rule for _t, f in after):
        raise GovsiteError("这类问题不能豁免（如文件无法读取、格式错误），请按提示改正。")
    return out


def exemption_note(rule: str) -> str:
    """Who must accept an exemption of ``rule``, in the editor's words."""
    from govsite.compliance.exemptions import tiers_for  # noqa: PLC0415

    tiers = tiers_for(rule)
    if "3" in tiers:
        return "提交后须经科室负责人（二审）和分管负责人（三审）认可。"
    if "2" in tiers:
        return "提交后须经科室负责人在二审时认可。"
    return "提交后审核人会看到这条豁免和理由。"


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
    page = compose(draft).encode("utf-8")
    if draft.branch:
        return _resubmit(ws, draft, page, files or {})
    tip = ws.base_tip()
    written = {draft.path: page, **_own_files(draft, files)}
    tree = plumbing.write_tree(ws.root, tip, dict(written))
    when = now()
    existed = ws.read(tip, draft.path) is not None
    subject = (f"{'修改' if existed else '新增'}稿件：{draft.title.strip() or draft.name}\n\n"
               f"由信息员在审签工作台撰写并签名提交（《管理办法》第十七条）。\n")
    record = passkey.record_for_commit(subject, tree, tip, when)
    branch = f"desk/{draft.unit}-{draft.name}-{when:%Y%m%d%H%M%S}"
    return Prepared("submit", branch, record, when.isoformat(), tip, tree=tree, signed={draft.path: ""},
                    summary=f"提交稿件 {draft.path}")


def _own_files(draft: Draft, files: dict[str, bytes] | None) -> dict[str, bytes]:
    """The draft's uploads that belong under its column (nothing else goes into the commit)."""
    return {p: d for p, d in (files or {}).items() if p.startswith(f"content/{draft.unit}/{draft.column}/")}


def _resubmit(ws: Workspace, draft: Draft, page: bytes, files: dict[str, bytes]) -> Prepared:
    """A returned page (退回), corrected by its editor on the branch it is under review on: the reviewers see
    the same merge request, with the opinion and what changed since."""
    try:
        b = ws.branch(draft.branch)
    except GovsiteError:
        raise GovsiteError(f"稿件所在的分支“{draft.branch}”已不存在（可能已合并或被删除）。请从“我的待办”重新打开稿件，"
                           "或另存为新稿件提交。") from None
    under_review = ws.read(b.tip, draft.path)
    if under_review is None:
        raise GovsiteError("这个分支上没有这篇稿件，不能在这里修改。请从“我的待办”重新打开稿件。")
    if under_review == page and not files:
        raise GovsiteError("稿件没有改动。请按退回意见修改后再提交。")
    tree = plumbing.write_tree(ws.root, b.tip, {draft.path: page, **_own_files(draft, files)})
    when = now()
    subject = (f"修改退回的稿件：{draft.title.strip() or draft.name}\n\n"
               f"信息员按退回意见修改后重新签名提交（《管理办法》第十七条）。\n")
    record = passkey.record_for_commit(subject, tree, b.tip, when)
    return Prepared("resubmit", draft.branch, record, when.isoformat(), b.tip, tree=tree, signed={draft.path: ""},
                    summary=f"重新提交稿件 {draft.path}")


def preview_commit(ws: Workspace, email: str, draft: Draft, files: dict[str, bytes] | None = None) -> str:
    """A commit (on no branch) of the target with the draft's page and files, for its preview build: the editor
    sees the page as it will be published before submitting. Nothing is signed or pushed."""
    _require_place(ws, email, draft)
    tip = ws.branch(draft.branch).tip if draft.branch else ws.base_tip()
    written = {draft.path: compose(draft).encode("utf-8"), **_own_files(draft, files)}
    tree = plumbing.write_tree(ws.root, tip, dict(written))
    return plumbing.make_commit(ws.root, tree, tip, f"预览：{draft.title or draft.name}\n", now(), "govsite desk",
                                "desk@localhost")
