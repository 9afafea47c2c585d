"""Previews in the desk (排版预览): the first inbox of a fresh desk asks for one per branch at once; they are
built one at a time, and every one is there when a reviewer opens its page."""

from __future__ import annotations

import pytest

from govsite.desk.config import DeskConfig
from govsite.desk.workspace import Workspace
from tests.govsite.review.test_passkey import make

pytestmark = pytest.mark.slow


def test_previews_asked_for_at_once_are_all_built(tmp_path, keys):
    county = make(tmp_path / "county", keys)
    tips = []
    for i in range(3):
        county.git("checkout", "-q", "-B", f"b{i}", "main")
        county.write_page(f"p{i}.md", body=f"大昌镇第{i}次召开森林防火工作部署会。")
        tips.append(county.commit_all(f"稿件 {i}", who="liming"))
    county.git("checkout", "-q", "main")
    ws = Workspace(DeskConfig(root=county.root, state=tmp_path / "state"))
    assert all(ws.digests(tip, wait=False) is None for tip in tips)  # all three started in the background
    for i, tip in enumerate(tips):
        digests = ws.digests(tip)
        assert digests is not None and f"content/dachang/gzdt/p{i}.md" in digests


def _branch(tmp_path, keys):
    county = make(tmp_path / "county", keys)
    page = county.write_page()
    county.commit_all("新增稿件：森林防火", who="liming", date="2026-11-28T09:00:00+08:00")
    county.approve("liming", "1", [page], date="2026-11-28T09:30:00+08:00")
    county.git("checkout", "-q", "main")
    return county, page


def test_a_restarted_desk_reads_the_verdicts_it_kept(tmp_path, keys, monkeypatch):
    county, page = _branch(tmp_path, keys)
    config = DeskConfig(root=county.root, state=tmp_path / "state")
    first = Workspace(config)
    first.digests(first.branch("mr").tip)  # the preview, so that the proofs are judged too
    report = first.status(first.branch("mr"))
    assert report.results[page].tiers[0].state == "valid"
    assert list((tmp_path / "state" / "verdicts").rglob("*.json"))

    import govsite.review.status

    def must_not_judge(*_a, **_k):
        raise AssertionError("the gate ran again although the verdict was kept")

    monkeypatch.setattr(govsite.review.status, "branch_status", must_not_judge)
    restarted = Workspace(config)
    assert restarted.status(restarted.branch("mr")) == report


def test_a_damaged_verdict_is_judged_again(tmp_path, keys):
    county, page = _branch(tmp_path, keys)
    config = DeskConfig(root=county.root, state=tmp_path / "state")
    report = Workspace(config).status(Workspace(config).branch("mr"))
    for kept in (tmp_path / "state" / "verdicts").rglob("*.json"):
        kept.write_bytes(b'{"ok": tr\xff')
    again = Workspace(config)
    assert again.status(again.branch("mr")) == report


def test_verdicts_of_another_day_or_version_are_dropped(tmp_path, keys):
    county, _page = _branch(tmp_path, keys)
    verdicts = tmp_path / "state" / "verdicts"
    (verdicts / "0123456789abcdef" / "2026-01-01").mkdir(parents=True)  # an older govsite
    config = DeskConfig(root=county.root, state=tmp_path / "state")
    ws = Workspace(config)
    (ws._verdicts.folder / "2026-01-01").mkdir(parents=True)  # yesterday's, of this version
    ws.status(ws.branch("mr"))
    assert [p.name for p in verdicts.iterdir()] == [ws._verdicts.folder.name]
    assert [p.name for p in ws._verdicts.folder.iterdir()] != ["2026-01-01"]
    assert not (ws._verdicts.folder / "2026-01-01").exists()


def test_judging_every_branch_in_the_background_fills_the_inbox(tmp_path, keys):
    county, page = _branch(tmp_path, keys)
    ws = Workspace(DeskConfig(root=county.root, state=tmp_path / "state"))
    assert ws.judge_all() == 1
    assert any(k[0] == ws.branch("mr").tip for k in ws._status)


def test_an_inbox_in_a_hurry_counts_the_branches_still_being_judged(tmp_path, keys):
    from govsite.desk import views

    county, page = _branch(tmp_path, keys)
    ws = Workspace(DeskConfig(root=county.root, state=tmp_path / "state"))
    hurried = views.inbox_within(ws, "zhangke@dachang.gov.cn", 0.0)
    assert (hurried.items, hurried.judging) == ([], 1)
    ws.digests(ws.branch("mr").tip)  # the preview the first inbox asked for (proofs are judged on it)
    ws.judge_all()
    shown = views.inbox_within(ws, "zhangke@dachang.gov.cn", 0.0)
    assert shown.judging == 0 and [(w.path, w.tier) for w in shown.items] == [(page, "2")]
