"""Attachments follow the gate; articles in sub-folders of a column are listed in that column."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsite.portal.build import build_site
from govsite.portal.verdict import Verdict as GateResult
from tests.govsite.portal.conftest import git, make_county

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses

PAGE = "---\ntitle: {title}\nformed: 2026-11-26\n---\n{body}\n"
APPROVED = "content/office/yaowen/2026-11-26-fujian.md"
BLOCKED = "content/office/yaowen/2026-11-26-weishen.md"
NESTED = "content/dachang/gzdt/2025/2025-05-01-qiantao.md"
FANGHUO = "content/dachang/gzdt/2026-11-20-senlin-fanghuo.md"  # shows files/fanghuo-jianchazhan.png


@pytest.fixture(scope="module")
def county_with_attachments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_county(tmp_path_factory.mktemp("attach") / "county")
    files = root / "content" / "office" / "yaowen" / "files"
    files.mkdir()
    for name in ("approved.pdf", "附件 一.xlsx", "blocked.docx", "orphan.png", "ref.pdf"):
        (files / name).write_bytes(b"%PDF-1.4 " + name.encode())
    (root / APPROVED).write_text(PAGE.format(title="附件稿件", body=(
        "请下载[申报表](files/approved.pdf \"申报表\")和[附件一](<files/附件 一.xlsx>)，见[参考][r]。\n\n"
        "[r]: files/ref.pdf\n")), encoding="utf-8")
    (root / BLOCKED).write_text(PAGE.format(title="未审稿件", body="[未审附件](files/blocked.docx)"), encoding="utf-8")
    nested = root / NESTED
    nested.parent.mkdir()
    nested.write_text(PAGE.format(title="嵌套目录中的稿件", body="见![检查站](../files/fanghuo-jianchazhan.png)。"),
                      encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "附件")
    return root


@pytest.fixture(scope="module")
def gated_site(county_with_attachments: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gated") / "site"
    build_site(county_with_attachments, out, preview=False, search=False, dashboard=False,
               gate=GateResult(ok=True, verified={APPROVED, NESTED}))
    return out


def test_gated_build_publishes_only_attachments_of_published_pages(gated_site: Path) -> None:
    files = gated_site / "office" / "yaowen" / "files"
    assert (files / "approved.pdf").is_file()
    assert (files / "附件 一.xlsx").is_file()
    assert (files / "ref.pdf").is_file()  # reference-style link
    assert not (files / "blocked.docx").exists()  # only an unapproved page links to it
    assert not (files / "orphan.png").exists()  # nothing links to it
    assert not (gated_site / "office" / "tzgg" / "files").exists()  # its page is not approved
    # an approved page in a sub-folder shows the column's picture: published
    assert (gated_site / "dachang" / "gzdt" / "files" / "fanghuo-jianchazhan.png").is_file()
    assert not (gated_site / "office" / "yaowen" / "2026-11-26-weishen").exists()


def test_preview_keeps_every_attachment(county_with_attachments: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(county_with_attachments, out, preview=True, search=False, dashboard=False, gate=GateResult(ok=False))
    for name in ("approved.pdf", "附件 一.xlsx", "blocked.docx", "orphan.png", "ref.pdf"):
        assert (out / "office" / "yaowen" / "files" / name).is_file(), name
    assert (out / "office" / "tzgg" / "files" / "2026-q4-zicha-qingdan.csv").is_file()


def test_nested_article_is_listed_under_its_column(gated_site: Path) -> None:
    url = "dachang/gzdt/2025/2025-05-01-qiantao/"
    assert (gated_site / url / "index.html").is_file()
    for page, href in (("dachang/gzdt/", "2025/2025-05-01-qiantao/"), ("dachang/", "gzdt/2025/2025-05-01-qiantao/"),
                       ("", url)):
        text = (gated_site / page / "index.html").read_text(encoding="utf-8")
        assert f'<a href="{href}">嵌套目录中的稿件</a>' in text, page
    article = (gated_site / url / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../">工作动态</a>' in article and '<a href="../../../">' in article  # breadcrumbs
    assert 'src="../../files/fanghuo-jianchazhan.png"' in article
