"""Golden files of the sample county's preview portal: home, a unit home, a column list, articles, search.

The portal is built once per session (``golden_site``). Builds are reproducible (SOURCE_DATE_EPOCH is the
commit time), so the pages are pinned byte for byte; nothing in them depends on the machine or on the temporary
path today, and ``normalise`` would turn such a path into ``<TMP0>``/``<TMP1>`` if one appeared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden.conftest import check_bytes, normalise

pytestmark = pytest.mark.slow

PAGES = {
    "portal_home": "index.html",
    "unit_home_dachang": "dachang/index.html",
    "column_list_dachang_gzdt": "dachang/gzdt/index.html",
    # dachang's articles carry neither 文号 nor 转载: one of them for the plain metadata block …
    "article_dachang_gzdt_senlin_fanghuo": "dachang/gzdt/2026-11-20-senlin-fanghuo/index.html",
    # … and the sample's articles that show a 文号 and a repost notice
    "article_office_zcwj_doc_number": "office/zcwj/2026-09-15-senlin-fanghuo-fangan/index.html",
    "article_office_yaowen_repost": "office/yaowen/2026-11-21-xinhua-cuili-dongguan/index.html",
    "search": "search/index.html",
}


def _page(site: Path, county: Path, rel: str) -> bytes:
    return normalise((site / rel).read_bytes(), county, site)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_portal_page_is_unchanged(name, golden_site, golden_county, file_regression):
    check_bytes(file_regression, _page(golden_site, golden_county, PAGES[name]), name, ".html")


def test_the_chosen_articles_show_the_metadata_they_stand_for(golden_site, golden_county):
    """Guard the choice of golden pages: each article shows what it was picked for."""
    plain = _page(golden_site, golden_county, PAGES["article_dachang_gzdt_senlin_fanghuo"]).decode()
    numbered = _page(golden_site, golden_county, PAGES["article_office_zcwj_doc_number"]).decode()
    repost = _page(golden_site, golden_county, PAGES["article_office_yaowen_repost"]).decode()
    for html in (plain, numbered, repost):
        assert "索引号" in html and "发布机构" in html and "未审核" in html
    assert "巫山府办发〔2026〕12号" in numbered
    assert "本文转载自新华社" in repost and "https://www.news.cn/local/20261121/" in repost
    assert "<TMP" not in plain + numbered + repost
