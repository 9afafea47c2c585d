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
    page = ('<html><nav>{nav}</nav><article class="gs-content gs-typeset">{banner}'
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


def test_what_the_theme_takes_from_other_pages_is_not_proofread_with_this_one() -> None:
    """A document's 相关解读 and its replacing document's title come from other pages (data-gs-xref): publishing
    a 解读 must not undo the proofreading of the document. Its own validity (status, date) stays in the digest."""
    from govsite.portal.sanitize import clean

    def page(banner: str, related: str, body: str = "<p>正文</p>") -> str:
        return (f'<html><article class="gs-content gs-typeset"><div class="gs-article">{banner}<h1>标题</h1>'
                f'<div class="gs-body">{body}</div>{related}</div></article></html>')

    banner = ('<div class="gs-validity" role="note"><strong>已废止</strong>本文件已于{day}废止'
              '<span class="gs-xref" data-gs-xref>，已被<a href="{url}">《{title}》</a>替代</span>。</div>')
    related = ('<div class="gs-related" data-gs-xref data-pagefind-ignore><p>相关解读：</p><ul>{items}</ul></div>')
    one = page(banner.format(day="2026年10月22日", url="../a/", title="新文件"), "")
    assert page_digest(one) == page_digest(page(banner.format(day="2026年10月22日", url="../b/", title="改名的新文件"),
                                                related.format(items='<li><a href="../j/">解读</a></li>')))
    assert page_digest(one) != page_digest(page(banner.format(day="2026年10月23日", url="../a/", title="新文件"), ""))
    # an editor cannot mark a part of the body as taken from elsewhere: the sanitiser removes the attribute
    smuggled = clean('<span data-gs-xref>改过的正文</span>')
    assert "data-gs-xref" not in smuggled
    assert page_digest(page("", "", smuggled)) != page_digest(page("", "", clean('<span data-gs-xref>原来的正文</span>')))
