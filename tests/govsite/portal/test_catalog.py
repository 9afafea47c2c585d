"""Relative links between site URLs (used several times per page): the fast path agrees with posixpath."""

from __future__ import annotations

import itertools
import posixpath

from govsite.portal.catalog import rel_url


def _reference(frm: str, to: str) -> str:
    base = frm if (frm == "" or frm.endswith("/")) else posixpath.dirname(frm) + "/"
    target, _, anchor = to.partition("#")
    out = posixpath.relpath(target or ".", base.rstrip("/") or ".")
    if (target.endswith("/") or target == "") and not out.endswith("/"):
        out += "/"
    return out + (f"#{anchor}" if anchor else "")


def test_rel_url_agrees_with_posixpath() -> None:
    urls = ["", "404.html", "search/", "dachang/", "dachang/gzdt/", "dachang/gzdt/page/2/", "dachang/gzdt/2025/x/",
            "dachang/gzdt/x/", "office/tzgg/files/a.csv", "rss.xml", "dachang/rss.xml", "pagefind/s1/", "dachang/#gs-ct",
            "dachang/gzdt/../tzgg/", "./dachang/"]
    for frm, to in itertools.product([u for u in urls if "#" not in u], urls):
        assert rel_url(frm, to) == _reference(frm, to), (frm, to)
    assert rel_url("dachang/gzdt/x/", "") == "../../../"
    assert rel_url("", "") == "./"


def test_documents_and_their_interpretations_are_linked_among_the_published_pages() -> None:
    import datetime as dt

    from govsite.portal.catalog import Article, Catalog

    def art(name: str, column: str, day: int, **kw) -> Article:
        return Article(path=f"content/office/{column}/{name}.md", src_uri=f"office/{column}/{name}.md",
                       url=f"office/{column}/{name}/", unit_id="office", column_id=column, title=name,
                       formed=dt.date(2026, 3, day), **kw)

    old = art("old", "zcwj", 1, doc_number="巫山府发〔2026〕1号", validity="已废止", validity_by="巫山府发[2026]2号")
    new = art("new", "zcwj", 2, doc_number="巫山府发〔2026〕2号", validity="有效")
    newer_copy = art("copy", "tzgg", 3, doc_number="巫山府发〔2026〕2号")  # the same 文号 twice: the newest page
    jd = art("jd", "zcjd", 4, interprets="../zcwj/new.md")
    jd2 = art("jd2", "zcjd", 5, interprets="巫山府发〔2026〕1号")
    lost = art("lost", "zcjd", 6, interprets="../zcwj/held-back.md")  # not in this build: no link
    selfish = art("selfish", "zcwj", 7, doc_number="巫山府发〔2026〕7号", validity="已修改", validity_by="selfish.md")
    cat = Catalog()
    for a in (old, new, newer_copy, jd, jd2, lost, selfish):
        cat.add(a)
    cat.finish()
    assert old.replaced_by is newer_copy and selfish.replaced_by is None
    assert jd.interprets_doc is new and jd2.interprets_doc is old and lost.interprets_doc is None
    assert new.interpretations == [jd] and old.interpretations == [jd2]
    cat.finish()  # finishing again gives the same links, not twice as many
    assert new.interpretations == [jd]
