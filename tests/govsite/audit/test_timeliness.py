"""Working days on the official calendar: Art. 21 (20 working days) and Art. 10 (15-working-day notice)."""

from __future__ import annotations

import datetime as dt

import pytest

from govsite.core import workdays
from govsite.audit.run import run_audit
from tests.govsite.audit.repo import Repo, page, unit_yml

D = dt.date


def test_calendar_data_covers_2026():
    # chinese-calendar 1.11.0 ships official data for 2004–2026; the audit says so for later years
    assert workdays.FIRST_YEAR <= 2004 and workdays.LAST_YEAR >= 2026
    assert workdays.covered(D(2026, 2, 16)) and not workdays.covered(D(workdays.LAST_YEAR + 1, 1, 5))


def test_spring_festival_2026_holidays_and_make_up_days():
    assert not workdays.is_workday(D(2026, 2, 16)) and not workdays.is_workday(D(2026, 2, 23))  # weekday holidays
    assert workdays.is_workday(D(2026, 2, 14)) and workdays.is_workday(D(2026, 2, 28))         # Saturdays worked
    # formed Tue 10 Feb: Mon–Fri alone would reach 20 on 10 Mar; the official calendar on 16 Mar
    assert workdays.working_days_after(D(2026, 2, 10), D(2026, 3, 16)) == 20
    assert workdays.working_days_after(D(2026, 2, 10), D(2026, 3, 17)) == 21
    assert workdays.add_working_days(D(2026, 2, 10), 20) == D(2026, 3, 16)


@pytest.fixture(scope="module")
def spring_repo(tmp_path_factory):
    r = Repo(tmp_path_factory.mktemp("spring"))
    cols = [("gzdt", "工作动态", "news", "weekly"), ("tzgg", "通知公告", "notices", "semiannual")]
    r.commit("2026-02-09", {"units/ceshi.yml": unit_yml(columns=cols)})
    r.commit("2026-03-16", {"content/ceshi/gzdt/day20.md": page("第二十个工作日发布", "2026-02-10")})
    r.commit("2026-03-17", {"content/ceshi/tzgg/day21.md": page("第二十一个工作日发布", "2026-02-10")})
    r.commit("2026-03-18", {"content/ceshi/gzdt/future.md": page("形成日期晚于发布日期", "2026-03-25")})
    return r


def test_working_day_20_ok_21_flagged_across_spring_festival(spring_repo):
    report = run_audit(spring_repo.root, D(2026, 3, 18), run_checks=False)
    late = {f.path: f for f in report.findings if f.rule == "audit.timeliness.late"}
    assert set(late) == {"content/ceshi/tzgg/day21.md"}
    f = late["content/ceshi/tzgg/day21.md"]
    assert f.evidence["working_days"] == 21 and f.evidence["deadline"] == "2026-03-16"
    assert "第二十一条" in f.article and "21 个工作日" in f.message


def test_formed_after_publish_is_a_forged_date_single_veto(spring_repo):
    report = run_audit(spring_repo.root, D(2026, 3, 18), run_checks=False)
    forged = [f for f in report.findings if f.rule == "audit.timeliness.formed-after-publish"]
    assert [f.path for f in forged] == ["content/ceshi/gzdt/future.md"]
    assert {v.id: v.status for v in report.veto}["serious"] == "fail"


CLOSING = """closing:
  approval: 巫山府办函〔2026〕88号
  approved_on: 2026-09-20
  announcement: ceshi/tzgg/guanting.md
  announced_on: 2026-09-24
  close_on: {close}
"""


@pytest.mark.parametrize("close_on, days, short", [("2026-10-21", 14, True), ("2026-10-22", 15, False)])
def test_closing_notice_one_working_day_short(tmp_path, close_on, days, short):
    """Notice from Thu 24 Sep 2026 over Mid-Autumn + National Day (make-up Sat 10 Oct): 15th working day is 21 Oct."""
    r = Repo(tmp_path)
    cols = [("tzgg", "通知公告", "notices", "semiannual")]
    r.commit("2026-09-24", {"units/ceshi.yml": unit_yml(columns=cols, extra=CLOSING.format(close=close_on)),
                            "content/ceshi/tzgg/guanting.md": page("关于关停网页的公告", "2026-09-24")})
    report = run_audit(tmp_path, D(2026, 10, 1), run_checks=False)
    found = [f for f in report.findings if f.rule == "audit.closing.notice-short"]
    assert bool(found) is short
    if short:
        assert found[0].evidence["working_days"] == days and "第十条" in found[0].article
        assert "2026-10-22" in found[0].fix


