"""Writing an approval (签署审核意见): an empty commit signed with the reviewer's SSH key.

Refuses up front what the gate would reject anyway: a signer without the role in the page's unit
(judged on the roster at the merge base), a key outside its window, a departed person, the author
signing tier 2 or above, and uncommitted edits (an approval binds to committed content only).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from govsite.core.errors import GovsiteError
from govsite.core.units import ROLE_NAMES, Person, identity
from govsite.git import commits
from govsite.git.objects import NULL_BLOB, tree_blobs
from govsite.git.refs import REVIEWED, changed_paths, default_base, merge_base, require_commit
from govsite.git.repo import config_value, open_repo
from govsite.review.trust import office_unit
from govsite.review.policy import (ARTICLE_NUMBERS, CHECKLIST, DEFAULT_CHECKLIST, TIER_NAMES, TIER_ROLES, TIERS,
                                   signer_refusal)
from govsite.compliance.exemptions import Exemption, page_exemptions
from govsite.review.report import RenderDigests
from govsite.review.roster import Roster
from govsite.review.trailers import format_message

@dataclass
class ApproveResult:
    """New approval commit ids, and changed paths left for reviewers of other units (--all-changed)."""

    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    exemptions: list[tuple[str, str]] = field(default_factory=list)  # (path, description) accepted by signing
    parent: str = ""  # the branch tip before signing
    signed: dict[str, str] = field(default_factory=dict)  # path → the version (blob) signed
    pushed: str = ""  # after --push: what happened, in Chinese


@dataclass
class Target:
    path: str
    blob: str
    unit: str


def signing_public_key(root: Path, key: str | None) -> tuple[str, str]:
    """(public key ``type base64``, value for ``user.signingkey``) from --key or git config."""
    value = key or config_value(root, "user", "signingkey")
    if not value:
        raise GovsiteError("没有配置签名密钥。请运行 git config gpg.format ssh 和 "
                           "git config user.signingkey ~/.ssh/id_ed25519（或用 --key 指定私钥文件）。")
    if value.startswith("key::"):
        return " ".join(value[5:].split()[:2]), value
    if value.startswith(("ssh-", "ecdsa-")):
        return " ".join(value.split()[:2]), value
    path = Path(os.path.expanduser(value))
    pub = path if path.suffix == ".pub" else path.with_name(path.name + ".pub")
    if pub.exists():
        return " ".join(pub.read_text().split()[:2]), str(path)
    proc = subprocess.run(["ssh-keygen", "-y", "-f", str(path)], capture_output=True, check=False)
    if proc.returncode != 0:
        raise GovsiteError(f"读不出签名密钥 {path} 的公钥：{proc.stderr.decode('utf-8', 'replace').strip()}。"
                           "请检查 user.signingkey 指向的 SSH 私钥文件。")
    return " ".join(proc.stdout.decode().split()[:2]), str(path)


def _roster_at(root: Path, commit: str) -> Roster:
    from govsite.review.roster import load_rosters  # noqa: PLC0415

    return load_rosters(root, [commit])[commit]


@dataclass
class Plan:
    """What one signing will write (审核意见待签): one approval message per unit, checked as the gate would."""

    tier: str
    head: str  # the branch tip the approvals go on
    base: str
    messages: list[tuple[str, list[Target], str]] = field(default_factory=list)  # (unit, pages, message)
    skipped: list[str] = field(default_factory=list)
    exemptions: list[tuple[str, Exemption]] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def signed(self) -> dict[str, str]:
        return {t.path: t.blob for _u, items, _m in self.messages for t in items}

    @property
    def pairs(self) -> list[tuple[str, Target]]:
        return [(u, t) for u, items, _m in self.messages for t in items]


def approve(root: Path, tier: str, paths: list[str] | None = None, all_changed: bool = False,
            base: str | None = None, key: str | None = None, unit: str | None = None,
            checklist: tuple[str, ...] | None = None, note: str = "",
            today: dt.date | None = None, render_digests: RenderDigests | None = None,
            accept_exemptions: bool = False) -> ApproveResult:
    """Create one signed approval commit per unit for the chosen paths (all checks pass before any commit)."""
    open_repo(root)
    if tier not in TIERS:
        raise GovsiteError(f"审核层级“{tier}”无效，可选：{'、'.join(TIERS)}。")
    public, signing_key = signing_public_key(root, key)
    plan = plan_approval(root, tier, public, paths, all_changed, base=base, unit=unit, checklist=checklist,
                         note=note, today=today or commits.commit_day(root), render_digests=render_digests,
                         accept_exemptions=accept_exemptions)
    result = ApproveResult(skipped=plan.skipped, parent=plan.head, signed=plan.signed,
                           exemptions=[(path, e.describe()) for path, e in plan.exemptions])
    for _unit_id, _items, msg in plan.messages:
        result.created.append(commits.commit_empty_signed(root, msg, signing_key))
    not_counted = gate_refusal(root, tier, plan.base, plan.pairs, plan.digests)
    if not_counted:
        from govsite.git.remote import drop_to  # noqa: PLC0415

        drop_to(root, plan.head)  # nothing signed is left behind
        raise GovsiteError("发布核验不会承认这条审核意见，已撤回本次签署（没有留下提交）：\n" + "\n".join(not_counted))
    return result


def plan_approval(root: Path, tier: str, public: str, paths: list[str] | None = None, all_changed: bool = False,
                  rev: str = "HEAD", base: str | None = None, unit: str | None = None,
                  checklist: tuple[str, ...] | None = None, note: str = "", today: dt.date | None = None,
                  render_digests: RenderDigests | None = None, accept_exemptions: bool = False) -> Plan:
    """The approvals ``public`` (the signer's key as the roster lists it) would sign at ``tier`` on ``rev``,
    refusing up front what the gate would refuse. ``rev`` other than HEAD is a branch the signer has not
    checked out (the desk): nothing of the working tree is consulted then."""
    if tier not in TIERS:
        raise GovsiteError(f"审核层级“{tier}”无效，可选：{'、'.join(TIERS)}。")
    if checklist:
        unknown = [x for x in checklist if x not in CHECKLIST]
        if unknown:
            raise GovsiteError(f"审核清单项“{'、'.join(unknown)}”无效。可选（《管理办法》第十六条）："
                               + "；".join(f"{k}（{v}）" for k, v in CHECKLIST.items()))
    worktree = rev == "HEAD"
    head = require_commit(root, rev)
    base = base or default_base(root)
    mb = merge_base(root, require_commit(root, base), head) or head
    use_changed = all_changed or not paths
    changed = changed_paths(root, base, head) if use_changed else {}
    if use_changed:
        chosen = sorted(changed)
        if not chosen:
            raise GovsiteError(f"当前分支相对 {base} 没有改动 content/ 或 units/ 下的文件，没有可审核的内容。")
    elif worktree:
        chosen = [Path(p).resolve().relative_to(root).as_posix() if Path(p).is_absolute() or Path(p).exists()
                  else p for p in paths or []]
    else:
        chosen = list(paths or [])
    dirty = commits.uncommitted(root, *chosen) if worktree else ""
    if dirty:
        raise GovsiteError("以下文件有未提交的修改，审核只能针对已提交的内容，请先 git commit：\n" + dirty)
    at_head = {k: v for prefix in REVIEWED for k, v in tree_blobs(root, head, prefix).items()}
    at_base = {k: v for prefix in REVIEWED for k, v in tree_blobs(root, mb, prefix).items()}
    office = office_unit(root, head)
    targets: list[Target] = []
    for path in chosen:
        if not path.startswith(REVIEWED):
            raise GovsiteError(f"{path} 不在 content/、units/ 或 site_config/ 下，不需要审核。")
        blob = at_head.get(path)
        if blob is None and path not in at_base:
            raise GovsiteError(f"{path} 在当前分支和目标分支中都不存在，请检查路径。")
        if blob is None and path.startswith("site_config/"):
            continue  # a removed setting needs no approval of its own: what replaces it does
        owner = (office if path.startswith(("units/", "site_config/"))
                 else (path.split("/")[1] if path.count("/") >= 3 else ""))
        targets.append(Target(path, blob or NULL_BLOB, owner))
    targets += linked_attachments(root, targets, at_head)
    plan = Plan(tier, head, base)
    if tier.startswith("proof-"):
        # 三校 is of laid-out pages: roster files and removals have no page to proofread
        pages = [t for t in targets if t.path.startswith("content/") and t.path.endswith(".md") and t.blob != NULL_BLOB]
        others = [t.path for t in targets if t not in pages]
        if others and not use_changed:
            raise GovsiteError(f"{'、'.join(others)} 不是现有稿件页面，没有排版页面可校对（三校只针对 content/ 下的稿件）。")
        plan.skipped += others
        targets = pages
        if not targets:
            raise GovsiteError("本分支没有改动的稿件页面，没有可校对的内容。")
        layout = commits.uncommitted(root, "content/", "units/", "site_config/") if worktree else ""
        if layout:
            raise GovsiteError("以下影响排版页面的文件有未提交的修改，校对只能针对已提交的版本（预览须与签名一致），"
                               "请先 git commit 或 git stash，再重新构建预览核对：\n" + layout)
    roster = _roster_at(root, mb)
    latest = _roster_at(root, head)
    today = today or commits.commit_day(root)
    if tier == "consent" and not unit:
        mine = roster.find_key(public)
        if not mine:
            raise GovsiteError("会签同意须由会签单位的分管负责人签署，但你的签名密钥不在目标分支的人员名单中。")
        unit = mine[0][0].id
    groups: dict[str, list[Target]] = {}
    for t in targets:
        groups.setdefault(unit if tier == "consent" and unit else t.unit, []).append(t)
    if use_changed and tier != "consent" and len(groups) > 1:
        # --all-changed: sign for the units the signer belongs to; leave the others to their own reviewers
        own = {u.id for u, _p in roster.find_key(public)}
        for unit_id in sorted(set(groups) - own):
            if own & set(groups):
                plan.skipped += [t.path for t in groups.pop(unit_id)]
    role = TIER_ROLES[tier]
    chosen_groups: list[tuple[str, list[Target]]] = []
    for unit_id, items in sorted(groups.items()):
        _check_signer(roster, latest, unit_id, public, role, tier, today)
        # who wrote the version (and who only corrected it as a reviewer, Art. 17) is the gate's to judge:
        # it runs on the approvals before they are kept
        chosen_groups.append((unit_id, items))
    plan.exemptions = exemptions_to_accept(root, tier, [t for _u, items in chosen_groups for t in items],
                                           accept_exemptions)
    if tier.startswith("proof-"):
        plan.digests = proof_digests(root, [t.path for _u, items in chosen_groups for t in items], render_digests,
                                     head if not worktree else "HEAD")
    for unit_id, items in chosen_groups:
        renders = [(t.path, plan.digests[t.path]) for t in items] if plan.digests else None
        signed = {t.path for t in items}
        msg = format_message(tier, unit_id, [(t.path, t.blob) for t in items],
                             checklist or DEFAULT_CHECKLIST[tier], renders=renders, note=note,
                             exemptions=[(p, e.rule) for p, e in plan.exemptions if p in signed])
        plan.messages.append((unit_id, items, msg))
    return plan


def approve_and_push(root: Path, sign: Callable[[], ApproveResult], tries: int = 3) -> ApproveResult:
    """Sign (``sign()``), then push the branch. When another reviewer pushed first, take their commits, sign
    again after them (the same pages, if their content is unchanged) and push again; say in Chinese what
    happened. Nothing is pushed that the gate would not count (``sign`` refuses it first)."""
    from govsite.git import remote as git_remote  # noqa: PLC0415
    from govsite.git.objects import tree_blobs  # noqa: PLC0415

    result = sign()
    branch = git_remote.current_branch(root)
    if not branch:
        raise GovsiteError("当前不在任何分支上（detached HEAD），无法推送。请先 git switch <分支名>，再重新签署。")
    up = git_remote.upstream(root)
    where, target = up if up is not None else ("origin", branch)
    retried = 0
    for _ in range(tries):
        outcome = git_remote.push(root, where, target, set_upstream=up is None)
        if outcome.ok:
            result.pushed = (f"已推送到 {where}/{target}。" if not retried else
                             f"推送时发现其他人刚刚推送了新的提交（如另一位审核人的审核意见），已取回这些提交，"
                             f"在其之后重新签署并推送到 {where}/{target}。")
            return result
        if outcome.why != "behind":
            git_remote.drop_to(root, result.parent)
            raise GovsiteError(_push_failure(outcome.why, where, target, outcome.detail))
        tip = git_remote.fetch(root, where, target)
        git_remote.drop_to(root, result.parent)  # our approvals go; they are signed again on top of theirs
        if tip is None or not git_remote.fast_forward(root, tip):
            raise GovsiteError(f"{where}/{target} 上的提交与本地分支对不上（可能有人改写了分支历史，或本地有未提交的修改挡住了更新）。"
                               "本次签署已撤回，没有推送。请联系信息员或大数据中心核对分支后重新签署。")
        now = {**tree_blobs(root, "HEAD", "content/"), **tree_blobs(root, "HEAD", "units/")}
        moved = [p for p, blob in result.signed.items() if now.get(p, NULL_BLOB) != blob]
        if moved:
            raise GovsiteError("你签署之后，其他人推送了对以下稿件的修改：\n" + "\n".join(f"  {p}" for p in moved)
                               + "\n本次签署已撤回（审核意见只对你看过的版本有效）。已取回最新内容，请查看修改后重新审核签署。")
        retried += 1
        result = sign()
    raise GovsiteError(f"连续 {tries} 次推送时都有人抢先推送了新的提交，本次签署已撤回。请稍后重新签署。")


def _push_failure(why: str, where: str, target: str, detail: str) -> str:
    text = {
        "denied": f"没有推送到 {where}/{target} 的权限（或分支受保护）。请确认你的账号已加入本单位的项目，"
                  "审核意见只推送到合并请求的分支，不要直接推送到主分支。",
        "offline": f"连接不上远程仓库 {where}。请检查网络后重新签署。",
    }.get(why, f"推送到 {where}/{target} 失败。")
    return f"{text}本次签署已撤回，没有推送。" + (f"（git 的原话：{detail}）" if detail else "")


# what must already be valid before a tier is signed (Art. 17: in order)
PREVIOUS = {"2": ("1", "一审"), "3": ("2", "二审"), "principal": ("3", "三审（签发）"),
            "proof-2": ("proof-1", "一校"), "proof-3": ("proof-2", "二校")}


def gate_refusal(root: Path, tier: str, base: str, signed: list[tuple[str, Target]],
                 digests: dict[str, str], rev: str = "HEAD") -> list[str]:
    """Why the publish gate, run on the branch as it now is, does not count the approvals just made (one
    line per page, with its reasons), or []. The gate itself decides, so approve cannot say yes to what
    the gate will refuse; and a tier signed before the one it follows is refused here too."""
    from govsite.review.gate import verify_repository  # noqa: PLC0415

    def same_digests(_root: Path, _rev: str | None, _versions: object = None) -> dict[str, str]:
        return digests  # approvals are empty commits: the pages render as they did a moment ago

    paths = {t.path for _u, t in signed}
    report = verify_repository(root, rev, base, paths=paths, render_digests=same_digests if digests else None)
    out: list[str] = []
    for unit_id, t in signed:
        result = report.results.get(t.path)
        if result is None:
            continue
        key = (f"consent:{unit_id}" if tier == "consent" else "remove" if result.kind == "removed" else tier)
        states = {r.tier: r for r in result.tiers + result.proofs}
        mine = states.get(key)
        before = PREVIOUS.get(tier)
        if mine is not None and mine.state != "valid":
            why = [f.reason for f in report.failures if f.path == t.path and f.tier == key]
            out.append(f"  {t.path}：" + "；".join(r.rstrip("。") for r in why or mine.reasons))
        elif before is not None and before[0] in states and states[before[0]].state != "valid":
            out.append(f"  {t.path}：{before[1]}尚未通过，不能先签{TIER_NAMES[tier]}（《管理办法》第十七条：按顺序审核）。"
                       f"请等{before[1]}完成后再签署（govsite review status 查看进度）")
    return out


def linked_attachments(root: Path, targets: list[Target], at_head: dict[str, str]) -> list[Target]:
    """The attachments (files under content/) the pages in ``targets`` link, not already among them: an
    approval of a page names the version of each (the reviewer saw them with the page)."""
    from govsite.core.attachments import attachments  # noqa: PLC0415
    from govsite.git.objects import cat_batch  # noqa: PLC0415

    pages = [t for t in targets if t.path.endswith(".md") and t.path.startswith("content/") and t.blob != NULL_BLOB]
    objs = cat_batch(root, [t.blob for t in pages])
    have = {t.path for t in targets}
    extra: list[Target] = []
    for t in pages:
        obj = objs.get(t.blob)
        text = obj[1].decode("utf-8-sig", "replace") if obj is not None else ""
        for a in attachments(t.path, text):
            if a in at_head and a not in have:
                have.add(a)
                extra.append(Target(a, at_head[a], t.unit))
    return extra


def exemptions_to_accept(root: Path, tier: str, targets: list[Target], accept: bool) -> list[tuple[str, Exemption]]:
    """The exemptions in the pages that this tier must accept (path, exemption). Without ``accept`` the
    reviewer has not said so: refuse, listing them, as the gate would refuse an approval that does not
    name them (二审 for error-level rules, 三审 for privacy and secrecy; Art. 16–17)."""
    from govsite.git.objects import cat_batch  # noqa: PLC0415

    pages = [t for t in targets if t.path.startswith("content/") and t.blob != NULL_BLOB]
    if tier not in ("2", "3") or not pages:
        return []
    objs = cat_batch(root, [t.blob for t in pages])
    found: list[tuple[str, Exemption]] = []
    for t in pages:
        obj = objs.get(t.blob)
        text = obj[1].decode("utf-8-sig", "replace") if obj is not None else ""
        found += [(t.path, e) for e in page_exemptions(text) if tier in e.tiers]
    if found and not accept:
        listed = "\n".join(f"  {path}：{e.describe()}" for path, e in found)
        who = "二审（科室负责人）" if tier == "2" else "三审（分管负责人）"
        raise GovsiteError(f"以下稿件写有豁免，须由{who}认可后才生效（《管理办法》第十六条、第十七条）：\n{listed}\n"
                           f"核实无误、同意豁免的，请加 --accept-exemptions 重新签署（审核意见会逐条记下认可的豁免）；"
                           f"不同意的，请退回信息员删除豁免并改正稿件。")
    return found


def proof_digests(root: Path, paths: list[str], render_digests: RenderDigests | None,
                  rev: str = "HEAD") -> dict[str, str]:
    """Render digests (三校) of ``paths`` from a preview build of ``rev`` — the committed pages as laid out."""
    if render_digests is None:
        raise GovsiteError("本次签署没有提供排版预览（渲染摘要），无法签署校对意见。请用 govsite approve 签署。")
    try:
        digests = render_digests(root, rev)
    except GovsiteError:
        raise
    except Exception as exc:  # noqa: BLE001 - MkDocs/theme errors: tell the user, sign nothing
        raise GovsiteError(f"无法构建预览页面以计算渲染摘要：{exc}。请先运行 govsite build --preview 排查。") from exc
    missing = [p for p in paths if p not in digests]
    if missing:
        raise GovsiteError("以下稿件在预览构建中没有生成页面（单位或栏目未登记、单位已关停等），无法校对：\n"
                           + "\n".join(missing))
    return {p: digests[p] for p in paths}


def _check_signer(roster: Roster, latest: Roster, unit_id: str, public: str, role: str, tier: str, today: dt.date) -> Person:
    unit = roster.units.get(unit_id)
    label = TIER_NAMES[tier]
    if unit is None:
        raise GovsiteError(f"单位“{unit_id}”在目标分支的人员名单中不存在（units/{unit_id}.yml），无法签署{label}。")
    person = next((p for p in unit.people if any(k.key_type_and_body == public for k in p.keys)), None)
    if person is None:
        other = roster.find_key(public)
        where = f"你的密钥登记在单位“{other[0][0].id}”（{other[0][1].name}）" if other else "你的签名密钥不在人员名单中"
        hint = "（同一合并请求中新增的人员或密钥不算数，须先经县政府办公室分管负责人批准并合并）" if latest.find_key(public) else ""
        raise GovsiteError(f"{where}，不能签署单位“{unit_id}”的{label}{hint}。依据《管理办法》第十七条，"
                           f"请由该单位的{ROLE_NAMES[role]}签署。")
    left = next((p.left for _u, p in latest.find_key(public) if identity(p.email) == identity(person.email)), None)
    refused = signer_refusal(person, unit_id, tier, label, today, public, left)
    if refused is not None:
        # the same rule and words the publish gate will apply to this approval (govsite.review.policy)
        raise GovsiteError(f"{refused.reason}。依据《管理办法》{ARTICLE_NUMBERS[refused.article]}，"
                           f"请由该单位的{ROLE_NAMES[role]}签署。")
    return person
