"""The decisions a reviewer makes in the desk (审核决定), each prepared as a record to sign:

- 同意 (approve a tier, or a proof on the rendered page) — the same record ``govsite approve`` signs;
- 退回 with an opinion — the same record as ``govsite review return``;
- 撤回 of one's own approval — as ``govsite review withdraw``;
- 修改 in place (Art. 17: a section head or leader revises) — a commit writing the new text, bound to its
  tree and parent;
- 登记通行密钥 — the enrolment of a new passkey into the person's roster entry, signed by that passkey.

Each refuses up front, in Chinese, what the gate would refuse.
"""

from __future__ import annotations

import datetime as dt
import re

from govsite.core.errors import GovsiteError
from govsite.core.units import ROLE_NAMES, Person, Unit, identity
from govsite.desk.signing import Prepared
from govsite.desk.workspace import Workspace, now
from govsite.git import plumbing
from govsite.review import passkey
from govsite.review.policy import REQUIRED_CHECKLIST, RETURN_ROLES, TIER_NAMES, TIER_ROLES

ENROL_DAYS = 90  # a key's window is at most 92 days (Art. 38); the desk asks for 90 from today
MAX_PAGE_BYTES = 1_000_000


def approve(ws: Workspace, email: str, branch: str, path: str, tier: str, checklist: tuple[str, ...],
            accept_exemptions: bool, note: str = "") -> Prepared:
    from govsite.review.approve import plan_approval  # noqa: PLC0415

    keys = ws.passkeys(email)
    if not keys:
        raise GovsiteError("你在人员名单中没有有效的通行密钥，不能签署。请先登记通行密钥并经县政府办公室批准。")
    if tier not in TIER_ROLES:
        raise GovsiteError(f"审核层级“{tier}”无效。")
    need = [c for c in REQUIRED_CHECKLIST.get(tier, ()) if c not in checklist]
    if need:
        from govsite.review.policy import CHECKLIST  # noqa: PLC0415

        raise GovsiteError(f"{TIER_NAMES[tier]}须逐项确认《管理办法》第十六条的审核清单，还没有勾选："
                           + "、".join(CHECKLIST[c] for c in need) + "。请逐项核对后勾选，再签署。")
    b = ws.branch(branch)
    when = now()
    digests = None
    if tier.startswith("proof-"):
        digests = ws.digests(b.tip)

    def render(_root: object, _rev: object, _versions: object = None) -> dict[str, str]:
        return digests or {}

    plan = plan_approval(ws.root, tier, keys[0], [path], rev=b.tip, base=ws.config.base_ref, checklist=checklist,
                         note=note, today=when.date(), render_digests=render if digests is not None else None,
                         accept_exemptions=accept_exemptions)
    if len(plan.messages) != 1:
        raise GovsiteError("一次只能签署一个单位的稿件。请逐篇签署。")
    unit, items, message = plan.messages[0]
    return Prepared("approve", branch, passkey.record_with_time(message, when), when.isoformat(), b.tip, tier=tier,
                    signed=plan.signed, pairs=[(u, t.path, t.blob) for u, t in plan.pairs], digests=plan.digests,
                    summary=f"{TIER_NAMES[tier]} {path}")


def give_back(ws: Workspace, email: str, branch: str, path: str, opinion: str) -> Prepared:
    """退回 with an opinion (Art. 17)."""
    from govsite.review.trailers import format_message  # noqa: PLC0415

    if not opinion.strip():
        raise GovsiteError("退回须写明意见，信息员要据此修改稿件。请填写退回意见。")
    b = ws.branch(branch)
    unit_id = _unit_of(path)
    _require_role(ws, email, unit_id, RETURN_ROLES, "退回稿件")
    blob = _blob(ws, b.tip, path)
    message = format_message("return", unit_id, [(path, blob)], (), note=opinion.strip())
    when = now()
    return Prepared("return", branch, passkey.record_with_time(message, when), when.isoformat(), b.tip,
                    signed={path: blob}, summary=f"退回 {path}")


