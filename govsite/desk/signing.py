"""Signing in the desk (签署): the desk prepares the exact record, the reviewer's passkey signs its hash in the
browser, and the desk places the signed commit on the branch and pushes it.

Two steps, so the desk never holds anyone's key: :func:`prepare` checks everything the gate would refuse
(with the same rules and words as ``govsite approve``) and returns the record and its challenge;
:func:`complete` takes the browser's assertion, checks it as the gate will, builds the commit and lands it.

Git work on one branch is serialised (one lock per branch), and a commit lands by compare-and-swap on the
branch (and, with a forge, a push with a lease): when someone else landed first, an approval (an empty
commit bound to blobs, not to its parent) is placed again on the new tip, as long as the pages it names are
unchanged; a revision (bound to its parent) is refused with the reason. Only what landed is confirmed to the
user, so a crash of the desk loses no confirmed approval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from govsite.core.errors import GovsiteError
from govsite.desk.workspace import Workspace
from govsite.git import plumbing
from govsite.review import passkey

TRIES = 3


@dataclass
class Prepared:
    """What the browser is asked to sign, kept by the desk until the assertion comes back."""

    kind: str  # approve | return | withdraw | revise | enrol | submit | resubmit (a returned page, corrected)
    branch: str
    record: str
    when: str  # the signing time, ISO
    parent: str  # the branch tip it was prepared on ("" for a new branch)
    tree: str = ""  # for revise, enrol and submit: the tree the commit writes
    tier: str = ""
    signed: dict[str, str] = field(default_factory=dict)  # path → blob the record names
    pairs: list[tuple[str, str, str]] = field(default_factory=list)  # (unit, path, blob) for the gate's check
    digests: dict[str, str] = field(default_factory=dict)
    summary: str = ""  # one Chinese line for the log and the confirmation

    def to_data(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Prepared:
        data = dict(data)
        data["pairs"] = [tuple(p) for p in data.get("pairs", [])]
        return cls(**data)

    @property
    def challenge(self) -> bytes:
        return passkey.challenge(self.record)


@dataclass(frozen=True)
class Landed:
    commit: str
    branch: str
    message: str  # Chinese, for the person who signed


def request_options(prepared: Prepared, keys: list[str], settings: passkey.DeskSettings) -> dict[str, Any]:
    """The ``navigator.credentials.get`` options (JSON form) for signing ``prepared`` with one of ``keys``."""
    return {"challenge": passkey.b64url(prepared.challenge), "rpId": settings.rp_id, "timeout": 120000,
            "userVerification": "required",
            "allowCredentials": [{"id": k.split()[1].split(":", 1)[0], "type": "public-key"} for k in keys]}


def assertion_message(prepared: Prepared, credential: dict[str, Any], keys: list[str]) -> tuple[str, str]:
    """(commit message, key) from the browser's credential JSON, which must be one of the signer's ``keys``."""
    try:
        cred_id = str(credential["id"])
        response = credential["response"]
        parts = [_b64url_bytes(str(response[k])) for k in ("authenticatorData", "clientDataJSON", "signature")]
    except (KeyError, TypeError, ValueError) as exc:
        raise GovsiteError("浏览器返回的通行密钥签名不完整，没有签署。请重新点击签署。") from exc
    key = next((k for k in keys if k.split()[1].split(":", 1)[0] == cred_id), None)
    if key is None:
        raise GovsiteError("所用的通行密钥不是你在人员名单中登记的有效通行密钥，没有签署。请用登记过的设备签署，"
                           "或先登记新的通行密钥并经县政府办公室批准。")
    return passkey.signed_message(prepared.record, key, *parts), key


def _b64url_bytes(text: str) -> bytes:
    return passkey.unb64url(text.replace("+", "-").replace("/", "_").rstrip("="))


def check_assertion(ws: Workspace, message: str, when: dt.datetime) -> None:
    """Refuse before anything lands what the gate will refuse about the signature itself."""
    verdict = passkey.check(message, when, ws.settings())
    if not verdict.good:
        raise GovsiteError(f"通行密钥签名未通过核验：{verdict.problem}。没有签署，请重新签署。")


COPIED_KEY = ("这把通行密钥的签名计数没有增加，可能已被复制到其他设备，为安全起见已拒绝。请立即联系大数据中心停用这把密钥"
              "（从人员名单中删除），再登记新的通行密钥。")


def sign_count(credential: dict[str, Any]) -> int:
    """The signature counter of the browser's assertion (0 when it has none)."""
    try:
        return passkey.sign_count(_b64url_bytes(str(credential["response"]["authenticatorData"])))
    except (KeyError, TypeError, ValueError):
        return 0


