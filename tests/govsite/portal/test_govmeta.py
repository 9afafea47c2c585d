"""Government meta tags (政府网站网页标签) on every kind of page, and the two dates of a corrected page (发布日期 stays,
更新日期 appears) as the portal, its feeds and the audit see them."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest

from govsite.audit.freshness import audit_freshness
from govsite.audit.snapshot import take_snapshot
from govsite.git.dates import publish_dates, read_timeline
from govsite.portal import govmeta
from govsite.portal.digests import read_manifest, render_digests
from tests.govsite.portal.conftest import git, govsite, make_county

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses

SITE = [("SiteName", "巫山县人民政府"), ("SiteDomain", "www.cqws.gov.cn"), ("SiteIDCode", "5002370001")]
GZDT = [("ColumnName", "工作动态"), ("ColumnDescription", "巫山县大昌镇人民政府“工作动态”栏目"),
        ("ColumnKeywords", "工作动态,大昌镇"), ("ColumnType", "工作动态")]
ARTICLE = "dachang/gzdt/2026-11-20-senlin-fanghuo/"


class _Head(HTMLParser):
    """The ``<meta name=… content=…>`` tags of the head whose name starts with a capital (the norm's)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []
        self.in_head = True

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "body":
            self.in_head = False
        elif tag == "meta" and (a.get("name") or "")[:1].isupper():
            assert self.in_head, a
            self.tags.append((a["name"], a.get("content")))


def tags(site: Path, url: str) -> list[tuple[str, str]]:
    parser = _Head()
    parser.feed((site / url / "index.html").read_text(encoding="utf-8"))
    return parser.tags


def test_every_page_kind_carries_the_tags_of_the_norm(preview_site: Path) -> None:
    assert tags(preview_site, "") == SITE  # the portal home: the site's own page, site tags only
    assert tags(preview_site, "search/") == SITE
    assert tags(preview_site, "dachang/") == SITE + [  # a unit home: the unit as its own column
        ("ColumnName", "大昌镇"),
        ("ColumnDescription", "执行县委、县政府决定和镇人民代表大会决议，管理本镇经济发展、农业农村、社会事务、应急管理和平安建设等行政工作。"),
        ("ColumnKeywords", "巫山县大昌镇人民政府,大昌镇,乡镇（街道）"), ("ColumnType", "乡镇（街道）")]
    assert tags(preview_site, "dachang/gzdt/") == SITE + GZDT
    assert tags(preview_site, "office/yaowen/")[3:] == [  # a column whose title is not its category's name
        ("ColumnName", "要闻"), ("ColumnDescription", "巫山县人民政府办公室“要闻”栏目（工作动态）"),
        ("ColumnKeywords", "要闻,工作动态,县政府办"), ("ColumnType", "工作动态")]
    assert tags(preview_site, ARTICLE) == SITE + GZDT + [
        ("ArticleTitle", "大昌镇召开2026年秋冬季森林防火工作部署会"),
        ("PubDate", "2026-11-27 10:00"),  # the commit that published it, China time
        ("ContentSource", "巫山县大昌镇人民政府"),
        ("Keywords", "应急管理,工作动态"),  # 主题分类 and the column
        ("Author", "巫山县大昌镇人民政府"),  # the publishing unit, never a person
        ("Description", "2026年11月20日，大昌镇召开2026年秋冬季森林防火工作部署会，传达学习全县森林防火工作会议精神，"
                        "安排部署全镇今冬明春森林防火工作。镇长吕国栋出席会议并讲话，副镇长冯天宇主持会议，镇班子成员、"
                        "各村（社区）党组织书记和护林员代表参加会议…"),
        ("Image", "https://www.cqws.gov.cn/dachang/gzdt/files/fanghuo-jianchazhan.png"),
        ("Url", "https://www.cqws.gov.cn/dachang/gzdt/2026-11-20-senlin-fanghuo/")]
    repost = dict(tags(preview_site, "office/yaowen/2026-11-21-xinhua-cuili-dongguan/"))
    assert (repost["ContentSource"], repost["Author"], "Image" in repost) == ("新华社", "巫山县人民政府办公室", False)


def test_every_built_page_has_the_site_tags_and_every_article_a_date(preview_site: Path) -> None:
    missing, undated = [], []
    for page in sorted(preview_site.rglob("*.html")):
        rel = page.relative_to(preview_site).as_posix()
        if rel.startswith(("internal/", "pagefind/")):
            continue  # the office's scorecard (not indexed) and the search library's files
        parser = _Head()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.tags[:3] != SITE:
            missing.append(rel)
        if "ArticleTitle" in dict(parser.tags) and "PubDate" not in dict(parser.tags):
            undated.append(rel)
    assert missing == [] and undated == []


def test_the_description_is_plain_text_and_the_image_absolute() -> None:
    body = ('<h2 id="a">一、<em>总体</em>要求</h2>\n<p>甲&amp;乙 &lt;丙&gt;</p><table><tr><td>表格</td></tr></table>'
            + "<p>" + "字" * 200 + '</p><p><img alt="图" src="../files/a%20b.png?x=1&amp;y=2"></p>')
    assert govmeta.excerpt(body) == "一、总体要求 甲&乙 <丙> 表格 " + "字" * (120 - 18) + "…"
    assert govmeta.excerpt("<p>短</p>") == "短"
    assert govmeta.first_image(body, "https://www.x.gov.cn/u/c/p/") == "https://www.x.gov.cn/u/c/files/a%20b.png?x=1&y=2"
    assert govmeta.first_image('<img src="https://cdn.x.gov.cn/1.jpg"><img src="2.jpg">', "https://a/") \
        == "https://cdn.x.gov.cn/1.jpg"
    assert govmeta.first_image("<p>无图</p>", "https://a/") == ""
    assert govmeta.pub_date(dt.datetime(2026, 11, 27, 18, 5, tzinfo=dt.UTC)) == "2026-11-28 02:05"


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample county (committed 2026-11-27) with one article corrected the next day."""
    root = make_county(tmp_path_factory.mktemp("corrected") / "county")
    page = root / "content" / "dachang" / "gzdt" / "2026-11-20-senlin-fanghuo.md"
    page.write_text(page.read_text(encoding="utf-8").replace("部署会", "部署会议", 1), encoding="utf-8")
    git(root, "commit", "-q", "-am", "更正", date="2026-11-28T09:30:00+08:00")
    out = root.parent / "site"
    proc = govsite(root, "build", "--preview", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return root, out


def test_a_correction_keeps_the_publish_date_and_shows_the_update_date(corrected: tuple[Path, Path]) -> None:
    root, site = corrected
    html = (site / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert '<th scope="row">发布日期</th><td data-pagefind-meta="发布日期">2026-11-27</td>' in html
    assert '<tr class="gs-updated"><th scope="row">更新日期</th><td colspan="3">2026-11-28</td></tr>' in html
    assert '<span>发布日期：2026-11-27</span><span class="gs-updated">更新日期：2026-11-28</span>' in html
    assert dict(tags(site, ARTICLE))["PubDate"] == "2026-11-27 10:00"
    other = (site / "dachang/gzdt/2026-11-25-yongdian-anquan/index.html").read_text(encoding="utf-8")
    assert "更新日期" not in other and "gs-updated" not in other
    # lists keep ordering by 发布日期: the corrected page does not move up (both published on the 27th, newer
    # 成文日期 first)
    listing = (site / "dachang/gzdt/index.html").read_text(encoding="utf-8")
    assert listing.index("2026-11-25-yongdian-anquan/") < listing.index("2026-11-20-senlin-fanghuo/")
    assert "2026-11-28" not in listing
    rss = (site / "dachang" / "rss.xml").read_text(encoding="utf-8")
    item = rss[rss.index("2026-11-20-senlin-fanghuo/"):]
    assert item[:item.index("</item>")].count("<pubDate>Fri, 27 Nov 2026 10:00:00 +0800</pubDate>") == 1
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>https://www.cqws.gov.cn/{ARTICLE}</loc><lastmod>2026-11-28</lastmod>" in sitemap
    # 三校: what was proofread (a preview of the exported tree, no dates from git) is what the page shows
    path = "content/" + ARTICLE.rstrip("/") + ".md"
    assert read_manifest(site)[path] == render_digests(root, "HEAD")[path]


def test_the_audit_sees_the_same_dates_as_the_portal(corrected: tuple[Path, Path]) -> None:
    root, _site = corrected
    path = "content/" + ARTICLE.rstrip("/") + ".md"
    portal = publish_dates(root)[path]
    assert (str(portal.published), str(portal.updated)) == ("2026-11-27 10:00:00+08:00", "2026-11-28 09:30:00+08:00")
    assert read_timeline(root).dates()[path] == portal  # the one rule the audit's timeline applies
    snap = take_snapshot(root, dt.date(2026, 11, 28))
    page = snap.pages[path]
    assert (page.first_published, page.updated) == (dt.date(2026, 11, 27), dt.date(2026, 11, 28))
    states, _findings = audit_freshness(snap)
    gzdt = next(s for s in states if (s.unit, s.column) == ("dachang", "gzdt"))
    assert gzdt.last_published == dt.date(2026, 11, 27)  # a correction is no new information
    before = take_snapshot(root, dt.date(2026, 11, 27)).pages[path]
    assert (before.first_published, before.updated) == (dt.date(2026, 11, 27), dt.date(2026, 11, 27))