def withdraw(ws: Workspace, email: str, branch: str, commit: str) -> Prepared:
    """撤回 one's own approval."""
    from govsite.git.history import load_history  # noqa: PLC0415
    from govsite.review.trailers import format_message, parse_message  # noqa: PLC0415

    b = ws.branch(branch)
    history = load_history(ws.root, b.tip)
    found = history.commits.get(commit)
    approval = parse_message(found.message) if found is not None else None
    if found is None or approval is None or approval.tier in ("return", "withdraw"):
        raise GovsiteError("要撤回的不是这个分支上的审核意见。请回到稿件页面重试。")
    check = passkey.check(found.message, found.committer_time, ws.settings()) if passkey.has_assertion(found.message) else None
    mine = set(ws.passkeys(email)) | {k.key_type_and_body for _u, p in ws.positions(email) for k in p.keys}
    if check is None or not check.good or check.key not in mine:
        raise GovsiteError("这条审核意见不是你签署的，只能撤回自己的审核意见（《管理办法》第十九条）。")
    message = format_message("withdraw", approval.unit, [], (), note="", withdraws=[commit])
    when = now()
    return Prepared("withdraw", branch, passkey.record_with_time(message, when), when.isoformat(), b.tip,
                    summary=f"撤回审核意见 {commit[:10]}")


def revise(ws: Workspace, email: str, branch: str, path: str, text: str, parent: str) -> Prepared:
    """修改 in place: the new text of ``path``, written on ``parent`` (the tip the reviewer read)."""
    if not path.startswith("content/") or not path.endswith(".md"):
        raise GovsiteError("只能在工作台中修改稿件正文（content/ 下的 .md 文件）。")
    data = text.replace("\r\n", "\n").encode("utf-8")
    if len(data) > MAX_PAGE_BYTES:
        raise GovsiteError("修改后的稿件超过 1 MB，没有保存。请精简内容或把大段材料作为附件。")
    b = ws.branch(branch)
    if b.tip != parent:
        raise GovsiteError("你打开稿件之后，有人在这个分支上推送了新的提交。请重新打开稿件，在最新版本上修改。")
    unit_id = _unit_of(path)
    _require_role(ws, email, unit_id, ("section_head", "leader", "principal"), "修改稿件")
    if _blob(ws, b.tip, path) and ws.read(b.tip, path) == data:
        raise GovsiteError("稿件没有改动，不需要保存修改。")
    tree = plumbing.write_tree(ws.root, b.tip, {path: data})
    when = now()
    title = path.rsplit("/", 1)[-1]
    record = passkey.record_for_commit(f"修改：{title}（审核人在审核中修改，《管理办法》第十七条）\n", tree, b.tip, when)
    return Prepared("revise", branch, record, when.isoformat(), b.tip, tree=tree, summary=f"修改 {path}")


def enrol(ws: Workspace, unit_id: str, email: str, key: str, today: dt.date | None = None) -> Prepared:
    """A branch from the target that adds ``key`` (a new passkey) to the person's entry in units/<unit>.yml."""
    from govsite.core.units import parse_unit  # noqa: PLC0415

    unit, person = roster_entry(ws, unit_id, email)
    tip = ws.base_tip()
    path = ws.roster().files[unit_id][0]
    raw = ws.read(tip, path) or b""
    text = raw.decode("utf-8-sig")
    start = (today or now().date())
    new = add_key(text, person.email, key, start, start + dt.timedelta(days=ENROL_DAYS))
    parsed, _problems = parse_unit(new, path, unit_id)
    if parsed is None or not any(identity(p.email) == identity(email) and any(k.key_type_and_body == key for k in p.keys)
               for p in parsed.people):
        raise GovsiteError(f"无法把通行密钥写入 {path} 中 {person.name} 的登记项（文件格式与预期不同）。请联系本单位信息员手工登记。")
    tree = plumbing.write_tree(ws.root, tip, {path: new.encode("utf-8")})
    when = now()
    subject = f"人员名单：{unit.name} {person.name} 登记通行密钥\n\n由本人在审签工作台登记，须经县政府办公室分管负责人批准（《管理办法》第十七条、第三十八条）。\n"
    record = passkey.record_for_commit(subject, tree, tip, when)
    branch = f"desk/enrol-{unit_id}-{_slug(email)}-{when:%Y%m%d%H%M%S}"
    return Prepared("enrol", branch, record, when.isoformat(), tip, tree=tree, signed={path: ""},
                    summary=f"登记通行密钥 {unit.name} {person.name}")


