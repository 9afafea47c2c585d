"""Disclosure coverage by unit kind, new-media accounts (Art. 9, 23(6)) and roster hygiene (Art. 37–38)."""

from __future__ import annotations

import datetime as dt

import pytest

from govsite.audit.run import run_audit
from tests.govsite.audit.repo import Repo, page, unit_yml

D = dt.date

MEDIA = """new_media:
  - {platform: 微信公众号, name: 巫山测试镇发布, account: a1, opened: 2025-11-20, followers: 4999, followers_on: 2026-11-01, last_post: 2026-11-13}
  - {platform: 微信公众号, name: 测试镇服务号, account: a2, opened: 2025-11-21, followers: 4000, followers_on: 2026-11-01, last_post: 2026-11-14}
  - {platform: 抖音, name: 山城好风光, account: a3, opened: 2024-01-01, followers: 9000, followers_on: 2026-11-01, last_post: 2026-11-19}
people:
  - name: 甲
    email: jia@example.gov.cn
    roles: [editor]
    keys:
      - {key: ssh-ed25519 AAAAjia jia, valid_from: 2026-09-05, valid_until: 2026-12-04}
  - name: 乙
    email: yi@example.gov.cn
    roles: [leader]
    keys:
      - {key: ssh-ed25519 AAAAyi yi, valid_from: 2026-09-06, valid_until: 2026-12-05}
  - name: 丙
    email: bing@example.gov.cn
    roles: [section_head]
    left: 2026-11-10
  - name: 丁
    email: ding@example.gov.cn
    roles: []
    left: 2026-11-10
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = Repo(tmp_path_factory.mktemp("units"))
    cols = [("gzdt", "工作动态", "news", "weekly"), ("nyxx", "农业农村", "agriculture", "quarterly")]
    r.commit("2026-11-18", {"units/ceshi.yml": unit_yml(kind="township", columns=cols, extra=MEDIA),
                            "content/ceshi/gzdt/a.md": page("动态", "2026-11-18")})
    return r


@pytest.fixture(scope="module")
def report(repo):
    return run_audit(repo.root, D(2026, 11, 20), run_checks=False)


def by_rule(report, rule):
    return [f for f in report.findings if f.rule == rule]


def test_coverage_required_category_missing_or_empty(report):
    missing = {f.evidence["category"] for f in by_rule(report, "audit.coverage.no-column")}
    assert {"notices", "organization", "budget"} <= missing and "news" not in missing
    empty = by_rule(report, "audit.coverage.empty")
    assert [f.evidence["category"] for f in empty] == ["agriculture"] and "第十三条" in empty[0].article


def test_one_account_per_platform(report):
    dup = by_rule(report, "audit.new-media.duplicate")
    assert len(dup) == 1 and dup[0].evidence["platform"] == "微信公众号" and "第九条" in dup[0].article


def test_low_followers_only_after_one_full_year(report):
    low = by_rule(report, "audit.new-media.low-followers")
    # opened 2025-11-20: one year on 2026-11-20 → flagged; opened 2025-11-21 → not yet
    assert [f.evidence["name"] for f in low] == ["巫山测试镇发布"]


def test_new_media_post_day_7_ok_day_8_stale(repo, report):
    # as of 2026-11-20 the oldest last post (11-13) is 7 days old: fine; on 11-21 it is 8 days old
    assert by_rule(report, "audit.new-media.stale") == []
    later = run_audit(repo.root, D(2026, 11, 21), run_checks=False)
    stale = by_rule(later, "audit.new-media.stale")
    assert [f.evidence["name"] for f in stale] == ["巫山测试镇发布"] and "第二十三条第（六）项" in stale[0].article


def test_account_name_not_tied_to_unit(report):
    assert [f.evidence["name"] for f in by_rule(report, "audit.new-media.name")] == ["山城好风光"]


def test_key_expiring_within_14_days(report):
    # as of 2026-11-20: 甲's key ends 12-04 (14 days) → warned; 乙's ends 12-05 (15 days) → not
    assert [f.evidence["person"] for f in by_rule(report, "audit.roster.key-expiring")] == ["甲"]


def test_key_older_than_three_months(tmp_path):
    r = Repo(tmp_path)
    people = ("people:\n  - name: 戊\n    email: wu@example.gov.cn\n    roles: [editor]\n    keys:\n"
              "      - {key: ssh-ed25519 AAAAwu wu, valid_from: 2026-08-01, valid_until: 2026-10-31}\n")
    r.commit("2026-10-30", {"units/ceshi.yml": unit_yml(extra=people), "content/ceshi/gzdt/a.md": page("动态", "2026-10-30")})
    assert by_rule(run_audit(tmp_path, D(2026, 11, 1), run_checks=False), "audit.roster.key-old") == []
    old = by_rule(run_audit(tmp_path, D(2026, 11, 2), run_checks=False), "audit.roster.key-old")
    assert [f.evidence["person"] for f in old] == ["戊"] and "第三十八条" in old[0].article


def test_roles_without_any_valid_key(repo):
    r = run_audit(repo.root, D(2026, 12, 5), run_checks=False)
    assert {f.evidence["person"] for f in by_rule(r, "audit.roster.no-valid-key")} == {"甲"}


def test_departed_person_still_holding_roles(report):
    found = by_rule(report, "audit.roster.departed-with-roles")
    assert [f.evidence["person"] for f in found] == ["丙"] and "第三十七条" in found[0].article


def _roster_repo(tmp_path, extra: str):
    r = Repo(tmp_path)
    r.commit("2026-11-18", {"units/ceshi.yml": unit_yml(extra=extra), "content/ceshi/gzdt/a.md": page("动态", "2026-11-18")})
    return run_audit(tmp_path, D(2026, 11, 28), run_checks=False)


def test_an_account_registered_without_an_approval_is_reported(tmp_path):
    """Issue 18, point 5 (Art. 9: approval first, then the account)."""
    media = ("new_media:\n"
             "  - {platform: 新浪微博, name: 巫山测试镇, account: w1, opened: 2026-01-01, last_post: 2026-11-27}\n"
             "  - {platform: 微信公众号, name: 巫山测试镇发布, account: a1, approval: 巫山府办函〔2025〕9号, "
             "opened: 2025-01-01, last_post: 2026-11-27}\n")
    report = _roster_repo(tmp_path, media)
    found = [f for f in report.findings if f.rule == "audit.new-media.no-approval"]
    assert [f.evidence["name"] for f in found] == ["巫山测试镇"]
    assert "新浪微博账号“巫山测试镇”" in found[0].message and "第九条" in found[0].article


def test_a_successor_key_already_valid_is_a_successor(tmp_path):
    people = ("people:\n  - name: 戊\n    email: wu@example.gov.cn\n    roles: [editor]\n    keys:\n"
              "      - {key: ssh-ed25519 AAAAold wu, valid_from: 2026-09-05, valid_until: 2026-12-04}\n"
              "      - {key: ssh-ed25519 AAAAnew wu, valid_from: 2026-11-25, valid_until: 2027-02-20}\n")
    report = _roster_repo(tmp_path, people)
    assert not [f for f in report.findings if f.rule == "audit.roster.key-expiring"]


def test_a_key_window_longer_than_three_months_is_a_finding_with_the_persons_name(tmp_path):
    people = ("people:\n  - name: 己\n    email: ji@example.gov.cn\n    roles: [editor]\n    keys:\n"
              "      - {key: ssh-ed25519 AAAAji ji, valid_from: 2026-11-01, valid_until: 2027-04-30}\n")
    report = _roster_repo(tmp_path, people)
    [f] = [f for f in report.findings if f.rule == "audit.roster.key-window-long"]
    assert "己 的签名密钥有效期为 2026-11-01 至 2027-04-30（180 天），超过 3 个月" in f.message
    assert f.unit == "ceshi" and f.path == "units/ceshi.yml" and "第三十八条" in f.article
