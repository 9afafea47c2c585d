"""Render digests (三校): the manifest every build writes and ``render_digests`` for the review gate."""

from __future__ import annotations

import json
from pathlib import Path

from govsite.portal.digests import render_digests
from govsite.portal.digests import MANIFEST, page_digest, read_manifest
from tests.govsite.portal.conftest import make_county
import pytest

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses


def _content_pages(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "content").rglob("*.md")}


def test_preview_writes_the_manifest_for_every_article(county: Path, preview_site: Path) -> None:
    data = json.loads((preview_site / MANIFEST).read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert set(data["pages"]) == _content_pages(county)
    assert all(len(d) == 64 and int(d, 16) >= 0 for d in data["pages"].values())


def test_render_digests_of_a_revision_and_of_the_working_tree(county: Path, preview_site: Path) -> None:
    manifest = read_manifest(preview_site)
    assert render_digests(county, "HEAD") == manifest  # exported tree, no git dates: 发布日期 is normalised
    assert render_digests(county) == manifest


def test_publication_renders_what_was_proofread(county: Path, preview_site: Path, tmp_path: Path) -> None:
    """The published page (no banners, publish dates from git, some pages held back) has the preview's digest."""
    from govsite.portal.build import build_site
    from govsite.portal.verdict import Verdict as GateResult

    preview = read_manifest(preview_site)
    half = set(sorted(preview)[::2])
    build_site(county, tmp_path / "site", preview=False, search=False, gate=GateResult(ok=True, verified=half),
               dashboard=False)
    published = read_manifest(tmp_path / "site")
    assert set(published) == half
    assert {p: preview[p] for p in half} == published


def test_an_edit_changes_only_that_page(tmp_path: Path) -> None:
    root = make_county(tmp_path / "county")
    before = render_digests(root, "HEAD")
    page = sorted(before)[0]
    f = root / page
    f.write_text(f.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    after = render_digests(root)  # working tree
    assert [p for p in before if before[p] != after[p]] == [page]
    assert render_digests(root, "HEAD") == before
    # a picture replaced under the same name changes the page that shows it
    [shown] = [p for p in before if "files/fanghuo-jianchazhan.png" in (root / p).read_text(encoding="utf-8")]
    (root / "content" / "dachang" / "gzdt" / "files" / "fanghuo-jianchazhan.png").write_bytes(b"\x89PNG other")
    again = render_digests(root)
    assert [p for p in before if again[p] != after[p]] == [shown]


def test_page_digest_normalisation() -> None:
    article = ('<div class="gs-article" data-pagefind-body><table class="gs-meta"><tr><th>发布日期</th>'
               '<td data-pagefind-meta="发布日期">{date}</td></tr>{row}</table><h1>标题</h1>'
               '<p class="gs-byline" data-pagefind-ignore>\n  <span>发布日期：{date}</span>{span}</p>'
               '<div class="gs-body"><div><p>{body}</p></div></div></div>')
    updated = ('<tr class="gs-updated"><th scope="row">更新日期</th><td colspan="3">2026-11-29</td></tr>',
               '<span class="gs-updated">更新日期：2026-11-29</span>')
    page = ('<html><nav>{nav}</nav><article class="md-content__inner md-typeset">{banner}'
            '{article}</article><footer>页脚</footer></html>')
    banner = '<div class="gs-unverified" role="alert"><strong>未审核</strong></div>'

    def digest(date="2026-11-28", body="正文", nav="导航", ban=banner, indent="", corrected=False):
        row, span = updated if corrected else ("", "")
        a = article.format(date=date, body=body, row=row, span=span).replace("<h1>", indent + "<h1>")
        return page_digest(page.format(nav=nav, banner=ban, article=a))

    base = digest()
    assert base == digest(date="待发布（预览）") == digest(nav="另一个导航") == digest(ban="") == digest(indent="\n    ")
    assert base == digest(corrected=True)  # the 更新日期 a correction shows once published
    assert base != digest(body="正文改了")
    assert page_digest("<html><p>没有文章</p></html>") is None
    pic = page.format(nav="", banner="", article=article.format(date="", body='<img alt="图" src="../a.png">', row="", span=""))
    assert page_digest(pic, lambda src: b"1") != page_digest(pic, lambda src: b"2")
    assert page_digest(pic, lambda src: None) == page_digest(pic)