def add_key(text: str, email: str, key: str, valid_from: dt.date, valid_until: dt.date) -> str:
    """``text`` (a unit file) with ``key`` added to the keys of the person with ``email``; comments and the
    rest of the file are kept as they are."""
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if re.match(rf"^\s*-?\s*email:\s*['\"]?{re.escape(email)}['\"]?\s*$",
                                                              line, re.I)), None)
    if at is None:
        raise GovsiteError(f"人员名单中找不到 {email} 的登记项。")
    item = at
    while item >= 0 and not re.match(r"^\s*-\s", lines[item]):
        item -= 1
    indent = len(lines[item]) - len(lines[item].lstrip()) if item >= 0 else 0
    field_indent = indent + 2
    end = at + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and (len(line) - len(line.lstrip())) <= indent:
            break
        end += 1
    keys_at = next((i for i in range(item, end) if re.match(rf"^\s{{{field_indent}}}keys:\s*$", lines[i])), None)
    entry = [f"{' ' * (field_indent + 2)}- key: {key}",
             f"{' ' * (field_indent + 4)}valid_from: {valid_from.isoformat()}",
             f"{' ' * (field_indent + 4)}valid_until: {valid_until.isoformat()}"]
    if keys_at is None:
        insert = end
        while insert > item + 1 and not lines[insert - 1].strip():
            insert -= 1
        lines[insert:insert] = [f"{' ' * field_indent}keys:", *entry]
    else:
        insert = keys_at + 1
        while insert < end and (not lines[insert].strip()
                                or len(lines[insert]) - len(lines[insert].lstrip()) > field_indent):
            insert += 1
        while insert > keys_at + 1 and not lines[insert - 1].strip():
            insert -= 1
        lines[insert:insert] = entry
    return "\n".join(lines)


def _slug(email: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", email.split("@", 1)[0].lower()).strip("-") or "person"


def roster_entry(ws: Workspace, unit_id: str, email: str) -> tuple[Unit, Person]:
    unit = ws.roster().units.get(unit_id)
    person = next((p for p in unit.people if identity(p.email) == identity(email)), None) if unit else None
    if unit is None or person is None:
        raise GovsiteError(f"主分支的人员名单中，单位“{unit_id}”没有 {email}。只能为已登记的人员登记通行密钥，"
                           "请先由本单位把人员加入名单并经县政府办公室批准。")
    return unit, person


def _unit_of(path: str) -> str:
    parts = path.split("/")
    if len(parts) < 4 or parts[0] != "content":
        raise GovsiteError(f"{path} 不是稿件路径。")
    return parts[1]


def _blob(ws: Workspace, tip: str, path: str) -> str:
    from govsite.git.objects import tree_blobs  # noqa: PLC0415

    blob = tree_blobs(ws.root, tip, "content/").get(path)
    if blob is None:
        raise GovsiteError(f"分支上没有稿件 {path}（可能已被删除或改名）。请回到待办列表刷新。")
    return blob


def _require_role(ws: Workspace, email: str, unit_id: str, roles: tuple[str, ...], what: str) -> None:
    mine = {r for u, p in ws.positions(email) if u.id == unit_id for r in p.roles}
    if not mine & set(roles):
        names = "、".join(ROLE_NAMES[r] for r in roles)
        raise GovsiteError(f"只有单位“{unit_id}”的{names}可以{what}，你在主分支的人员名单中没有这些角色（《管理办法》第十七条）。")
