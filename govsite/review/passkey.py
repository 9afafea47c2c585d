"""Approvals signed with a passkey (通行密钥, WebAuthn) instead of an SSH key.

A reviewer who never opens a terminal signs in the desk's browser page. The approval is the same record as an
SSH-signed one (subject, opinion, ``Review-*`` trailers) plus ``Review-Signed-At``; the browser signs a
challenge that is the SHA-256 of exactly that text, and the approval commit carries the assertion in one last
trailer::

    Review-Passkey: webauthn <credential id>:<COSE public key> <authenticatorData> <clientDataJSON> <signature>

(each part base64url). The first field is the key as the roster lists it (``people[].keys[].key``), so the gate
finds its holder, windows and roles exactly as for an SSH key. Verification is offline and needs nothing the
branch can choose: challenge, origin and RP id (from the first commit's ``review.desk``), user presence and
verification, and the signature, checked by the ``webauthn`` library. The commit itself is unsigned; its date
must be the signed ``Review-Signed-At``, so an assertion cannot be re-dated.

A commit that writes files (a reviewer's revision in place, a passkey enrolment) binds what it writes: its
record names the commit's tree and parent (``Review-Tree``, ``Review-Parent``), so an assertion copied into
another commit's message proves nothing about that commit's content. An approval is an empty commit and names
blobs, so it binds no parent and a desk may place it on a branch tip that moved meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from govsite.review.sshsig import SignatureCheck

TRAILER = "Review-Passkey"
SIGNED_AT = "Review-Signed-At"
TREE = "Review-Tree"
PARENT = "Review-Parent"
KEY_TYPE = "webauthn"
CLOCK_TOLERANCE = dt.timedelta(minutes=2)  # the desk commits within moments of the assertion
_LOCALHOST = re.compile(r"^https?://localhost(?::\d{1,5})?$")
_LINE = re.compile(rf"^{TRAILER}:[ \t]*(.*?)[ \t]*$")
_SIGNED_AT = re.compile(rf"^{SIGNED_AT}:[ \t]*(.*?)[ \t]*$", re.M)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class DeskSettings:
    """Where passkeys are used: the relying party id and the desk's origins (``review.desk`` of the first
    commit's site.yml). Without them, only a desk on this machine (``localhost``) counts."""

    rp_id: str = "localhost"
    origins: tuple[str, ...] = ()

    def allows(self, origin: str) -> bool:
        if self.origins:
            return origin in self.origins
        return self.rp_id == "localhost" and bool(_LOCALHOST.match(origin))

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DeskSettings:
        review = config.get("review")
        desk = review.get("desk") if isinstance(review, dict) else None
        if not isinstance(desk, dict):
            return cls()
        rp_id = str(desk.get("rp_id") or "localhost").strip().lower()
        origins = desk.get("origins") or []
        if isinstance(origins, str):
            origins = [origins]
        return cls(rp_id, tuple(str(o).strip().rstrip("/") for o in origins if str(o).strip()))


def sign_count(authenticator_data: bytes) -> int:
    """The signature counter in authenticator data (RP id hash 32 bytes, flags 1, counter 4, big-endian)."""
    return int.from_bytes(authenticator_data[33:37], "big") if len(authenticator_data) >= 37 else 0


def key_string(credential_id: bytes, public_key: bytes) -> str:
    """How the roster lists a passkey: ``webauthn <credential id>:<COSE public key>``."""
    return f"{KEY_TYPE} {b64url(credential_id)}:{b64url(public_key)}"


def is_passkey(key: str) -> bool:
    return key.startswith(KEY_TYPE + " ")


def fingerprint(key: str) -> str:
    """A short, stable name of a passkey for messages (``通行密钥 SHA256:…``)."""
    body = key.split()[1] if len(key.split()) > 1 else key
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).rstrip(b"=").decode()
    return f"通行密钥 SHA256:{digest[:16]}"


def signed_message(record: str, key: str, authenticator_data: bytes, client_data: bytes, signature: bytes) -> str:
    """The approval commit's message: the record and the assertion over it."""
    if not record.endswith("\n"):
        record += "\n"
    return (record + f"{TRAILER}: {key} {b64url(authenticator_data)} {b64url(client_data)} {b64url(signature)}\n")


def record_with_time(record: str, when: dt.datetime) -> str:
    """The record to sign: an approval message with the signing time as its last trailer."""
    if not record.endswith("\n"):
        record += "\n"
    return record + f"{SIGNED_AT}: {when.isoformat(timespec='seconds')}\n"


def record_for_commit(message: str, tree: str, parent: str, when: dt.datetime) -> str:
    """The record to sign for a commit that writes files: its message, the tree and parent it will have, and
    the signing time."""
    if not message.endswith("\n"):
        message += "\n"
    if "\n\n" not in message.strip("\n"):
        message += "\n"  # trailers form their own paragraph
    return record_with_time(message + f"{TREE}: {tree}\n{PARENT}: {parent}\n", when)


