"""Exemptions are seen and owned (issue 13, point 11): an error-level exemption counts only when the section
head's 二审 names it, a privacy or secrecy exemption only when the leader's 三审 does too; review status and
approve show each one with its reason."""

from __future__ import annotations

from .conftest import failures_for, verify_repository
from .test_cli import govsite

MOBILE = ("大昌镇召开森林防火工作部署会。\n\n<!-- govsite: allow privacy.mobile 本人同意公开 -->\n"
          "联系人：张三，电话 13812345678。")


def _page(county, body=MOBILE) -> str:
    page = county.write_page(body=body)
    county.commit_all("稿件", who="liming")
    return page


def _sign(county, who, tier, page, rules=()):
    from govsite.review.policy import DEFAULT_CHECKLIST
    from govsite.review.trailers import format_message

    msg = format_message(tier, "dachang", [(page, county.blob(page))], DEFAULT_CHECKLIST[tier],
                         exemptions=[(page, r) for r in rules])
    return county.sign(who, msg)


def test_a_privacy_exemption_nobody_accepted_does_not_count(county):
    page = _page(county)
    county.three_tiers([page])
    report = verify_repository(county.root, base="main")
    assert page not in report.verified
    [two] = failures_for(report, page, "2")
    [three] = failures_for(report, page, "3")
    assert "没有认可稿件中的豁免：第 9 行豁免 privacy.mobile（理由：本人同意公开）" in two
    assert "错误级别问题的豁免须经二审认可" in two and "第十六条" in two and "第十七条" in two
    assert "个人隐私、保密类问题的豁免须经三审（分管负责人）认可" in three
    assert not failures_for(report, page, "1")


def test_the_leader_must_accept_a_privacy_exemption_too(county):
    page = _page(county)
    _sign(county, "liming", "1", page)
    _sign(county, "zhangke", "2", page, ["privacy.mobile"])
    _sign(county, "zhaozhen", "3", page)
    report = verify_repository(county.root, base="main")
    assert not failures_for(report, page, "2") and failures_for(report, page, "3")
    _sign(county, "zhaozhen", "3", page, ["privacy.mobile"])
    report = verify_repository(county.root, base="main")
    assert page in report.verified
    [e] = report.results[page].exemptions
    assert e == {"line": 9, "rule": "privacy.mobile", "reason": "本人同意公开", "tiers": ["2", "3"],
                 "accepted_by": ["2", "3"]}


def test_an_error_level_exemption_needs_the_section_head_only(county):
    page = _page(county, "大昌镇召开森林防火工作部署会。<!-- govsite: allow typo 地名旧称，保留原文 -->")
    _sign(county, "liming", "1", page)
    _sign(county, "zhangke", "2", page, ["typo"])
    _sign(county, "zhaozhen", "3", page)
    assert page in verify_repository(county.root, base="main").verified


def test_an_exemption_of_a_warning_needs_no_reviewer(county):
    page = _page(county, "大昌镇召开森林防火工作部署会。<!-- govsite: allow emotion 引用群众原话 -->")
    county.three_tiers([page])
    report = verify_repository(county.root, base="main")
    assert page in report.verified and report.results[page].exemptions[0]["tiers"] == []


def test_a_branch_cannot_lower_a_rule_to_slip_an_exemption_past_review(county):
    (county.root / "site_config" / "rules").mkdir()
    (county.root / "site_config" / "rules" / "local.yml").write_text(
        "category: privacy\nrules:\n  - id: privacy.mobile\n    kind: existence\n    level: suggestion\n"
        "    message: 手机号\n    tokens: ['138']\n", encoding="utf-8")
    page = _page(county)
    county.three_tiers([page])
    assert failures_for(verify_repository(county.root, base="main"), page, "2")


def test_approve_and_status_show_each_exemption_and_ask_for_acceptance(county):
    page = _page(county)
    assert govsite(county, "approve", "--tier", "1", "--all-changed", who="liming", key=True).returncode == 0
    refused = govsite(county, "approve", "--tier", "2", "--all-changed", who="zhangke", key=True)
    assert refused.returncode == 2
    assert f"{page}：第 9 行豁免 privacy.mobile（理由：本人同意公开）" in refused.stderr
    assert "--accept-exemptions" in refused.stderr and "退回信息员" in refused.stderr
    done = govsite(county, "approve", "--tier", "2", "--all-changed", "--accept-exemptions", who="zhangke", key=True)
    assert done.returncode == 0, done.stderr
    assert "本次签署认可了以下豁免" in done.stdout and "privacy.mobile" in done.stdout
    assert f"Review-Exemption: {page} privacy.mobile" in county.git("log", "-1", "--format=%B")
    status = govsite(county, "review", "status")
    assert ("豁免：第 9 行 privacy.mobile（理由：本人同意公开）——须经二审、三审认可；已认可：二审" in status.stdout)
    assert "没有认可稿件中的豁免" not in status.stdout.split("二审：")[1].split("三审")[0]
    done = govsite(county, "approve", "--tier", "3", "--all-changed", "--accept-exemptions", who="zhaozhen", key=True)
    assert done.returncode == 0, done.stderr
    assert govsite(county, "review", "status", "--strict").returncode == 0
