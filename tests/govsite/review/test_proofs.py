"""三校 (Art. 17): proofreads bound to the page as the preview build renders it.

Real git repositories, real ssh-keygen keys, real MkDocs builds (the gate builds a preview of the
revision once per run to recompute the render digests).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.govsite.review.conftest import verify_repository

from .conftest import failures_for
from .test_cli import govsite
import pytest

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses

REPO = Path(__file__).resolve().parents[3]


def _reviewed_page(c, **front) -> str:
    page = c.write_page(**front)
    c.commit_all("新增稿件：森林防火", who="liming")
    c.three_tiers([page])
    return page


def _proof_states(report, page: str) -> dict[str, str]:
    return {t.tier: t.state for t in report.results[page].proofs}


def test_reviewed_and_proofread_page_verifies(proof_county):
    page = _reviewed_page(proof_county)
    proof_county.three_proofs([page])
    proof_county.merge()
    report = verify_repository(proof_county.root)
    assert report.ok, report.failures
    assert page in report.verified and report.proofs
    assert _proof_states(report, page) == {"proof-1": "valid", "proof-2": "valid", "proof-3": "valid"}


def test_missing_proofs_are_refused(proof_county):
    page = _reviewed_page(proof_county)
    proof_county.merge()
    report = verify_repository(proof_county.root)
    assert not report.ok and page not in report.verified
    assert {f.tier for f in report.failures if f.path == page} == {"proof-1", "proof-2", "proof-3"}
    [reason] = failures_for(report, page, "proof-3")
    assert "缺少三校" in reason and "第十七条" in reason and "三审三校" in reason
    # one proof is not enough
    proof_county.git("checkout", "-q", "mr")
    proof_county.proof("liming", "proof-1", [page])
    report = verify_repository(proof_county.root)
    assert _proof_states(report, page) == {"proof-1": "valid", "proof-2": "missing", "proof-3": "missing"}
    assert not report.ok


def test_switch_off_in_root_site_config_and_on_the_command_line(county, proof_county):
    page = _reviewed_page(county)  # county: review.require_proofs: false in the first commit
    report = verify_repository(county.root)
    assert report.ok and not report.proofs and report.results[page].proofs == []
    page2 = _reviewed_page(proof_county)
    assert not verify_repository(proof_county.root).ok
    report = verify_repository(proof_county.root, proofs=False)
    assert report.ok and page2 in report.verified


def test_switch_cannot_be_turned_off_in_a_merge_request(proof_county):
    page = _reviewed_page(proof_county)
    (proof_county.root / "site_config" / "site.yml").write_text(
        "name: 巫山县人民政府\nreview:\n  require_proofs: false\n", encoding="utf-8")
    proof_county.commit_all("关掉三校", who="liming")
    report = verify_repository(proof_county.root)
    assert report.proofs and not report.ok
    assert failures_for(report, page, "proof-1")


def test_proof_by_person_without_the_role_is_refused(proof_county):
    page = _reviewed_page(proof_county)
    digests = proof_county.digests()
    proof_county.proof("liming", "proof-1", [page], digests=digests)
    proof_county.proof("sunli", "proof-2", [page], digests=digests)  # an editor, not a section head
    proof_county.proof("zhoufgw", "proof-3", [page], digests=digests)  # another unit's leader
    report = verify_repository(proof_county.root)
    assert not report.ok
    [two] = failures_for(report, page, "proof-2")
    assert "不是科室负责人" in two and "二校" in two and "第十七条" in two
    [three] = failures_for(report, page, "proof-3")
    assert "不在单位“dachang”的人员名单中" in three and "第十七条" in three
    assert _proof_states(report, page)["proof-2"] == "invalid"


def test_author_may_only_sign_the_first_proof(proof_county):
    page = proof_county.write_page()
    proof_county.commit_all("科长写的稿", who="zhangke")
    digests = proof_county.digests()
    proof_county.proof("zhangke", "proof-2", [page], digests=digests)
    reasons = failures_for(verify_repository(proof_county.root), page, "proof-2")
    assert any("是这一版内容的作者" in r for r in reasons)


def test_proof_signed_before_a_page_change_is_stale(proof_county):
    page = _reviewed_page(proof_county)
    proof_county.three_proofs([page])
    proof_county.write_page(body="大昌镇召开森林防火工作部署会，会议有新的安排。")
    proof_county.commit_all("改稿", who="liming")
    report = verify_repository(proof_county.root)
    assert _proof_states(report, page) == {"proof-1": "stale", "proof-2": "stale", "proof-3": "stale"}
    [reason] = failures_for(report, page, "proof-2")
    assert "另一版本内容" in reason and "第十七条" in reason


def test_forged_or_missing_render_digest(proof_county):
    page = _reviewed_page(proof_county)
    proof_county.proof("liming", "proof-1", [page], digests={page: "0" * 64})
    proof_county.proof("zhangke", "proof-2", [page], digests={page: "1" * 64})
    from govsite.review.policy import DEFAULT_CHECKLIST
    from govsite.review.trailers import format_message

    msg = format_message("proof-3", "dachang", [(page, proof_county.blob(page))], DEFAULT_CHECKLIST["proof-3"])
    proof_county.sign("zhaozhen", msg)  # no Review-Render trailer
    report = verify_repository(proof_county.root)
    states = _proof_states(report, page)
    assert states["proof-1"] == "stale" and states["proof-2"] == "stale" and states["proof-3"] == "invalid"
    [reason] = failures_for(report, page, "proof-1")
    assert "渲染摘要为 000000000000" in reason and "重新校对" in reason and "第十七条" in reason
    [reason] = failures_for(report, page, "proof-3")
    assert "没有 Review-Render" in reason


THEME = "site_config/theme/main.html"


def _with_own_theme(c) -> None:
    """Give the county its own template overrides (site_config/theme, committed on main): the layout as main.html."""
    (c.root / "site_config" / "theme").mkdir(parents=True)
    shutil.copy(REPO / "govsite" / "portal" / "theme" / "base.html", c.root / "site_config" / "theme" / "main.html")
    c.git("checkout", "-q", "main", who="wangoffice")
    c.commit_all("门户模板", who="liming")
    c.approve("wangoffice", "3", [THEME], unit="office")  # templates are approved like a roster change
    c.git("checkout", "-q", "mr", who="wangoffice")
    c.git("merge", "-q", "main", who="wangoffice")


def test_proof_signed_before_a_template_change_is_stale(proof_county):
    c = proof_county
    _with_own_theme(c)
    page = _reviewed_page(c)
    c.three_proofs([page])
    assert verify_repository(c.root).ok
    theme = c.root / "site_config" / "theme" / "main.html"
    # a change outside the article block (footer) does not touch what was proofread
    footer = '{% include "partials/gs-footer.html" %}'
    assert footer in theme.read_text(encoding="utf-8")
    theme.write_text(theme.read_text(encoding="utf-8").replace(footer, "<p>本网站由县政府办公室主办</p>" + footer),
                     encoding="utf-8")
    c.commit_all("改页脚", who="liming")
    c.approve("wangoffice", "3", [THEME], unit="office")
    assert verify_repository(c.root).ok
    # a change to the laid-out article (metadata block) does
    text = theme.read_text(encoding="utf-8")
    assert '<th scope="row">来源</th>' in text
    theme.write_text(text.replace('<th scope="row">来源</th>', '<th scope="row">信息来源</th>'), encoding="utf-8")
    c.commit_all("改稿件模板", who="liming")
    c.approve("wangoffice", "3", [THEME], unit="office")
    report = verify_repository(c.root)
    assert not report.ok and page not in report.verified
    assert [t.state for t in report.results[page].tiers] == ["valid", "valid", "valid"]  # 三审 still holds
    assert _proof_states(report, page) == {"proof-1": "stale", "proof-2": "stale", "proof-3": "stale"}
    [reason] = failures_for(report, page, "proof-3")
    assert "模板在校对之后有改动" in reason and "第十七条" in reason and "三校" in reason
    # proofreading the new layout again fixes it
    c.three_proofs([page])
    assert verify_repository(c.root).ok


def test_walkthrough_with_proofreads(proof_county, tmp_path):
    """The README steps: 三审 then 三校 with `govsite approve --tier proof-N`, status, verify."""
    c = proof_county
    page = c.write_page()
    c.commit_all("新增稿件：森林防火", who="liming")
    for who, tier in (("liming", "1"), ("zhangke", "2"), ("zhaozhen", "3")):
        assert govsite(c, "approve", "--tier", tier, "--all-changed", who=who, key=True).returncode == 0
    status = govsite(c, "review", "status")
    assert "三审：已通过" in status.stdout and "一校：缺少" in status.stdout and "三校：缺少" in status.stdout
    refused = govsite(c, "approve", "--tier", "proof-3", "--all-changed", who="zhangke", key=True)
    assert refused.returncode == 2 and "不是分管负责人" in refused.stderr and "三校" in refused.stderr
    for who, tier in (("liming", "proof-1"), ("zhangke", "proof-2"), ("zhaozhen", "proof-3")):
        done = govsite(c, "approve", "--tier", tier, "--all-changed", who=who, key=True)
        assert done.returncode == 0, done.stderr
    msg = c.git("log", "-1", "--format=%B")
    digest = c.digests()[page]
    assert f"Review-Render: {page} {digest}" in msg and f"Review-Blob: {page} {c.blob(page)}" in msg
    status = govsite(c, "review", "status", "--strict")
    assert status.returncode == 0, status.stdout
    assert "三校：已通过 zhaozhen" in status.stdout and "完成审核和三校 1 项" in status.stdout
    c.merge()
    report_file = tmp_path / "verify.json"
    verify = govsite(c, "verify", "--report", str(report_file))
    assert verify.returncode == 0, verify.stderr
    assert "三审三校" in verify.stdout
    data = json.loads(report_file.read_text(encoding="utf-8"))
    assert data["ok"] and data["proofs_required"] and data["approval_commits"] == 6
    # the preview build the proofreaders look at writes the same digest
    out = tmp_path / "site"
    built = govsite(c, "build", "--preview", "-o", str(out))
    assert built.returncode == 0, built.stderr
    manifest = json.loads((out / "render-digests.json").read_text(encoding="utf-8"))
    assert manifest == {"version": 1, "pages": {page: digest}}


def test_approve_proof_refuses_uncommitted_layout_changes(proof_county):
    c = proof_county
    _reviewed_page(c)
    (c.root / "content" / "dachang" / "gzdt" / "draft.md").write_text("---\ntitle: 草稿\n---\n", encoding="utf-8")
    r = govsite(c, "approve", "--tier", "proof-1", "--all-changed", who="liming", key=True)
    assert r.returncode == 2 and "未提交的修改" in r.stderr and "draft.md" in r.stderr
    r = govsite(c, "approve", "--tier", "proof-1", "units/dachang.yml", who="liming", key=True)
    assert r.returncode == 2 and "没有排版页面可校对" in r.stderr


def test_three_different_people_in_order(proof_county):
    c = proof_county
    page = _reviewed_page(c)
    digests = c.digests()
    c.proof("both", "proof-1", [page], digests=digests)  # editor and section head: one person, two proofs
    c.proof("both", "proof-2", [page], digests=digests)
    c.proof("zhaozhen", "proof-3", [page], digests=digests)
    report = verify_repository(c.root)
    assert not report.ok and set(_proof_states(report, page).values()) == {"invalid"}
    [reason] = failures_for(report, page, "proof-1-3")
    assert "三校须由三名不同人员分别签署" in reason and "both 同时签署了一校和二校" in reason and "第十七条" in reason
    c.proof("zhangke", "proof-2", [page], digests=digests)  # now a second proof-2, but after proof-3
    reasons = failures_for(verify_repository(c.root), page, "proof-1-3")
    assert reasons and "校对顺序不对" in reasons[0]
    c.proof("zhaozhen", "proof-3", [page], digests=digests)
    assert verify_repository(c.root).ok