def sign_and_land(ws: Workspace, prepared: Prepared, credential: dict[str, Any], keys: list[str], name: str,
                  email: str, counter: Callable[[str, int], bool] | None = None) -> Landed:
    """The browser's assertion over ``prepared`` made into the signed commit, checked as the gate will, landed.
    ``counter(credential id, signature counter)``: False refuses a passkey whose counter did not go up (asked
    only once the assertion is verified, so a forged one cannot move the counter)."""
    message, _key = assertion_message(prepared, credential, keys)
    check_assertion(ws, message, dt.datetime.fromisoformat(prepared.when))
    if counter is not None and not counter(str(credential.get("id", "")), sign_count(credential)):
        raise GovsiteError(COPIED_KEY)
    return land(ws, prepared, message, name, email)


def land(ws: Workspace, prepared: Prepared, message: str, name: str, email: str) -> Landed:
    """Place the signed commit on its branch (and push it), retrying after others who landed first."""
    when = dt.datetime.fromisoformat(prepared.when)
    with ws.branch_lock(prepared.branch):
        for _attempt in range(TRIES):
            ws.refresh(force=True)
            current = _tip(ws, prepared.branch)
            if prepared.kind in ("enrol", "submit"):  # a new branch from the target
                if current is not None:
                    raise GovsiteError("同名的分支已经存在，本次提交没有保存。请重新提交。")
                parent = prepared.parent
            else:
                if current is None:
                    raise GovsiteError(f"分支“{prepared.branch}”已不存在（可能已合并或被删除），没有签署。请回到待办列表。")
                parent = current
            if prepared.kind in ("revise", "resubmit") and parent != prepared.parent:
                raise GovsiteError("你修改期间，有人在这个分支上推送了新的提交，你的修改没有保存（签名只对你看过的版本有效）。"
                                   "请重新打开稿件，在最新版本上修改。")
            moved = _moved(ws, prepared, parent)
            if moved:
                raise GovsiteError("你签署之前，有人改动了以下稿件：" + "、".join(moved)
                                   + "。这次签署没有保存（审核意见只对你看过的版本有效），请重新打开稿件查看后再签署。")
            tree = prepared.tree or plumbing.tree_of(ws.root, parent)
            commit = plumbing.make_commit(ws.root, tree, parent, message, when, name, email)
            refused = _gate_refusal(ws, prepared, commit)
            if refused:
                raise GovsiteError("发布核验不会承认这次签署，没有保存：\n" + "\n".join(refused))
            if _place(ws, prepared.branch, commit, current):
                return Landed(commit, prepared.branch, f"已签署并保存（{prepared.summary}）。")
        raise GovsiteError(f"连续 {TRIES} 次保存时都有人抢先提交，本次签署没有保存。请稍后重新签署。")


def _tip(ws: Workspace, branch: str) -> str | None:
    return next((b.tip for b in ws.branches() if b.name == branch), None)


def _moved(ws: Workspace, prepared: Prepared, parent: str) -> list[str]:
    if not prepared.signed or prepared.kind in ("revise", "enrol", "submit", "resubmit"):
        return []
    from govsite.git.objects import NULL_BLOB, tree_blobs  # noqa: PLC0415

    now_blobs: dict[str, str] = {}
    for prefix in ("content/", "units/", "site_config/"):
        now_blobs.update(tree_blobs(ws.root, parent, prefix))
    return [p for p, blob in prepared.signed.items() if now_blobs.get(p, NULL_BLOB) != blob]


def _gate_refusal(ws: Workspace, prepared: Prepared, commit: str) -> list[str]:
    if prepared.kind != "approve":
        return []
    from govsite.review.approve import Target, gate_refusal  # noqa: PLC0415

    pairs = [(u, Target(p, b, u)) for u, p, b in prepared.pairs]
    return gate_refusal(ws.root, prepared.tier, ws.config.base_ref, pairs, prepared.digests, rev=commit)


def _place(ws: Workspace, branch: str, commit: str, old: str | None) -> bool:
    """Land ``commit`` as ``branch`` if it still is ``old``; False when someone else landed first."""
    remote = ws.config.remote
    if remote:
        outcome = plumbing.push_commit(ws.root, remote, branch, commit, old)
        if outcome.ok:
            plumbing.move_branch(ws.root, f"refs/remotes/{remote}/{branch}", commit, None if old is None else old)
            return True
        if outcome.why == "behind":
            return False
        why = {"denied": "工作台没有推送到代码托管平台的权限（或分支受保护）",
               "offline": "连接不上代码托管平台"}.get(outcome.why, "推送到代码托管平台失败")
        raise GovsiteError(f"{why}，本次签署没有保存。请联系大数据中心。" + (f"（git：{outcome.detail}）" if outcome.detail else ""))
    return plumbing.move_branch(ws.root, f"refs/heads/{branch}", commit, old)
