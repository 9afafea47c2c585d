"""The review policy (审核规则) of Art. 17–19 and 37–38: who signs which tier, what each tier affirms, and
when a signer may not sign. Pure functions over the roster: ``govsite approve`` refuses in advance with the
same rules (and words) the publish gate applies afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govsite.core.units import ROLE_NAMES, Person, identity

TIERS = ("1", "2", "3", "principal", "consent", "proof-1", "proof-2", "proof-3")
PROOF_TIERS = ("proof-1", "proof-2", "proof-3")
# records that take approvals back (撤销类): 退回 (return a version to its author, with an opinion) and 撤回
# (a signer withdraws their own approval); signed like approvals, parsed by the same format
REVOCATIONS = ("return", "withdraw")
# who may return a version (退回): the reviewers above the author
RETURN_ROLES = ("section_head", "leader", "principal")
TIER_NAMES = {"1": "一审", "2": "二审", "3": "三审（签发）", "principal": "主要负责人签发", "consent": "会签同意",
              "proof-1": "一校", "proof-2": "二校", "proof-3": "三校", "remove": "删除审批",
              "return": "退回", "withdraw": "撤回审核意见"}
# the role that may sign each tier (审核层级 → 角色)
TIER_ROLES = {"1": "editor", "2": "section_head", "3": "leader", "principal": "principal", "consent": "leader",
              "proof-1": "editor", "proof-2": "section_head", "proof-3": "leader"}

# the Art. 16 review items a reviewer affirms (审核清单)
CHECKLIST = {
    "secrecy": "不涉及国家秘密、工作秘密、商业秘密",
    "privacy": "不泄露个人隐私",
    "law": "符合法律法规和政策",
    "political": "政治表述无误",
    "sensitive": "不涉及敏感问题",
    "harm": "不危害国家安全和社会稳定",
    "opinion": "已预判舆情风险",
    "accuracy": "内容真实准确",
    "typo": "无错别字、不规范用语、语法错误",
    "ad": "无商业广告及广告链接",
    "emotion": "无情绪化个人观点",
}
# what each tier must at least affirm (Art. 17: 一审 保密性/规范性/准确性; 二审 事实依据/公文规范; 三审 政治导向)
REQUIRED_CHECKLIST = {
    "1": ("secrecy", "privacy", "accuracy", "typo"),
    "2": ("law", "accuracy", "typo"),
    "3": ("political", "sensitive", "harm", "opinion"),
    "principal": ("political", "opinion"),
    "consent": ("accuracy",),
}
DEFAULT_CHECKLIST = {tier: tuple(CHECKLIST) for tier in TIERS}

REGULATION = "《巫山县政府网站和政务新媒体管理办法（试行）》"
ARTICLES = {
    "17": f"违反{REGULATION}第十七条（三审三校：一审信息员、二审科室负责人、三审分管负责人签发，重大信息报主要负责人签发）",
    "18": f"违反{REGULATION}第十八条（多个单位共同形成的信息须征得相关单位书面同意）",
    "19": f"违反{REGULATION}第十九条（审核记录须可追责：谁审核、审的哪一版内容、何时、用哪把密钥）",
    "37": f"违反{REGULATION}第三十七条（离职人员交还账号，离职后签署无效）",
    "38": f"违反{REGULATION}第三十八条（口令每 3 个月更换：密钥只在登记的有效期内有效）",
    "17p": f"违反{REGULATION}第十七条（三审三校：稿件排版后须经一校信息员（排版人员）、二校科室负责人、三校分管负责人校对，"
           f"校对针对的是将要发布的排版页面，页面改动后须重新校对）",
}
ARTICLE_NUMBERS = {"17": "第十七条", "17p": "第十七条", "18": "第十八条", "19": "第十九条", "37": "第三十七条",
                   "38": "第三十八条"}


@dataclass(frozen=True)
class Refusal:
    """Why a signer may not sign: the Chinese reason and the article (a key of :data:`ARTICLES`)."""

    reason: str
    article: str


def author_may_sign(tier: str) -> bool:
    """The author of a version signs 一审 and 一校 only (Art. 17: three different people review it)."""
    return tier in ("1", "proof-1")


def signer_refusal(person: Person, unit_id: str, tier: str, label: str, day: dt.date, key: str,
                   left: dt.date | None = None, where: str = "") -> Refusal | None:
    """Why ``person`` may not sign ``tier`` (shown as ``label``) for ``unit_id`` on ``day`` with ``key``
    (``type base64``), or None. ``left``: a departure known elsewhere (the roster as it is now); ``where``
    names the approval in the reason, e.g. "审核意见 1a2b3c4d5e"."""
    at = f"（{where}）" if where else ""
    gone = person.left or left
    if gone is not None and day > gone:
        return Refusal(f"{person.name} 已于 {gone} 离职，{day} 的签署无效{at}", "37")
    keys = [k for k in person.keys if k.key_type_and_body == key]
    if not any(k.valid_from <= day <= k.valid_until for k in keys):
        windows = "、".join(f"{k.valid_from} 至 {k.valid_until}" for k in keys) or "（未登记）"
        return Refusal(f"{person.name} 的密钥有效期为 {windows}，不含签署日期 {day}（不在有效期内）{at}。"
                       "请生成新密钥并登记到人员名单后重新签署", "38")
    role = TIER_ROLES.get(tier if tier != "remove" else "3", "")
    if role not in person.roles:
        have = "、".join(ROLE_NAMES.get(r, r) for r in person.roles) or "无"
        return Refusal(f"{person.name} 在单位“{unit_id}”的角色为{have}，不是{ROLE_NAMES.get(role, role)}，"
                       f"不能签署{label}{at}", "18" if tier == "consent" else "17")
    return None


def author_refusal(person: Person, tier: str, label: str, authors: set[str], where: str = "") -> Refusal | None:
    """Why the author of the version may not sign ``tier``, or None. ``authors``: the e-mails of everyone who
    wrote the version, in the form :func:`identity` gives."""
    if author_may_sign(tier) or identity(person.email) not in authors:
        return None
    at = f"；{where}" if where else ""
    return Refusal(f"{person.name} 是这一版内容的作者（内容作者只能签一审、一校{at}），不能签署{label}", "17")
