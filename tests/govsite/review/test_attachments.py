"""Attachments are bound (issue 13, point 8): every file a page links under content/ is part of what an
approval names, and only its approved version is published."""

from __future__ import annotations

from .conftest import failures_for, verify_repository
from .test_cli import govsite
from .test_held_back import _openings

BODY = "大昌镇召开森林防火工作部署会。\n\n[会议通知（PDF）](files/tongzhi.pdf)\n"
PDF = b"%PDF-1.4\n% approved notice\n"
FORGED = b"%PDF-1.4\n% replaced after review\n"
ATTACHMENT = "content/dachang/gzdt/files/tongzhi.pdf"


def _page_with_pdf(county, data: bytes = PDF) -> str:
    page = county.write_page(body=BODY)
    (county.root / ATTACHMENT).parent.mkdir(parents=True, exist_ok=True)
    (county.root / ATTACHMENT).write_bytes(data)
    county.commit_all("稿件和附件", who="liming")
    return page


def _three_tiers_by_command(county) -> None:
    for who, tier in (("liming", "1"), ("zhangke", "2"), ("zhaozhen", "3")):
        done = govsite(county, "approve", "--tier", tier, "--all-changed", who=who, key=True)
        assert done.returncode == 0, done.stderr


def test_an_approval_that_does_not_name_the_attachment_does_not_count(county):
    page = _page_with_pdf(county)
    county.three_tiers([page])  # the page only, as a hand-made approval would
    report = verify_repository(county.root, base="main")
    assert page not in report.verified
    [reason] = failures_for(report, page, "2")
    assert f"没有包含稿件链接的附件 {ATTACHMENT} 的这一版本" in reason and "第十七条" in reason


def test_approve_names_the_attachments_and_a_replaced_one_voids_the_approvals(county):
    page = _page_with_pdf(county)
    _three_tiers_by_command(county)
    msg = county.git("log", "-1", "--format=%B")
    assert f"Review-Blob: {ATTACHMENT} {county.blob(ATTACHMENT)}" in msg
    report = verify_repository(county.root, base="main")
    assert page in report.verified and report.results[page].attachments == {ATTACHMENT: county.blob(ATTACHMENT)}
    (county.root / ATTACHMENT).write_bytes(FORGED)
    county.commit_all("换附件", who="sunli")
    assert page not in verify_repository(county.root, base="main").verified


def test_a_replaced_attachment_is_published_as_approved(county, tmp_path):
    _openings(county)
    page = _page_with_pdf(county)
    _three_tiers_by_command(county)
    county.merge()
    county.git("checkout", "-q", "-b", "swap", "main")
    (county.root / ATTACHMENT).write_bytes(FORGED)
    county.commit_all("换附件", who="sunli")
    county.merge("swap")
    report = verify_repository(county.root, hold=True)
    assert report.held == {page: county.blob(page)}
    assert report.held_attachments == {ATTACHMENT: county.blob(ATTACHMENT, "main~1")}
    site = tmp_path / "site"
    built = govsite(county, "build", "--no-search", "-o", str(site))
    assert built.returncode == 0, built.stderr
    assert (site / "dachang" / "gzdt" / "files" / "tongzhi.pdf").read_bytes() == PDF
    assert (county.root / ATTACHMENT).read_bytes() == FORGED  # the working tree is left alone
    assert not list(tmp_path.glob(".govsite-held-*"))  # the scratch copy is gone
