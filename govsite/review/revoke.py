"""Taking approvals back (退回与撤回), signed like approvals (Art. 17, 19).

- 退回: a reviewer (科室负责人, 分管负责人, 主要负责人 of the page's unit) returns one version of a page to its author
  with an opinion; every approval of that version made before it stops counting, and the opinion is shown
  in ``govsite review status``. The author revises; the new version is reviewed from 一审 again.
- 撤回: a signer takes back approvals of their own (signed by the same person).

Both are empty, signed commits (``Review-Tier: return`` / ``withdraw``); the gate judges them by the same
roster and signature rules as approvals (:meth:`govsite.review.judge.Gate.voided`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from govsite.core.errors import GovsiteError
from govsite.core.units import ROLE_NAMES, identity
from govsite.git import commits
from govsite.git.objects import tree_blobs
from govsite.git.refs import changed_paths, default_base, merge_base, require_commit
from govsite.git.repo import open_repo
from govsite.review.approve import _roster_at, signing_public_key
from govsite.review.policy import RETURN_ROLES
from govsite.review.trailers import format_message, parse_message


@dataclass
class RevokeResult:
    created: list[str] = field(default_factory=list)
    taken_back: list[str] = field(default_factory=list)  # approval commits withdrawn, or paths returned


def return_version(root: Path, paths: list[str] | None, note: str, base: str | None = None,
                   key: str | None = None) -> RevokeResult:
    """Return the current version of ``paths`` (default: every page changed on the branch) with ``note``."""
    open_repo(root)
    if not note.strip():
        raise GovsiteError("退回须写明意见（--note \"……\"），信息员要据此修改稿件。")
    head = require_commit(root, "HEAD")
    base = base or default_base(root)
    mb = merge_base(root, require_commit(root, base), head) or head
    chosen = sorted(paths) if paths else sorted(p for p in changed_paths(root, base) if p.startswith("content/"))
    if not chosen:
        raise GovsiteError(f"当前分支相对 {base} 没有改动的稿件，没有可退回的内容。")
    dirty = commits.uncommitted(root, *chosen)
    if dirty:
        raise GovsiteError("以下文件有未提交的修改，只能退回已提交的版本，请先 git commit 或 git stash：\n" + dirty)
    blobs = tree_blobs(root, head, "content/")
    public, signing_key = signing_public_key(root, key)
    roster = _roster_at(root, mb)
    by_unit: dict[str, list[tuple[str, str]]] = {}
    for path in chosen:
        if path not in blobs or path.count("/") < 3:
            raise GovsiteError(f"{path} 不是当前分支上的稿件，无法退回。请检查路径。")
        by_unit.setdefault(path.split("/")[1], []).append((path, blobs[path]))
    result = RevokeResult()
    for unit_id in by_unit:
        mine = [p for u, p in roster.find_key(public) if u.id == unit_id]
        if not mine or not set(mine[0].roles) & set(RETURN_ROLES):
            names = "、".join(ROLE_NAMES[r] for r in RETURN_ROLES)
            raise GovsiteError(f"只有单位“{unit_id}”的{names}可以退回稿件，你的签名密钥在目标分支的人员名单中没有这些角色"
                               f"（《管理办法》第十七条）。")
    for unit_id, items in sorted(by_unit.items()):
        msg = format_message("return", unit_id, items, (), note=note)
        result.created.append(commits.commit_empty_signed(root, msg, signing_key))
        result.taken_back += [p for p, _b in items]
    return result


def withdraw(root: Path, targets: list[str] | None, note: str = "", base: str | None = None,
             key: str | None = None) -> RevokeResult:
    """Withdraw approvals of one's own: ``targets`` (commit ids), default every approval on the branch signed
    with one's key."""
    from govsite.git.history import load_history  # noqa: PLC0415
    from govsite.review import sshsig  # noqa: PLC0415

    open_repo(root)
    head = require_commit(root, "HEAD")
    base = base or default_base(root)
    mb = merge_base(root, require_commit(root, base), head)
    public, signing_key = signing_public_key(root, key)
    history = load_history(root, head)
    on_branch = set(history.ancestors(head)) - (history.ancestors(mb) if mb else set())
    wanted = [require_commit(root, t) for t in targets] if targets else [
        sha for sha in history.order if sha in on_branch]
    roster = _roster_at(root, mb or head)
    me = {identity(p.email) for _u, p in roster.find_key(public)}
    chosen: list[tuple[str, str]] = []  # (commit, unit)
    for sha in wanted:
        commit = history.commits.get(sha)
        approval = parse_message(commit.message) if commit is not None else None
        if commit is None or approval is None or approval.tier in ("return", "withdraw"):
            if targets:
                raise GovsiteError(f"提交 {sha[:10]} 不是审核意见，无法撤回。请用 git log 查看审核意见的提交编号。")
            continue
        check = sshsig.check(commit.signature, commit.payload) if commit.signature else None
        signers = {identity(p.email) for _u, p in roster.find_key(check.key)} if check and check.good else set()
        if check is None or not check.good or (check.key != public and not (signers & me)):
            if targets:
                raise GovsiteError(f"审核意见 {sha[:10]} 不是你签署的，只能撤回自己的审核意见（《管理办法》第十九条）。")
            continue
        chosen.append((sha, approval.unit))
    if not chosen:
        raise GovsiteError("本分支上没有你签署的审核意见，没有可撤回的内容。")
    result = RevokeResult()
    by_unit: dict[str, list[str]] = {}
    for sha, unit in chosen:
        by_unit.setdefault(unit, []).append(sha)
    for unit, shas in sorted(by_unit.items()):
        msg = format_message("withdraw", unit, [], (), note=note, withdraws=shas)
        result.created.append(commits.commit_empty_signed(root, msg, signing_key))
        result.taken_back += shas
    return result
