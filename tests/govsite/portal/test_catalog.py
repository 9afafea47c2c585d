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
