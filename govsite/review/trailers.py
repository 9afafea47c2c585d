"""The approval (审核意见) commit: an empty, signed commit whose message carries ``Review-*`` trailers.

    审核：一审 content/dachang/gzdt/x.md

    Review-Tier: 1
    Review-Unit: dachang
    Review-Blob: content/dachang/gzdt/x.md 3b18e512dba79e4c8300dd08aeb37f8e728b8dad
    Review-Checklist: secrecy, privacy, law, political, sensitive, harm, opinion, accuracy, typo, ad, emotion

``Review-Blob`` binds the approval to one exact content (a later edit changes the blob and voids it);
a blob of forty zeros approves the removal of the path. ``Review-Render: <path> <sha256>`` binds a
proofread (三校, ``proof-1..3``) to the rendered page. ``Review-Exemption: <path> <rule>`` says the reviewer
accepts an exemption the page makes (``<!-- govsite: allow <rule> 理由 -->``, :mod:`.exemptions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govsite.git.objects import NULL_BLOB
from govsite.review.policy import REVOCATIONS, TIER_NAMES, TIERS


_TRAILER = re.compile(r"^(Review-[A-Za-z]+):[ \t]*(.*?)[ \t]*$", re.M)
# what a path may hold as it is; anything else (white space, control characters, %) is percent-encoded
_PLAIN = re.compile(r"[^\x00-\x20\x7f%\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def encode_path(path: str) -> str:
    """A path as a trailer writes it: unambiguous (percent-encoded where it is not plain), one line."""
    return "".join(ch if _PLAIN.match(ch) else "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in path)


def decode_path(text: str) -> str:
    """The path a trailer names (:func:`encode_path` reversed)."""
    from urllib.parse import unquote  # noqa: PLC0415

    return unquote(text, errors="surrogateescape") if "%" in text else text
_BLOB = re.compile(r"^[0-9a-f]{40}$|^[0-9a-f]{64}$")


@dataclass
class Approval:
    """Parsed trailers of one approval commit."""

    tier: str
    unit: str
    blobs: list[tuple[str, str]] = field(default_factory=list)
    renders: list[tuple[str, str]] = field(default_factory=list)
    checklist: tuple[str, ...] = ()
    problems: list[str] = field(default_factory=list)
    exemptions: list[tuple[str, str]] = field(default_factory=list)  # (path, rule) the reviewer accepts
    withdraws: list[str] = field(default_factory=list)  # withdraw: the approval commits taken back
    note: str = ""  # the opinion (审核意见说明) between the subject and the trailers

    def accepted(self, path: str) -> set[str]:
        """The rules whose exemption in ``path`` this approval accepts."""
        return {rule for p, rule in self.exemptions if p == path}


_TRAILER_LINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*:([ \t]|$)")


def trailer_block(message: str) -> tuple[list[str], list[str]]:
    """(the lines of the final trailer block, the lines before it). The block is the last paragraph when
    every line of it reads ``Name: value``; otherwise the message has none."""
    lines = message.replace("\r\n", "\n").replace("\r", "\n").rstrip().split("\n")
    start = len(lines)
    while start > 0 and lines[start - 1].strip():
        start -= 1
    block = lines[start:]
    if start == 0 or not block or not all(_TRAILER_LINE.match(line) for line in block):
        return [], lines  # a message that is all one paragraph has a subject, not trailers
    return block, lines[:start]


def parse_message(message: str) -> Approval | None:
    """The approval in a commit message, or ``None`` when it has no ``Review-Tier`` trailer.

    Trailers are read from the final trailer block only (as git reads them): a ``Review-`` line anywhere
    else, for instance in a file name or an opinion, makes the approval malformed rather than count."""
    if "Review-Tier:" not in message:
        return None
    block, before = trailer_block(message)
    values: dict[str, list[str]] = {}
    for line in block:
        m = _TRAILER.match(line)
        if m is not None:
            values.setdefault(m.group(1), []).append(m.group(2))
    stray = [line for line in before if _TRAILER.match(line.strip())]
    if "Review-Tier" not in values:
        if not stray:
            return None
        return Approval(tier="", unit="", problems=["Review- 行必须全部位于提交说明末尾的一段（尾注），"
                                                    "此提交的审核信息不在末尾，不能作为审核意见"])
    approval = Approval(tier=values["Review-Tier"][0].strip().lower(), unit=(values.get("Review-Unit") or [""])[0])
    if stray:
        approval.problems.append("提交说明正文中夹有 Review- 行（只有末尾一段的 Review- 行有效），疑似伪造，不能作为审核意见")
    if len(values["Review-Tier"]) > 1 or len(values.get("Review-Unit", [])) > 1:
        approval.problems.append("Review-Tier 或 Review-Unit 出现了不止一次")
    if approval.tier not in TIERS + REVOCATIONS:
        approval.problems.append(f"审核层级“{approval.tier}”无效，只能是 {'、'.join(TIERS + REVOCATIONS)}")
    approval.note = "\n".join(before[1:]).strip()
    for value in values.get("Review-Withdraws", []):
        if re.match(r"^[0-9a-f]{40}$|^[0-9a-f]{64}$", value.strip()):
            approval.withdraws.append(value.strip())
        else:
            approval.problems.append(f"Review-Withdraws 格式不正确：“{value}”，应为被撤回的审核意见的提交编号")
    if not approval.unit:
        approval.problems.append("缺少 Review-Unit（所属单位）")
    for value in values.get("Review-Blob", []):
        parts = value.rsplit(" ", 1)
        if len(parts) == 2 and _BLOB.match(parts[1]):
            approval.blobs.append((decode_path(parts[0].strip()), parts[1]))
        else:
            approval.problems.append(f"Review-Blob 格式不正确：“{value}”，应为“<路径> <blob 编号>”")
    for value in values.get("Review-Render", []):
        parts = value.rsplit(" ", 1)
        if len(parts) == 2 and re.match(r"^[0-9a-f]{64}$", parts[1]):
            approval.renders.append((decode_path(parts[0].strip()), parts[1]))
        else:
            approval.problems.append(f"Review-Render 格式不正确：“{value}”，应为“<路径> <sha256>”")
    for value in values.get("Review-Exemption", []):
        parts = value.rsplit(" ", 1)
        if len(parts) == 2 and re.match(r"^[A-Za-z0-9_.-]+$", parts[1]):
            approval.exemptions.append((decode_path(parts[0].strip()), parts[1]))
        else:
            approval.problems.append(f"Review-Exemption 格式不正确：“{value}”，应为“<路径> <规则>”")
    items: list[str] = []
    for value in values.get("Review-Checklist", []):
        items += [x.strip() for x in re.split(r"[,，、\s]+", value) if x.strip()]
    approval.checklist = tuple(items)
    return approval


def format_message(tier: str, unit: str, blobs: list[tuple[str, str]], checklist: tuple[str, ...],
                   renders: list[tuple[str, str]] | None = None, note: str = "",
                   exemptions: list[tuple[str, str]] | None = None, withdraws: list[str] | None = None) -> str:
    """An approval commit message (subject, optional note, trailers)."""
    first = blobs[0][0] if blobs else ""
    subject = f"审核：{TIER_NAMES.get(tier, tier)} {encode_path(first)}" + (f" 等 {len(blobs)} 项" if len(blobs) > 1 else "")
    if withdraws:
        subject = f"撤回审核意见 {withdraws[0][:10]}" + (f" 等 {len(withdraws)} 条" if len(withdraws) > 1 else "")
    lines = [subject, ""]
    if note:  # an opinion is prose: no line of it may read as a trailer
        lines += ["\n".join(("> " + line) if _TRAILER_LINE.match(line) else line for line in note.splitlines()), ""]
    lines += [f"Review-Tier: {tier}", f"Review-Unit: {unit}"]
    lines += [f"Review-Blob: {encode_path(path)} {blob}" for path, blob in blobs]
    lines += [f"Review-Render: {encode_path(path)} {digest}" for path, digest in (renders or [])]
    lines += [f"Review-Exemption: {encode_path(path)} {rule}" for path, rule in (exemptions or [])]
    lines += [f"Review-Withdraws: {sha}" for sha in (withdraws or [])]
    lines.append(f"Review-Checklist: {', '.join(checklist)}")
    return "\n".join(lines) + "\n"


def is_removal(blob: str) -> bool:
    return blob == NULL_BLOB