def binding_problem(message: str, tree: str, parents: tuple[str, ...], parent_tree: str | None) -> str:
    """Why a passkey-signed commit's record does not bind this commit's content ('' when it does, or when the
    commit is empty and its record names no tree)."""
    trees = re.findall(rf"^{TREE}:[ \t]*([0-9a-f]{{40,64}})[ \t]*$", message, re.M)
    named_parents = re.findall(rf"^{PARENT}:[ \t]*([0-9a-f]{{40,64}})[ \t]*$", message, re.M)
    if not trees and not named_parents and parent_tree == tree and len(parents) == 1:
        return ""  # an approval: an empty commit, bound to the blobs it names
    if trees != [tree] or named_parents != list(parents[:1]) or len(parents) != 1:
        return "通行密钥签署的记录没有写明这次提交的内容（Review-Tree、Review-Parent 与提交不符），签名不能证明是谁写了这次改动"
    return ""


def challenge(record: str) -> bytes:
    """What the browser signs: the SHA-256 of the record's exact text."""
    return hashlib.sha256(record.encode("utf-8")).digest()


def has_assertion(message: str) -> bool:
    return f"\n{TRAILER}:" in message


def split(message: str) -> tuple[str, str] | None:
    """(record, assertion trailer value) when the message ends with exactly one assertion line."""
    lines = message.rstrip("\n").split("\n")
    if not lines:
        return None
    m = _LINE.match(lines[-1])
    if m is None or any(_LINE.match(line) for line in lines[:-1]):
        return None
    return "\n".join(lines[:-1]) + "\n", m.group(1)


def check(message: str, committed: dt.datetime, settings: DeskSettings) -> SignatureCheck:
    """Whether the passkey assertion at the end of ``message`` is good, as a :class:`SignatureCheck` whose
    ``key`` is the roster's key string; ``problem`` (Chinese) says why not."""
    parts = split(message)
    if parts is None:
        return SignatureCheck(False, problem="通行密钥签名必须是提交说明的最后一行，且只能有一行")
    record, value = parts
    fields = value.split()
    if len(fields) != 5 or fields[0] != KEY_TYPE or ":" not in fields[1]:
        return SignatureCheck(False, problem="通行密钥签名的格式不正确")
    key = f"{fields[0]} {fields[1]}"
    try:
        cred_b64, cose_b64 = fields[1].split(":", 1)
        public_key = unb64url(cose_b64)
        for part in fields[2:]:
            unb64url(part)  # each part must decode, or the assertion is unreadable rather than wrong
        client = json.loads(unb64url(fields[3]))
    except (ValueError, binascii.Error):
        return SignatureCheck(False, problem="通行密钥签名无法解码")
    bad = _time_problem(record, committed)
    if bad:
        return SignatureCheck(False, key=key, problem=bad, fingerprint=fingerprint(key))
    origin = str(client.get("origin", "")) if isinstance(client, dict) else ""
    if not settings.allows(origin):
        return SignatureCheck(False, key=key, fingerprint=fingerprint(key),
                              problem=f"通行密钥签名来自未登记的审签工作台地址“{origin}”（登记的地址见首个提交的 "
                                      "site_config/site.yml 中 review.desk）")
    from webauthn import verify_authentication_response  # noqa: PLC0415 - only for passkey approvals
    from webauthn.helpers.exceptions import InvalidAuthenticationResponse  # noqa: PLC0415

    credential = {"id": cred_b64, "rawId": cred_b64, "type": "public-key",
                  "response": {"authenticatorData": fields[2], "clientDataJSON": fields[3], "signature": fields[4]}}
    try:
        verify_authentication_response(credential=credential, expected_challenge=challenge(record),
                                       expected_rp_id=settings.rp_id, expected_origin=origin,
                                       credential_public_key=public_key, credential_current_sign_count=0,
                                       require_user_verification=True)
    except InvalidAuthenticationResponse as exc:
        return SignatureCheck(False, key=key, fingerprint=fingerprint(key), problem=_explain(str(exc)))
    except Exception:  # noqa: BLE001 - a malformed key or assertion is a bad signature, not a crash
        return SignatureCheck(False, key=key, fingerprint=fingerprint(key), problem="通行密钥签名无法核验（数据损坏）")
    return SignatureCheck(True, key=key, fingerprint=fingerprint(key))


def _time_problem(record: str, committed: dt.datetime) -> str:
    found = _SIGNED_AT.findall(record)
    if len(found) != 1:
        return f"通行密钥签署的记录中缺少唯一的 {SIGNED_AT}（签署时间）"
    try:
        when = dt.datetime.fromisoformat(found[0])
    except ValueError:
        return f"{SIGNED_AT} 不是有效的时间：“{found[0]}”"
    if when.tzinfo is None or abs(when - committed) > CLOCK_TOLERANCE:
        return f"审核提交的时间（{committed:%Y-%m-%d %H:%M}）与通行密钥签署的时间（{found[0]}）不符，签署时间被改动"
    return ""


def _explain(problem: str) -> str:
    """The library's reason in the words of the job."""
    low = problem.lower()
    if "challenge" in low:
        return "通行密钥签署的不是这条审核意见（签名与审核内容不符，审核内容在签署后被改动）"
    if "rp id" in low or "rpid" in low:
        return "通行密钥属于另一个网站（RP ID 不符），不是为本县审签工作台登记的"
    if "user verification" in low or "user was not verified" in low:
        return "签署时没有验证本人（指纹、面容或 PIN），不能作为审核证据"
    if "user presence" in low or "not present" in low:
        return "签署时本人不在场（没有触碰安全密钥或确认），不能作为审核证据"
    if "signature" in low:
        return "通行密钥签名与审核内容不符或已被篡改"
    if "type" in low:
        return "这不是一次通行密钥签署（类型不符）"
    return f"通行密钥签名无效（{problem}）"
