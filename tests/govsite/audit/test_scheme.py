"""The 100-point scheme (issue 18, point 7): single-veto items fail a unit outright, deductions are capped per
indicator, the weights are data the county office can change."""

from __future__ import annotations

import datetime as dt

import pytest

from govsite.audit.run import run_audit
from govsite.audit.scheme import load_scheme
from govsite.core.county import County
from govsite.core.errors import GovsiteError
from tests.govsite.audit.repo import Repo, page, unit_yml

COLUMNS = [("gzdt", "工作动态", "news", "weekly"), ("tzgg", "通知公告", "notice", "realtime"),
           ("tjxx", "统计信息", "statistics", "monthly"), ("jgzn", "机构职能", "organization", "yearly")]


def township(tmp_path, last_page_on: str):
    """A unit whose four columns each got one page on ``last_page_on`` and nothing since (kind agency: no
    disclosure categories are required of it, so only freshness counts)."""
    repo = Repo(tmp_path / "repo")
    files = {"units/ceshi.yml": unit_yml(columns=COLUMNS),
             "content/ceshi/tzgg/open.md": page("测试镇网页开通公告", "2022-01-10")}
    for cid, title, _, _ in COLUMNS:
        files[f"content/ceshi/{cid}/a.md"] = page(f"测试镇{title}稿件", last_page_on)
    repo.commit(last_page_on, files)
    return repo


def test_a_township_whose_every_column_is_a_year_stale_fails_outright(tmp_path):
    repo = township(tmp_path, "2025-10-20")
    report = run_audit(repo.root, dt.date(2026, 11, 28), run_checks=False)
    [unit] = report.units
    stale = [f for f in report.findings if f.rule == "audit.freshness.stale"]
    assert len(stale) == 4
    # four stale columns are fewer than the national counts (5 and 10), but they are all the unit has
    assert unit.veto and unit.grade == "不合格"
    assert unit.veto_reasons == ["本单位全部 4 个栏目均超期未更新或为空白栏目"]
    fresh = next(d for d in unit.deductions if d.indicator == "freshness")
    assert (fresh.findings, fresh.points, fresh.cap) == (4, 16.0, 40.0)


def test_a_unit_with_one_fresh_column_is_scored_not_vetoed(tmp_path):
    repo = township(tmp_path, "2025-10-20")
    repo.commit("2026-11-25", {"content/ceshi/gzdt/b.md": page("测试镇新动态", "2026-11-25")})
    [unit] = run_audit(repo.root, dt.date(2026, 11, 28), run_checks=False).units
    assert not unit.veto and unit.rank == 1
    lost = {d.indicator: d.points for d in unit.deductions}
    assert lost["freshness"] == 3 * 4  # three stale columns at 4 points each
    assert unit.score == 100 - sum(lost.values())
    assert unit.grade == {True: "良好", False: "合格"}[unit.score >= 80]


def test_deductions_stop_at_the_indicator_cap(tmp_path):
    """Forty late pages lose the 10 points of 发布时效, not 40."""
    repo = Repo(tmp_path / "repo")
    files = {"units/ceshi.yml": unit_yml(), "content/ceshi/tzgg/open.md": page("开通公告", "2022-01-10")}
    files.update({f"content/ceshi/gzdt/p{i:02d}.md": page(f"第{i}篇动态", "2026-06-01") for i in range(40)})
    repo.commit("2026-11-25", files)
    report = run_audit(repo.root, dt.date(2026, 11, 28), run_checks=False)
    [unit] = report.units
    late = [f for f in report.findings if f.rule == "audit.timeliness.late" and f.column == "gzdt"]
    assert len(late) == 40 and all(f.deduction == 1 for f in late)
    [timeliness] = [d for d in unit.deductions if d.indicator == "timeliness"]
    assert timeliness.findings >= 40 and timeliness.points == 10.0
    assert unit.score == 100 - sum(d.points for d in unit.deductions)


def test_the_county_office_changes_a_weight_in_site_config(tmp_path):
    repo = township(tmp_path, "2025-10-20")
    repo.commit("2026-11-25", {
        "content/ceshi/gzdt/b.md": page("测试镇新动态", "2026-11-25"),
        "site_config/lists/scoring.yml": "audit_indicators:\n  freshness:\n    name: 栏目更新\n    cap: 40\n"
                                         "    rectify_days: 3\n    points:\n      audit.freshness.stale: 10\n"})
    [unit] = run_audit(repo.root, dt.date(2026, 11, 28), run_checks=False).units
    assert {d.indicator: d.points for d in unit.deductions}["freshness"] == 30.0
    assert load_scheme(County(repo.root).lists).indicator("freshness").rectify_days == 3


def test_the_shipped_caps_add_up_to_100(tmp_path):
    scheme = load_scheme(County(tmp_path).lists)  # no site_config/: the shipped scheme alone
    assert scheme.total_cap() == 100
    assert scheme.grade(95, False) == "优秀" and scheme.grade(59.5, False) == "不合格" and scheme.grade(99, True) == "不合格"


@pytest.mark.parametrize("text, words", [
    ("audit_indicators:\n  links:\n    cap: 十\n", "links.cap"),
    ("audit_indicators:\n  links:\n    cap: 5\n    points:\n      audit.links.internal: -1\n", "audit.links.internal"),
    ("audit_indicators:\n  links:\n    rectify_days: 2.5\n", "rectify_days"),
    ("audit_indicators: [1, 2]\n", "键值表"),
])
def test_a_wrong_weight_is_a_message_naming_it(tmp_path, text, words):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-11-25", {"units/ceshi.yml": unit_yml(), "site_config/lists/scoring.yml": text})
    with pytest.raises(GovsiteError) as err:
        run_audit(repo.root, dt.date(2026, 11, 28), run_checks=False)
    assert words in str(err.value)
