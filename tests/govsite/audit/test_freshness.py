"""Column freshness at its boundaries (Art. 23), empty columns, the homepage rule, and --as-of replay."""

from __future__ import annotations

import datetime as dt

import pytest

from govsite.audit.freshness import deadline
from govsite.audit.run import run_audit
from tests.govsite.audit.repo import Repo, page, unit_yml

D = dt.date


def rules(report, unit="ceshi"):
    return {(f.rule, f.column) for f in report.findings if f.unit == unit}


@pytest.fixture(scope="module")
def weekly_repo(tmp_path_factory):
    r = Repo(tmp_path_factory.mktemp("weekly"))
    cols = [("gzdt", "工作动态", "news", "weekly"), ("ybtj", "月度统计", "statistics", "monthly"),
            ("kong", "空白栏目", "news", "yearly")]
    r.commit("2026-10-31", {"units/ceshi.yml": unit_yml(columns=cols),
                            "content/ceshi/ybtj/m10.md": page("十月统计", "2026-10-30")})
    r.commit("2026-11-01", {"content/ceshi/gzdt/a.md": page("工作动态一", "2026-10-30")})
    r.commit("2026-11-20", {"content/ceshi/gzdt/b.md": page("工作动态二", "2026-11-19")})
    return r


def test_weekly_day_7_is_fresh_day_8_is_stale(weekly_repo):
    day7 = run_audit(weekly_repo.root, D(2026, 11, 8), run_checks=False)
    assert ("audit.freshness.stale", "gzdt") not in rules(day7)
    assert ("audit.freshness.due-soon", "gzdt") in rules(day7)  # early warning on the last day
    day8 = run_audit(weekly_repo.root, D(2026, 11, 9), run_checks=False)
    stale = [f for f in day8.findings if f.rule == "audit.freshness.stale" and f.column == "gzdt"]
    assert len(stale) == 1
    assert stale[0].evidence["last_published"] == "2026-11-01" and stale[0].evidence["deadline"] == "2026-11-08"
    assert "第二十三条第（一）项" in stale[0].article and "超期 1 天" in stale[0].message


def test_early_warning_days_before_deadline(weekly_repo):
    assert ("audit.freshness.due-soon", "gzdt") not in rules(run_audit(weekly_repo.root, D(2026, 11, 5), run_checks=False))
    assert ("audit.freshness.due-soon", "gzdt") in rules(run_audit(weekly_repo.root, D(2026, 11, 6), run_checks=False))


def test_monthly_is_one_calendar_month():
    assert deadline(D(2026, 10, 31), "monthly") == D(2026, 11, 30)
    assert deadline(D(2026, 1, 31), "monthly") == D(2026, 2, 28)
    assert deadline(D(2026, 5, 15), "quarterly") == D(2026, 8, 15)
    assert deadline(D(2026, 5, 15), "semiannual") == D(2026, 11, 15)
    assert deadline(D(2025, 11, 20), "realtime") == D(2026, 11, 20)


def test_monthly_column_boundary(weekly_repo):
    assert ("audit.freshness.stale", "ybtj") not in rules(run_audit(weekly_repo.root, D(2026, 11, 30), run_checks=False))
    assert ("audit.freshness.stale", "ybtj") in rules(run_audit(weekly_repo.root, D(2026, 12, 1), run_checks=False))


def test_empty_column_counts_as_not_updated(weekly_repo):
    report = run_audit(weekly_repo.root, D(2026, 11, 21), run_checks=False)
    empty = [f for f in report.findings if f.rule == "audit.freshness.empty"]
    assert [f.column for f in empty] == ["kong"]
    assert "第二十三条第（五）项" in empty[0].article
    veto = {v.id: v for v in report.veto}
    assert veto["columns-empty"].status == "pass" and "空白栏目 1 个" in veto["columns-empty"].evidence


