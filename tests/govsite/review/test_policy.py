"""The review policy: the pure rules approve and the gate share (Art. 17, 18, 37, 38)."""

from __future__ import annotations

import datetime as dt

from govsite.core.units import Person, SigningKey
from govsite.core.units import identity
from govsite.review.policy import author_may_sign, author_refusal, signer_refusal

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey"
D = dt.date


def person(roles=("section_head",), left=None, window=(D(2026, 10, 1), D(2026, 12, 31))) -> Person:
    return Person("张科", "ZhangKe@Dachang.gov.cn", tuple(roles), [SigningKey(KEY, *window)], left=left)


def test_identities_compare_in_one_form() -> None:
    assert identity("ZhangKe@Dachang.gov.cn ") == identity("zhangke@dachang.gov.cn")
    assert identity("ｚｈａｎｇｋｅ@dachang.gov.cn") == identity("zhangke@dachang.gov.cn")  # full-width letters


def test_a_signer_with_the_role_inside_the_window_may_sign() -> None:
    assert signer_refusal(person(), "dachang", "2", "二审", D(2026, 11, 28), KEY) is None


def test_departure_window_and_role_each_refuse_with_their_article() -> None:
    gone = signer_refusal(person(left=D(2026, 11, 20)), "dachang", "2", "二审", D(2026, 11, 28), KEY)
    assert gone is not None and gone.article == "37" and "已于 2026-11-20 离职" in gone.reason
    later = signer_refusal(person(), "dachang", "2", "二审", D(2026, 11, 28), KEY, left=D(2026, 11, 25))
    assert later is not None and later.article == "37"  # a departure known from the roster as it is now
    old = signer_refusal(person(), "dachang", "2", "二审", D(2027, 1, 5), KEY)
    assert old is not None and old.article == "38" and "不在有效期内" in old.reason
    role = signer_refusal(person(), "dachang", "3", "三审（签发）", D(2026, 11, 28), KEY)
    assert role is not None and role.article == "17" and "不是分管负责人" in role.reason
    consent = signer_refusal(person(), "fgw", "consent", "会签同意", D(2026, 11, 28), KEY)
    assert consent is not None and consent.article == "18"


def test_the_author_signs_tier_one_and_the_first_proof_only_whatever_the_case_of_the_email() -> None:
    assert author_may_sign("1") and author_may_sign("proof-1") and not author_may_sign("2")
    who = person()
    assert author_refusal(who, "1", "一审", {identity("zhangke@dachang.gov.cn")}) is None
    refused = author_refusal(who, "2", "二审", {identity("ZhangKe@dachang.gov.cn")})
    assert refused is not None and refused.article == "17" and "内容作者" in refused.reason
    assert author_refusal(who, "2", "二审", {"someone@dachang.gov.cn"}) is None
