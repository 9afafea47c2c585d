"""Audit rules at their boundaries, on real git repositories with chosen commit dates (China time)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from govsite.core import workdays
from tests.govsite.audit.conftest_audit import AuditRepo, findings

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses

NEWS = ("gzdt", "工作动态", "news", "weekly")


@pytest.fixture
def repo(tmp_path: Path) -> AuditRepo:
    return AuditRepo(tmp_path / "county")


def _veto(report: dict, vid: str) -> dict:
    return next(v for v in report["veto"] if v["id"] == vid)


# -- Art. 23: a weekly column is fresh on day 7 and stale on day 8 -----------------------------------------
def test_weekly_column_day_7_fresh_day_8_stale(repo: AuditRepo) -> None:
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    day7 = repo.audit("2026-03-09")
    assert findings(day7, "audit.freshness.stale", column="gzdt") == []
    assert findings(day7, "audit.freshness.due-soon", column="gzdt"), "day 7 is the last day: early warning expected"
    day8 = repo.audit("2026-03-10")
    stale = findings(day8, "audit.freshness.stale", column="gzdt")
    assert len(stale) == 1 and stale[0]["unit"] == "town" and "第二十三条" in stale[0]["article"]
    assert "2026-03-09" in stale[0]["message"]  # names the deadline it missed


def test_early_warning_only_close_to_the_deadline(repo: AuditRepo) -> None:
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    early = repo.audit("2026-03-04")  # five days left
    assert findings(early, "audit.freshness.due-soon", column="gzdt") == []
    assert findings(early, "audit.freshness.stale", column="gzdt") == []


def test_commit_late_in_the_china_evening_counts_for_that_china_day(repo: AuditRepo) -> None:
    """23:30 in Chongqing is 15:30 UTC the same day; 00:30 the next day in China is still the previous UTC day."""
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-03", time="00:30:00")  # 2026-03-02 16:30 UTC
    day7 = repo.audit("2026-03-10")          # 7 days after the China date 03-03
    assert findings(day7, "audit.freshness.stale", column="gzdt") == []
    assert findings(repo.audit("2026-03-11"), "audit.freshness.stale", column="gzdt")


def test_monthly_column_uses_calendar_months(repo: AuditRepo) -> None:
    repo.unit(columns=[NEWS, ("tjxx", "统计信息", "statistics", "monthly")])
    repo.page("town/gzdt/open.md", formed="2026-01-31")
    repo.page("town/tjxx/jan.md", formed="2026-01-31")
    repo.commit("2026-01-31")
    # one month after 01-31 is 02-28 (clamped), so 02-28 is fine and 03-01 is late
    assert findings(repo.audit("2026-02-28"), "audit.freshness.stale", column="tjxx") == []
    assert findings(repo.audit("2026-03-01"), "audit.freshness.stale", column="tjxx")


# -- empty columns and the column counts of the national indicators -----------------------------------------
def test_empty_column_is_flagged_and_counted(repo: AuditRepo) -> None:
    repo.unit(columns=[NEWS, ("tzgg", "通知公告", "notices", "semiannual")])
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    report = repo.audit("2026-03-03")
    empty = findings(report, "audit.freshness.empty")
    assert [f["column"] for f in empty] == ["tzgg"]
    assert findings(report, "audit.freshness.empty", column="gzdt") == []
    assert _veto(report, "columns-empty")["status"] == "pass"


def test_five_empty_columns_fail_the_site_four_do_not(repo: AuditRepo) -> None:
    cols = [NEWS] + [(f"c{i}", f"栏目{i}", "statistics", "yearly") for i in range(5)]
    repo.unit(columns=cols)
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    for i in range(1):  # one of the five gets a page: four empty
        repo.page(f"town/c{i}/a.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    assert _veto(repo.audit("2026-03-03"), "columns-empty")["status"] == "pass"
    (repo.root / "content/town/c0/a.md").unlink()
    repo.commit("2026-03-04", "withdraw")
    report = repo.audit("2026-03-05")
    assert _veto(report, "columns-empty")["status"] == "fail"
    assert report["summary"]["site_veto"] is True


def test_homepage_day_14_passes_day_15_fails(repo: AuditRepo) -> None:
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    assert _veto(repo.audit("2026-03-16"), "homepage")["status"] == "pass"
    assert _veto(repo.audit("2026-03-17"), "homepage")["status"] == "fail"


# -- Art. 21: 20 working days across the 2026 Spring Festival (holiday 02-15..02-23, make-up 02-14, 02-28) --
def test_calendar_data_covers_2026() -> None:
    assert workdays.covered(dt.date(2026, 2, 16))
    assert not workdays.is_workday(dt.date(2026, 2, 16))   # Monday in the holiday
    assert workdays.is_workday(dt.date(2026, 2, 14))       # Saturday make-up workday
    assert workdays.is_workday(dt.date(2026, 2, 28))       # Saturday make-up workday


def test_working_days_across_spring_festival() -> None:
    formed = dt.date(2026, 2, 2)
    assert workdays.working_days_after(formed, dt.date(2026, 3, 6)) == 20
    assert workdays.working_days_after(formed, dt.date(2026, 3, 7)) == 20   # plain Saturday
    assert workdays.working_days_after(formed, dt.date(2026, 3, 9)) == 21
    assert workdays.add_working_days(formed, 20) == dt.date(2026, 3, 6)
    # naive Monday–Friday counting would already give 24 on 03-06
    weekdays = sum(1 for d in range(1, 40) if (formed + dt.timedelta(days=d)).weekday() < 5
                   and formed + dt.timedelta(days=d) <= dt.date(2026, 3, 6))
    assert weekdays == 24


def test_page_published_on_working_day_20_passes_21_is_late(repo: AuditRepo) -> None:
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-02-02")
    repo.commit("2026-02-02")
    repo.page("town/gzdt/day20.md", formed="2026-02-02", title="第二十个工作日发布")
    repo.commit("2026-03-06")
    repo.page("town/gzdt/day21.md", formed="2026-02-02", title="第二十一个工作日发布")
    repo.commit("2026-03-09")
    report = repo.audit("2026-03-09")
    late = findings(report, "audit.timeliness.late")
    assert [f["path"] for f in late] == ["content/town/gzdt/day21.md"]
    assert late[0]["evidence"]["working_days"] == 21
    assert "第二十一条" in late[0]["article"]


# -- Art. 10: a closing notice of 15 working days; one short is an error -----------------------------------
def _closing(announced: str, close: str) -> str:
    return (f"closing:\n  approval: 巫山府办函〔2026〕9号\n  approved_on: 2026-02-01\n"
            f"  announcement: town/gzdt/close.md\n  announced_on: {announced}\n  close_on: {close}\n")


@pytest.mark.parametrize("close_on, short", [("2026-03-06", True), ("2026-03-07", False)])
def test_closing_notice_fifteen_working_days(repo: AuditRepo, close_on: str, short: bool) -> None:
    # notice from 02-09 (Mon): 02-09..02-13 (5), 02-14 make-up (6), holiday to 02-23, 02-24..02-27 (10),
    # 02-28 make-up (11), 03-02..03-05 (15): closing on 03-06 leaves 15 days; 03-05 would leave 14.
    close = dt.date.fromisoformat(close_on) - dt.timedelta(days=1) if short else dt.date.fromisoformat(close_on)
    repo.unit(extra=_closing("2026-02-09", close.isoformat()))
    repo.page("town/gzdt/open.md", formed="2026-02-09")
    repo.page("town/gzdt/close.md", formed="2026-02-09", title="关停公告")
    repo.commit("2026-02-09")
    report = repo.audit("2026-02-10")
    got = findings(report, "audit.closing.notice-short")
    assert bool(got) is short
    if short:
        assert got[0]["evidence"]["working_days"] == 14
        assert got[0]["evidence"]["earliest_close_on"] == "2026-03-06"


# -- Art. 9 and 23(6): new media -------------------------------------------------------------------------
def _media(opened: str, followers: int, last_post: str, name: str = "巫山大昌", platform: str = "微信公众号") -> str:
    return (f"  - platform: {platform}\n    name: {name}\n    account: wsdc\n    approval: 巫山府办函〔2023〕15号\n"
            f"    opened: {opened}\n    followers: {followers}\n    followers_on: 2026-03-01\n    last_post: {last_post}\n")


def test_new_media_small_silent_duplicate_and_name(repo: AuditRepo) -> None:
    extra = "new_media:\n" + _media("2025-03-02", 4999, "2026-03-02") + _media("2025-03-03", 5000, "2026-03-01",
                                                                                   name="阳光小站")
    repo.unit(extra=extra)
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    report = repo.audit("2026-03-09")
    small = findings(report, "audit.new-media.low-followers")
    # 4999 one year after opening (2025-03-02 → 2026-03-02) is flagged; 5000 is enough
    assert [f["evidence"]["name"] for f in small] == ["巫山大昌"]
    silent = findings(report, "audit.new-media.stale")
    # last post 03-02 is 7 days ago (fine); 03-01 is 8 days ago (flagged)
    assert [f["evidence"]["name"] for f in silent] == ["阳光小站"]
    assert findings(report, "audit.new-media.duplicate")          # two accounts on one platform
    assert [f["evidence"]["name"] for f in findings(report, "audit.new-media.name")] == ["阳光小站"]


def test_new_media_under_a_year_is_not_cleaned_up(repo: AuditRepo) -> None:
    repo.unit(extra="new_media:\n" + _media("2025-03-10", 100, "2026-03-08"))
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    assert findings(repo.audit("2026-03-09"), "audit.new-media.low-followers") == []


# -- roster hygiene ------------------------------------------------------------------------------------------
def test_roster_keys_and_departed_people(repo: AuditRepo) -> None:
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOx{n} {n}"
    extra = ("people:\n"
             f"  - name: 李明\n    email: a@example.gov.cn\n    roles: [editor]\n    keys:\n"
             f"      - {{key: '{key.format(n='a')}', valid_from: 2026-02-20, valid_until: 2026-03-19}}\n"
             f"  - name: 王芳\n    email: b@example.gov.cn\n    roles: [section_head]\n    keys:\n"
             f"      - {{key: '{key.format(n='b')}', valid_from: 2026-01-01, valid_until: 2026-04-02}}\n"
             f"  - name: 赵强\n    email: c@example.gov.cn\n    roles: [leader]\n    left: 2026-03-01\n")
    repo.unit(extra=extra)
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    report = repo.audit("2026-03-09")
    expiring = findings(report, "audit.roster.key-expiring")
    assert len(expiring) == 1 and "李明" in expiring[0]["message"]      # 10 days left; 王芳 has 24
    departed = findings(report, "audit.roster.departed-with-roles")
    assert len(departed) == 1 and "赵强" in departed[0]["message"]
    # 王芳's key dates from 01-01: three months old on 04-01, older than three months on 04-02
    assert not any("王芳" in f["message"] for f in findings(repo.audit("2026-04-01"), "audit.roster.key-old"))
    assert any("王芳" in f["message"] for f in findings(repo.audit("2026-04-02"), "audit.roster.key-old"))


# -- reproducibility: --as-of sees the repository as it was ---------------------------------------------------
def test_as_of_ignores_later_commits(repo: AuditRepo) -> None:
    repo.unit(columns=[NEWS, ("tzgg", "通知公告", "notices", "semiannual")])
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    repo.page("town/tzgg/a.md", formed="2026-03-20")
    repo.commit("2026-03-20")
    before = repo.audit("2026-03-10")
    assert findings(before, "audit.freshness.empty", column="tzgg")
    assert before["pages"] == 1
    after = repo.audit("2026-03-20")
    assert findings(after, "audit.freshness.empty", column="tzgg") == []


# -- disclosure coverage by unit kind ---------------------------------------------------------------------
def test_township_missing_required_categories(repo: AuditRepo) -> None:
    repo.unit(kind="township")
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    report = repo.audit("2026-03-03")
    missing = {f["evidence"].get("category") for f in findings(report, "audit.coverage.no-column")}
    assert {"notices", "budget", "land"} <= missing and "news" not in missing


# -- links over a built site ---------------------------------------------------------------------------------
def test_links_over_built_site(repo: AuditRepo, tmp_path: Path) -> None:
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    site = tmp_path / "site"
    (site / "town/gzdt/open").mkdir(parents=True)
    (site / "files").mkdir()
    (site / "files/ok.pdf").write_bytes(b"%PDF-1.4")
    (site / "index.html").write_text(
        '<html><body><a href="https://www.cqws.gov.cn/hdjl/">互动</a><a href="town/gzdt/open/">开通</a></body></html>',
        encoding="utf-8")
    (site / "town/gzdt/open/index.html").write_text(
        '<html><body><h2 id="bj">背景</h2>'
        '<a href="../../../index.html">首页</a><a href="#bj">背景</a><a href="#nope">坏锚点</a>'
        '<a href="../../../files/ok.pdf">附件</a><a href="../../../files/missing.pdf">缺附件</a>'
        '<a href="../../../town/gzdt/gone/">死链</a><img src="../../../files/ok.pdf"><img src="x.png" alt="说明">'
        '<a href="https://example.com/x">外链</a></body></html>', encoding="utf-8")
    report = repo.audit("2026-03-03", site=site)
    links = [f for f in report["findings"] if f["area"] == "links"]
    rules = sorted(f["rule"] for f in links)
    dead = " ".join(f["message"] for f in links if f["rule"] in ("audit.links.internal", "audit.links.attachment"))
    for url in ("files/missing.pdf", "town/gzdt/gone/", "x.png"):    # x.png: a missing image is dead too
        assert url in dead
    assert "ok.pdf" not in dead and "index.html" not in dead
    assert any(f["rule"] == "audit.links.attachment" and "missing.pdf" in f["message"] for f in links)
    assert rules.count("audit.links.anchor") == 1 and "#nope" in str(links)
    assert rules.count("audit.links.img-alt") == 1                 # the image with alt text is fine
    assert "audit.links.external" not in rules     # offline by default
    assert _veto(report, "interaction")["status"] == "pass"


# -- the command: formats, exit codes, bad input --------------------------------------------------------------
def test_cli_json_html_and_bad_date(repo: AuditRepo, tmp_path: Path) -> None:
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    proc = repo.cli("--as-of", "2026-03-20", "--format", "json", "--no-checks")
    assert proc.returncode == 1, proc.stderr               # stale column and homepage → failing audit
    data = json.loads(proc.stdout)
    assert data["as_of"] == "2026-03-20" and findings(data, "audit.freshness.stale", column="gzdt")
    out = tmp_path / "card.html"
    proc = repo.cli("--as-of", "2026-03-20", "--format", "html", "--no-checks", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "http://" not in html.split("<body", 1)[0]   # charts inline, nothing fetched
    bad = repo.cli("--as-of", "2026-13-40")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr
    early = repo.cli("--as-of", "2020-01-01", "--no-checks")
    assert early.returncode == 2 and "Traceback" not in early.stderr and "提交" in early.stderr


def test_text_output_names_article_and_fix(repo: AuditRepo) -> None:
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-03-02")
    repo.commit("2026-03-02")
    proc = repo.cli("--as-of", "2026-03-20", "--no-checks")
    assert "工作动态" in proc.stdout and "第二十三条" in proc.stdout and "Traceback" not in proc.stderr


# -- the scorecard's history: trend over 12 periods and pages per month, from git ----------------------------
def test_trend_and_pages_per_month_follow_the_history(repo: AuditRepo) -> None:
    repo.unit()
    for month in range(1, 7):  # one news page on the 5th of January … June 2026, then silence
        repo.page(f"town/gzdt/2026-{month:02d}.md", formed=f"2026-{month:02d}-05")
        repo.commit(f"2026-{month:02d}-05")
    report = repo.audit("2026-09-05")
    unit = next(u for u in report["units"] if u["unit"] == "town")
    trend = dict((p[:7], s) for p, s in unit["trend"])
    assert len(unit["trend"]) == 12 and list(trend)[0] == "2025-10" and list(trend)[-1] == "2026-09"
    assert trend["2026-01"] == trend["2026-06"] == 100          # updated that very day
    assert trend["2026-08"] < 100 and trend["2025-12"] < 100     # stale after June; empty before January
    months = dict((m[:7], n) for m, n in unit["pages_per_month"])
    assert len(months) == 12 and months["2026-03"] == 1 and months["2026-08"] == 0


# -- "done when": the sample county with a history that has the usual problems -------------------------------
def test_sample_county_names_each_problem_with_article_and_fix(tmp_path: Path) -> None:
    import shutil

    from govsite.audit.dashboard import write_dashboard
    from tests.govsite.audit.conftest_audit import REPO

    repo = AuditRepo(tmp_path / "county")
    for name in ("units", "content", "site_config"):
        shutil.copytree(REPO / name, repo.root / name, dirs_exist_ok=True)
    unit = repo.root / "units" / "dachang.yml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("followers: 8600", "followers: 1200"), encoding="utf-8")
    repo.commit("2026-10-09")
    repo.page("dachang/gzdt/late.md", formed="2026-09-01", title="迟发的工作动态")
    repo.commit("2026-11-02")
    site = tmp_path / "site"
    (site / "dachang/gzdt/late").mkdir(parents=True)
    (site / "index.html").write_text('<a href="https://www.cqws.gov.cn/hdjl/ldxx/">互动交流</a>', encoding="utf-8")
    (site / "dachang/gzdt/late/index.html").write_text('<a href="../../tzgg/nowhere/">通知</a>', encoding="utf-8")
    proc = repo.cli("--as-of", "2026-11-27", "--no-checks", "--site", str(site))
    out = proc.stdout
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "工作动态" in out and "第二十三条" in out                       # stale weekly column
    assert "late.md" in out and "第二十一条" in out                        # published > 20 working days late
    assert "1200" in out and "第九条" in out                               # small new-media account
    assert "nowhere" in out                                               # dead link in the built site
    write_dashboard(repo.root, site, tmp_path / "site-internal")
    card = (tmp_path / "site-internal" / "index.html").read_text(encoding="utf-8")
    assert "大昌镇" in card and "<svg" in card and "<script src" not in card and "stylesheet" not in card


def test_progress_bar_goes_to_its_stream_only_after_a_while() -> None:
    import io

    from govsite.audit.run import Progress

    quick = io.StringIO()
    bar = Progress(enabled=True, stream=quick)
    bar("读取 git 历史")                      # a run that ends within half a second draws nothing
    bar.finish()
    assert quick.getvalue() == ""
    slow = io.StringIO()
    bar = Progress(enabled=True, stream=slow)
    bar.start -= 1.0                          # pretend the run has taken a second
    bar("检查站点链接", 5, 10)
    assert "\r" in slow.getvalue() and "5/10" in slow.getvalue()
    bar.finish()
    assert slow.getvalue().endswith("\r\033[K")