def test_as_of_replays_history(weekly_repo):
    """On 2026-11-10 page b did not exist yet; the weekly column is stale then, fresh on 2026-11-21."""
    early = run_audit(weekly_repo.root, D(2026, 11, 10), run_checks=False)
    assert early.pages == 2 and ("audit.freshness.stale", "gzdt") in rules(early)
    late = run_audit(weekly_repo.root, D(2026, 11, 21), run_checks=False)
    assert late.pages == 3 and ("audit.freshness.stale", "gzdt") not in rules(late)
    # same answer twice: reproducible for a date
    assert run_audit(weekly_repo.root, D(2026, 11, 10), run_checks=False).to_dict() == early.to_dict()


def test_homepage_14_days_ok_15_days_veto(weekly_repo):
    ok = run_audit(weekly_repo.root, D(2026, 12, 4), run_checks=False)
    assert {v.id: v.status for v in ok.veto}["homepage"] == "pass"
    bad = run_audit(weekly_repo.root, D(2026, 12, 5), run_checks=False)
    assert {v.id: v.status for v in bad.veto}["homepage"] == "fail"
    assert any(f.rule == "audit.homepage.stale" for f in bad.findings) and bad.exit_code() == 1


def test_five_empty_columns_fail_single_veto(tmp_path):
    r = Repo(tmp_path)
    cols = [(f"k{i}", f"栏目{i}", "statistics", "yearly") for i in range(5)] + [("gzdt", "工作动态", "news", "weekly")]
    r.commit("2026-11-01", {"units/ceshi.yml": unit_yml(columns=cols),
                            "content/ceshi/gzdt/a.md": page("动态", "2026-11-01")})
    report = run_audit(tmp_path, D(2026, 11, 2), run_checks=False)
    veto = {v.id: v for v in report.veto}
    assert veto["columns-empty"].status == "fail" and len(veto["columns-empty"].details) == 5
    unit = report.units[0]
    assert unit.veto and any("空白栏目 5 个" in r for r in unit.veto_reasons)


def test_serious_error_from_the_checks_fails_the_single_veto(tmp_path):
    r = Repo(tmp_path)
    r.commit("2026-11-01", {"units/ceshi.yml": unit_yml(),
                            "content/ceshi/gzdt/a.md": page("我镇代表团访问北朝鲜", "2026-11-01")})
    report = run_audit(tmp_path, D(2026, 11, 2))
    serious = [f for f in report.findings if f.area == "serious"]
    assert serious and serious[0].path == "content/ceshi/gzdt/a.md" and serious[0].severity == "error"
    assert {v.id: v.status for v in report.veto}["serious"] == "fail" and report.units[0].veto
    # an audit of an earlier date than the newest commit cannot check old content: it says so
    r.commit("2026-11-05", {"content/ceshi/gzdt/b.md": page("动态", "2026-11-05")})
    past = run_audit(tmp_path, D(2026, 11, 2))
    assert {v.id: v.status for v in past.veto}["serious"] == "unknown"


def test_the_audit_lists_every_exemption_with_its_reason_and_who_must_accept_it(tmp_path):
    """Issue 13 point 11: a silenced resident's mobile number is not invisible to the office."""
    r = Repo(tmp_path)
    body = "<!-- govsite: allow privacy.mobile 本人同意公开 -->\n联系电话 13812345678。\n"
    r.commit("2026-11-01", {"units/ceshi.yml": unit_yml(),
                            "content/ceshi/gzdt/a.md": page("动态", "2026-11-01") + body})
    report = run_audit(tmp_path, D(2026, 11, 2), run_checks=False)
    [f] = [f for f in report.findings if f.area == "exemptions"]
    assert f.path == "content/ceshi/gzdt/a.md" and f.unit == "ceshi" and f.severity == "warning"
    assert "豁免了 privacy.mobile（理由：本人同意公开），须经二审（科室负责人）、三审（分管负责人）认可" in f.message
    assert "第十六条" in f.article and f.evidence["tiers"] == ["2", "3"]


