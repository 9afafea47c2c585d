"""A published build holds each page at its last approved version (issue 13, point 14): one unapproved change
does not take the page, or the portal, offline; a page never approved stays out; the build says which."""

from __future__ import annotations

import json

from .conftest import failures_for, verify_repository
from .test_cli import govsite

V1 = "大昌镇召开森林防火工作部署会。"
V2 = "大昌镇召开森林防火工作部署会，全镇干部参加。联系人张三，电话 13812345678。"  # unapproved, and a leak


def _openings(county):
    """The units' opening announcements (Art. 8 wants them to exist; nobody approved them, so they stay out)."""
    for unit in ("dachang", "fgw", "office"):
        county.write_page("kaitong.md", body="网站开通公告。", unit=unit)
        (county.root / "content" / unit / "tzgg").mkdir(exist_ok=True)
        (county.root / "content" / unit / "gzdt" / "kaitong.md").rename(county.root / "content" / unit / "tzgg" / "kaitong.md")


def _approved_then_changed(county, proofs: bool = False, later: str = "2026-11-28T10:00:00+08:00") -> str:
    _openings(county)
    page = county.write_page(body=V1)
    county.commit_all("稿件", who="liming")
    county.three_tiers([page])
    if proofs:
        county.three_proofs([page])
    county.merge()
    county.git("checkout", "-q", "-b", "edit", "main")
    county.write_page(body=V2)                      # changed without approvals
    county.write_page("xin.md", body="新稿件。")      # new, never approved
    county.commit_all("未经审核的修改", who="sunli", date=later)
    county.merge("edit", date=later)
    return page


def _article(site, name: str) -> str:
    return (site / "dachang" / "gzdt" / name / "index.html").read_text(encoding="utf-8")


def test_a_page_changed_without_approvals_stays_online_as_approved(county, tmp_path):
    page = _approved_then_changed(county, later="2026-11-29T10:00:00+08:00")
    report = verify_repository(county.root, hold=True)
    assert not report.ok and failures_for(report, page, "1")
    assert report.held == {page: county.blob(page, "main~1")}
    site = tmp_path / "site"
    built = govsite(county, "build", "--no-search", "-o", str(site))
    assert built.returncode == 0, built.stderr
    html = _article(site, "fanghuo")
    assert V1 in html and "全镇干部参加" not in html
    assert "发布日期：2026-11-28" in html and "更新日期" not in html  # the unapproved change is not shown: no 更新日期
    assert not (site / "dachang" / "gzdt" / "xin").exists()
    assert "以下 1 篇稿件的最新修改未通过审核，网站上继续显示它最后一次通过三审三校的版本" in built.stderr
    assert f"  {page}：一审" in built.stderr
    assert "未豁免的错误" not in built.stderr  # the version shown is checked, not the unapproved one
    assert "content/dachang/gzdt/xin.md" in built.stderr and "本次不发布" in built.stderr
    assert govsite(county, "verify").returncode == 1  # the gate itself still says what is missing


def test_the_held_version_is_the_proofread_layout(proof_county, tmp_path):
    page = _approved_then_changed(proof_county, proofs=True)
    proofread = next(line.split()[-1] for line in proof_county.git("log", "--format=%B", "main").splitlines()
                     if line.startswith("Review-Render:"))
    assert verify_repository(proof_county.root, hold=True).held == {page: proof_county.blob(page, "main~1")}
    site = tmp_path / "site"
    built = govsite(proof_county, "build", "--no-search", "-o", str(site))
    assert built.returncode == 0, built.stderr
    assert V1 in _article(site, "fanghuo")
    manifest = json.loads((site / "render-digests.json").read_text(encoding="utf-8"))
    assert manifest["pages"][page] == proofread  # what is published is what the proofreaders saw


def test_a_page_never_approved_stays_out_and_nothing_publishable_refuses(county, tmp_path):
    _openings(county)
    county.write_page(body=V1)
    county.commit_all("稿件", who="liming")
    county.merge()
    built = govsite(county, "build", "--no-search", "-o", str(tmp_path / "site"))
    assert built.returncode == 1
    assert "没有一篇稿件通过三审三校" in built.stderr and "已发布的网站未被改动" in built.stderr
    assert not (tmp_path / "site").exists()