def test_years_outside_calendar_data_are_reported(tmp_path):
    r = Repo(tmp_path)
    year = workdays.LAST_YEAR + 1
    r.commit(f"{year}-01-05", {"units/ceshi.yml": unit_yml(), "content/ceshi/gzdt/a.md": page("动态", f"{year}-01-04")})
    report = run_audit(tmp_path, D(year, 1, 6), run_checks=False)
    assert any(str(year) in n and "chinese-calendar" in n for n in report.notes)


def test_publication_on_a_holiday_after_the_deadline_is_late(tmp_path):
    """Issue 18, point 2: formed 2025-09-03, 20th working day 09-30 (09-28 is a make-up Sunday), out on 10-03,
    inside the National Day holiday: the working-day count stands still, the deadline has passed."""
    assert workdays.add_working_days(D(2025, 9, 3), 20) == D(2025, 9, 30)
    assert workdays.working_days_after(D(2025, 9, 3), D(2025, 10, 3)) == 20
    r = Repo(tmp_path)
    r.commit("2025-09-01", {"units/ceshi.yml": unit_yml()})
    r.commit("2025-10-03", {"content/ceshi/gzdt/guoqing.md": page("国庆期间发布", "2025-09-03")})
    r.commit("2025-10-03", {"content/ceshi/gzdt/ontime.md": page("按期发布", "2025-09-04")})
    report = run_audit(tmp_path, D(2025, 10, 9), run_checks=False)
    late = {f.path: f for f in report.findings if f.rule == "audit.timeliness.late"}
    assert set(late) == {"content/ceshi/gzdt/guoqing.md"}
    f = late["content/ceshi/gzdt/guoqing.md"]
    assert f.evidence["deadline"] == "2025-09-30" and "应在第20个工作日（2025-09-30）之前发布" in f.message
    assert "晚了 3 天" in f.message and "第二十一条" in f.article


def test_a_correction_does_not_re_date_the_page(tmp_path):
    """Issue 18, point 1: fixing a typo in an old notice is an 更新, not a publication."""
    r = Repo(tmp_path)
    r.commit("2026-09-01", {"units/ceshi.yml": unit_yml()})
    r.commit("2026-09-10", {"content/ceshi/gzdt/a.md": page("九月的通知", "2026-09-08")})
    r.commit("2026-11-20", {"content/ceshi/gzdt/a.md": page("九月的通知（更正）", "2026-09-08")})
    report = run_audit(tmp_path, D(2026, 11, 23), run_checks=False)
    assert not [f for f in report.findings if f.rule == "audit.timeliness.late"]
    [stale] = [f for f in report.findings if f.rule == "audit.freshness.stale"]
    assert "最近一篇新信息发布于 2026-09-10" in stale.message and "修改旧稿件不算更新" in stale.fix


def test_the_closing_notice_counts_from_when_its_page_was_public_not_the_typed_date(tmp_path):
    """Issue 18, point 3: announced_on says 24 Sep, but the notice reached the portal on 9 Oct: 15 working days
    from then end on 29 Oct, so closing on 22 Oct (enough from the typed date) is short."""
    r = Repo(tmp_path)
    cols = [("tzgg", "通知公告", "notices", "semiannual")]
    r.commit("2026-09-24", {"units/ceshi.yml": unit_yml(columns=cols, extra=CLOSING.format(close="2026-10-22"))})
    r.commit("2026-10-09", {"content/ceshi/tzgg/guanting.md": page("关于关停网页的公告", "2026-09-24")})
    report = run_audit(tmp_path, D(2026, 10, 12), run_checks=False)
    [short] = [f for f in report.findings if f.rule == "audit.closing.notice-short"]
    assert short.evidence["public_on"] == "2026-10-09" and short.evidence["announced_on"] == "2026-09-24"
    assert "实际 2026-10-09 才在网站上发布" in short.message
    assert short.evidence["earliest_close_on"] == workdays.earliest_close(D(2026, 10, 9)).isoformat()


def test_a_forged_date_fails_the_veto_item_and_says_apart_that_the_checks_did_not_run(spring_repo):
    """Issue 18, point 6: no 否决 beside 本次未检查."""
    report = run_audit(spring_repo.root, D(2026, 3, 18), run_checks=False)
    item = {v.id: v for v in report.veto}["serious"]
    assert item.status == "fail"
    assert item.evidence.startswith("发现伪造发布日期 1 处。另：合规检查的严重错误部分未判定（")