@pytest.mark.parametrize(("category", "declared", "last", "as_of", "required"), [
    ("news", "monthly", "2026-11-01", "2026-11-12", "weekly"),          # Art. 23(1): 1 week, not a month
    ("notices", "realtime", "2026-04-01", "2026-10-10", "semiannual"),  # Art. 23(2): 6 months, not a year
    ("policy", "yearly", "2026-03-01", "2026-09-10", "semiannual"),
])
def test_a_column_cannot_declare_itself_a_looser_interval_than_its_category(tmp_path, category, declared, last, as_of,
                                                                            required):
    """Issue 18, point 4: the category fixes the longest interval; a unit may only declare a stricter one."""
    r = Repo(tmp_path)
    r.commit("2026-01-05", {"units/ceshi.yml": unit_yml(columns=[("lm", "栏目", category, declared)])})
    r.commit(last, {"content/ceshi/lm/a.md": page("稿件", last)})
    report = run_audit(tmp_path, D.fromisoformat(as_of), run_checks=False)
    [stale] = [f for f in report.findings if f.rule == "audit.freshness.stale"]
    assert stale.evidence["required_update"] == required and stale.evidence["update"] == declared
    assert "但这类栏目按条例不得宽于" in stale.message


def test_a_stricter_declaration_than_the_category_is_kept(tmp_path):
    r = Repo(tmp_path)
    r.commit("2026-01-05", {"units/ceshi.yml": unit_yml(columns=[("tz", "通知公告", "notices", "monthly")])})
    r.commit("2026-09-01", {"content/ceshi/tz/a.md": page("通知", "2026-09-01")})
    report = run_audit(tmp_path, D(2026, 10, 5), run_checks=False)
    [stale] = [f for f in report.findings if f.rule == "audit.freshness.stale"]
    assert stale.evidence["required_update"] == "monthly" and "不得宽于" not in stale.message


def test_the_dashboard_and_the_command_agree_on_serious_errors_once_the_pages_are_checked(tmp_path):
    """Issue 18, point 6: the dashboard reads the checks' cached results instead of saying 未判定 beside 通过."""
    from govsite.audit.run import audit_repository
    from govsite.audit.veto import decide
    from govsite.compliance.run import check_paths
    from govsite.core.county import County

    r = Repo(tmp_path)
    r.commit("2026-11-01", {"units/ceshi.yml": unit_yml(), "content/ceshi/gzdt/a.md": page("动态", "2026-11-01")})

    def board_status() -> str:
        pre = audit_repository(tmp_path, D(2026, 11, 2), run_checks="cached")
        return {v.id: v.status for v in decide(pre.snap, pre.columns, pre.newest, pre.serious, pre.serious_note,
                                               _interaction())}["serious"]

    assert board_status() == "unknown"
    check_paths(County(tmp_path), [tmp_path / "content/ceshi/gzdt/a.md"])  # what `govsite check` does
    assert board_status() == "pass"
    assert {v.id: v.status for v in run_audit(tmp_path, D(2026, 11, 2)).veto}["serious"] == "pass"


def _interaction():
    from govsite.audit.model import VetoItem

    return VetoItem("interaction", "互动交流渠道", "pass", "")


def test_a_closed_unit_is_listed_after_the_ranking_and_charts_name_units(tmp_path):
    """Issue 18, point 7 (in part): a closed unit is not ranked first with full marks; the overdue chart shows
    the unit's name, not its id."""
    from govsite.audit.html import render_html
    from govsite.audit.text import render_text

    closing = ("closing:\n  approval: 巫山府办函〔2026〕88号\n  approved_on: 2026-08-01\n"
               "  announcement: gone/tzgg/guanting.md\n  announced_on: 2026-08-03\n  close_on: 2026-09-30\n")
    r = Repo(tmp_path)
    r.commit("2026-06-01", {"units/gone.yml": unit_yml(uid="gone", short="旧镇", extra=closing),
                            "units/ceshi.yml": unit_yml(),
                            "content/gone/gzdt/a.md": page("动态", "2026-06-01"),
                            "content/ceshi/gzdt/a.md": page("动态", "2026-06-01")})
    report = run_audit(tmp_path, D(2026, 11, 2), run_checks=False)
    assert [(u.unit, u.closed) for u in report.units] == [("ceshi", False), ("gone", True)]
    assert "已关停，不参加排名" in render_text(report)
    html = render_html(report)
    assert "测试镇·工作动态" in html and "ceshi·工作动态" not in html
