"""The sample county built with `govsite build`: pages, lists, metadata, footer, gate, banners, feeds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from govsite.core.units import load_units
from govsite.core.pages import parse_page
from govsite.portal.catalog import PAGE_SIZE, rel_url
from tests.govsite.portal.conftest import REPO, git, govsite, make_county

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses


def html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def articles(root: Path) -> list[tuple[str, dict]]:
    """(site URL, front matter) of every article in the county."""
    out = []
    for p in sorted((root / "content").rglob("*.md")):
        rel = p.relative_to(root / "content").as_posix()
        out.append((rel[:-3] + "/", parse_page("content/x/y/z.md", p.read_text(encoding="utf-8"), None)[0].front))
    return out


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))


def test_every_article_unit_and_column_page_is_built(county: Path, preview_site: Path) -> None:
    units = load_units(county).units
    assert (preview_site / "index.html").is_file()
    for url, _ in articles(county):
        assert (preview_site / url / "index.html").is_file(), url
    for uid, unit in units.items():
        assert (preview_site / uid / "index.html").is_file()
        for cid in unit.columns:
            assert (preview_site / uid / cid / "index.html").is_file(), f"{uid}/{cid}"
    assert '<html lang="zh-CN"' in html(preview_site, "")


def test_article_metadata_block(county: Path, preview_site: Path) -> None:
    checked_doc_number = False
    for url, front in articles(county):
        page = html(preview_site, url)
        unit = load_units(county).units[url.split("/")[0]]
        meta = page[page.index('<table class="gs-meta"'):page.index("</table>")]
        cells = dict(re.findall(r'<th scope="row">(.*?)</th><td[^>]*>(.*?)</td>', meta))
        assert set(cells) - {"效力状态"} == {"索引号", "主题分类", "发布机构", "成文日期", "文号", "发布日期", "来源"}
        assert ("效力状态" in cells) == ("validity" in front)  # policy documents only
        assert re.fullmatch(r"500237-[A-Z]+/\d{4}-\d{5}", cells["索引号"]), cells["索引号"]
        assert cells["发布机构"] == unit.name
        assert cells["成文日期"] == str(front["formed"])
        assert cells["发布日期"] == "2026-11-27"  # the commit that brought the page to main
        assert cells["来源"] == (front.get("source") or unit.name)
        if front.get("doc_number"):
            assert cells["文号"] == front["doc_number"]
            checked_doc_number = True
        assert f"<h1>{front['title']}</h1>" in page
    assert checked_doc_number


def test_policy_documents_show_their_validity_and_link_to_their_interpretations(county: Path,
                                                                                preview_site: Path) -> None:
    """The sample's repealed 规范性文件 (巫山府办发〔2026〕5号, replaced by 15号), its replacement and their 解读."""
    repealed = html(preview_site, "office/zcwj/2026-03-16-minqi-fazhan/")
    banner = re.search(r'<div class="gs-validity gs-validity--repealed" role="note">(.*?)</div>', repealed).group(1)
    assert "".join(text_of(banner).split()) == ("已废止本文件已于2026年10月22日废止，已被《巫山县人民政府办公室巫山县发展和改革委员会"
                                                "关于印发巫山县促进民间投资健康发展若干措施的通知》替代。")
    assert '<a href="../2026-10-22-minjian-touzi/">' in banner
    assert '<th scope="row">效力状态</th><td colspan="3" class="gs-validity-cell">已废止（2026年10月22日）</td>' in repealed
    current = html(preview_site, "office/zcwj/2026-10-22-minjian-touzi/")
    assert 'class="gs-validity ' not in current  # nothing loud for 有效 …
    assert 'class="gs-validity-cell">有效</td>' in current  # … but the metadata says so
    related = re.search(r'<div class="gs-related"[^>]*>(.*?)</div>', current).group(1)
    assert "".join(text_of(related).split()) == "相关解读：《巫山县促进民间投资健康发展若干措施》政策解读"
    assert '<a href="../../zcjd/2026-10-24-minjian-touzi-jiedu/">' in related
    # the 解读 names its document by path, the other by 文号: both link back
    for jd, doc, number in (("2026-10-24-minjian-touzi-jiedu", "2026-10-22-minjian-touzi", "巫山府办发〔2026〕15号"),
                            ("2026-11-13-jinfang-yanhua-jiedu", "2026-11-12-jinfang-yanhua", "巫山府发〔2026〕9号")):
        page = html(preview_site, f"office/zcjd/{jd}/")
        link = re.search(r'<p class="gs-related__doc">解读文件：<a href="([^"]+)">(《[^<]+》)</a>（([^）]+)）</p>', page)
        assert link and link.group(1) == f"../../zcwj/{doc}/" and link.group(3) == number
        assert f'href="../../zcjd/{jd}/"' in html(preview_site, f"office/zcwj/{doc}/")
    in_force = html(preview_site, "office/zcwj/2026-11-12-jinfang-yanhua/")
    assert 'class="gs-validity-cell">有效（自2027年1月1日起施行）</td>' in in_force
    # lists: a tag next to the title of a document no longer in force, none for the others
    for url in ("office/zcwj/", "office/"):
        rows = re.findall(r"<li>(.*?)</li>", html(preview_site, url))
        tagged = [r for r in rows if "gs-tag" in r]
        assert len(tagged) == 1 and "支持民营经济发展的若干意见</a><span class=\"gs-tag gs-tag--repealed\">【已废止】</span>" \
            in tagged[0], url


def test_index_number_is_stable_across_builds(county: Path, preview_site: Path, tmp_path: Path) -> None:
    url = articles(county)[0][0]
    first = re.search(r"索引号</th><td>(.*?)</td>", html(preview_site, url)).group(1)
    other = make_county(tmp_path / "c")
    (other / "content" / "office" / "yaowen" / "2026-11-26-zengjia.md").write_text(
        "---\ntitle: 新增稿件\nformed: 2026-11-26\n---\n县政府召开会议。\n", encoding="utf-8")
    proc = govsite(other, "build", "--preview", "--no-search", "-o", str(tmp_path / "s"))
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"索引号</th><td>(.*?)</td>", html(tmp_path / "s", url)).group(1) == first


def test_repost_shows_source_and_link(county: Path, preview_site: Path) -> None:
    reposts = [(u, f) for u, f in articles(county) if isinstance(f.get("repost"), dict)]
    assert reposts, "sample county has a reposted page"
    for url, front in reposts:
        page = html(preview_site, url)
        assert f"转载：本文转载自{front['repost']['from']}" in page
        assert f'href="{front["repost"]["url"]}"' in page


def test_footer_and_header_from_site_config(county: Path, preview_site: Path) -> None:
    import yaml

    site = yaml.safe_load((county / "site_config" / "site.yml").read_text(encoding="utf-8"))
    for url in ("", "office/", articles(county)[0][0]):
        page = html(preview_site, url)
        footer = page[page.index('<footer class="gs-footer">'):]
        for key in ("sponsor", "operator", "site_code", "icp", "police_record"):
            assert str(site[key]) in footer, key
        assert f"主办单位：{site['sponsor']}" in footer and f"承办单位：{site['operator']}" in footer
        # a preview shows where the national embeds go and loads none of them
        assert '<span class="gs-embed gs-embed--slot"' in footer and "党政机关网站标识" in footer
        assert "我为政府网站找错" in footer and "conac.cn" not in page and "zfwzgl" not in page
        assert 'href="https://beian.miit.gov.cn/"' in footer
        assert 'href="https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=50023702000001"' in footer
        assert "网站地图</a>" in footer and "sitemap.xml\">网站地图" not in footer
        assert "<title>" in page and site["name"] in page
    for url in ("", "search/", articles(county)[0][0]):  # nothing loaded from a CDN or any other host
        page = html(preview_site, url)
        assert not re.search(r'<(script|img|iframe)[^>]+src="(https?:)?//', page)
        assert not re.search(r'<link[^>]+rel="stylesheet"[^>]+href="(https?:)?//', page)


def test_portal_home_latest_directory_announcements(county: Path, preview_site: Path) -> None:
    units = load_units(county).units
    page = html(preview_site, "")
    assert "最新信息" in page and "单位导航" in page and "网页开通与关停公告" in page
    for uid, unit in units.items():
        assert f'href="{uid}/">{unit.name}</a>' in page
        if unit.opened:
            assert f"{unit.name}网页开通公告（{unit.opened.approval}" in page
    latest = page[page.index('id="gs-latest"'):page.index("</section>", page.index('id="gs-latest"'))]
    assert len(re.findall(r"<li>", latest)) == 12
    # 最新信息 is news, notices and policy, not a unit's standing pages (机构职能, budgets, annual reports)
    standing = {f'href="{u}/{c}/' for u, unit in units.items() for c, col in unit.columns.items()
                if col.category in ("organization", "budget", "annual_report")}
    assert not [h for h in standing if h in latest], latest


def _block(page: str, hid: str) -> str:
    start = page.index(f'id="{hid}"')
    return page[start:page.index("</section>", start)]


def test_portal_home_has_the_blocks_of_a_government_home_page(county: Path, preview_site: Path) -> None:
    """网页设计规范: 要闻动态, 通知公告, 政策文件, 政策解读, 图片新闻, 办事服务, 政府信息公开, 互动交流 on the home page,
    each holding the columns of its kind."""
    units = load_units(county).units
    page = html(preview_site, "")
    kinds = {f"{u}/{c}/": col.category for u, unit in units.items() for c, col in unit.columns.items()}

    def linked(block: str) -> set[str]:
        return {kinds.get("/".join(h.split("/")[:2]) + "/", "?") for h in re.findall(r'<li>.*?href="([^"]+)"', block)}

    assert linked(_block(page, "gs-news")) == {"news"}
    assert linked(_block(page, "gs-policy")) == {"policy"}
    assert linked(_block(page, "gs-jiedu")) == {"interpretation"}
    photos = _block(page, "gs-photo")
    assert '<ul class="gs-photos">' in photos and re.search(r'<img src="dachang/gzdt/files/[^"]+" alt="[^"]+"', photos)
    assert "依申请公开" in _block(page, "gs-bs") and "互动交流" in _block(page, "gs-hd")
    for anchor in ("gs-zn", "gs-zd", "gs-fd", "gs-nb", "gs-ysq"):
        assert f'href="xxgk/#{anchor}"' in _block(page, "gs-xxgk")


def test_the_disclosure_section_for_the_county_and_each_unit(county: Path, preview_site: Path) -> None:
    """政府信息公开 (《政府信息公开条例》第十二条、第二十条、第二十七条、第五十条): 指南, 制度, 法定主动公开内容 by
    category, 年报 and 依申请公开, for the county and for each unit, linking the columns of each kind."""
    units = load_units(county).units
    page = html(preview_site, "xxgk/")
    assert "<h1>政府信息公开</h1>" in page
    for title in ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开"):
        assert f">{title}</h2>" in page, title
    reports = _block(page, "gs-nb")
    for uid, unit in units.items():
        assert f'href="../{uid}/xxgk/">{unit.name}</a>' in page
        for cid, col in unit.columns.items():
            if col.category == "annual_report":
                assert f'href="../{uid}/{cid}/">{unit.display_name} · {col.title}</a>' in reports
    dachang = html(preview_site, "dachang/xxgk/")
    assert f"<h1>{units['dachang'].name}政府信息公开</h1>" in dachang
    assert units["dachang"].contact.address in _block(dachang, "gs-ysq")
    assert 'href="../gzdt/">工作动态</a>' in _block(dachang, "gs-fd")
    assert "尚未发布（《条例》第十二条" in _block(dachang, "gs-zn")  # the sample units have no 指南 yet


def test_unit_home_contact_opening_interaction(county: Path, preview_site: Path) -> None:
    import yaml

    site = yaml.safe_load((county / "site_config" / "site.yml").read_text(encoding="utf-8"))
    for uid, unit in load_units(county).units.items():
        page = html(preview_site, f"{uid}/")
        contact = text_of(page[page.index('id="gs-ct"'):page.index("</dl>", page.index('id="gs-ct"'))])
        for value in (unit.contact.address, unit.contact.hours, unit.contact.phone, unit.contact.head):
            assert value in contact, (uid, value)
        assert f'href="{site["interaction_url"]}"' in page  # Art. 25
        assert unit.opened.approval in page
        ann = unit.opened.announcement[:-3] + "/"
        assert (preview_site / ann / "index.html").is_file(), ann
        assert f'href="{rel_url(uid + "/", ann)}">查看开通公告</a>' in page
        for col in unit.columns.values():
            assert f">{col.title}</a></h2>" in page


def test_navigation_holds_only_portal_units_and_columns(county: Path, preview_site: Path) -> None:
    units = load_units(county).units
    allowed = {"/", "/xxgk/"} | {f"/{u}/" for u in units} | {f"/{u}/{c}/" for u in units for c in units[u].columns}
    for url in ("office/", articles(county)[0][0]):
        page = html(preview_site, url)
        nav = page[page.index('<nav class="gs-nav"'):page.index('<main class="gs-main"')]
        tabs = page[page.index('<nav class="gs-tabs"'):page.index('<nav class="gs-nav"')]
        links = {urlsplit(urljoin("/" + url, h)).path for h in re.findall(r'href="([^"]+)"', nav + tabs)}
        assert links and links <= allowed, links - allowed
        assert {f"/{u}/" for u in units} <= links


def test_preview_banner_and_unverified_marks(county: Path, preview_site: Path) -> None:
    for url, _ in articles(county):
        page = html(preview_site, url)
        assert '<div class="gs-unverified" role="alert">' in page and "<strong>未审核</strong>" in page
    assert "预览版本" in html(preview_site, "")
    assert '<meta name="robots" content="noindex,nofollow">' in html(preview_site, "")


def test_build_refuses_without_verification(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "published"
    out.mkdir()
    (out / "index.html").write_text("旧网站", encoding="utf-8")
    (out / "render-digests.json").write_text("{}", encoding="utf-8")  # an earlier build's mark
    proc = govsite(county, "build", "-o", str(out))
    assert proc.returncode == 1
    assert "发布核验未通过，拒绝发布" in proc.stderr
    for url, _ in articles(county):
        assert f"content/{url[:-1]}.md：" in proc.stderr
    assert "govsite build --preview" in proc.stderr
    assert (out / "index.html").read_text(encoding="utf-8") == "旧网站"  # old site untouched
    assert not list(tmp_path.glob(".published-*"))


def test_only_verified_pages_are_published(county: Path, tmp_path: Path) -> None:
    """The gate's verdict (as govsite verify reports it) decides what goes out."""
    from govsite.portal.build import build_site
    from govsite.portal.verdict import Verdict as GateResult

    urls = [u for u, _ in articles(county)]
    keep = {f"content/{urls[0][:-1]}.md", f"content/{urls[1][:-1]}.md"}
    gate = GateResult(ok=True, verified=keep)
    result = build_site(county, tmp_path / "site", preview=False, search=False, gate=gate)
    assert result.articles == 2
    built = {p.parent.relative_to(tmp_path / "site").as_posix() + "/" for p in (tmp_path / "site").rglob("index.html")}
    assert urls[0] in built and urls[1] in built
    assert not (set(urls[2:]) & built)
    assert "未审核" not in html(tmp_path / "site", urls[0])
    assert "预览版本" not in html(tmp_path / "site", "")


def test_a_published_build_carries_the_national_embeds_and_warns_of_a_missing_one(tmp_path: Path, caplog) -> None:
    """国办发〔2017〕47号: the footer of a published site carries the 党政机关网站标识 and 我为政府网站找错 as issued
    (the only outside scripts a built site loads); a published build without them says so."""
    from govsite.portal.build import build_site
    from govsite.portal.embeds import SCRIPT_HOSTS
    from govsite.portal.verdict import Verdict as GateResult

    root = make_county(tmp_path / "c")
    conac = "https://dcs.conac.cn/js/33/000/0000/60429971/CA330000000604299710002.js"
    site_yml = root / "site_config" / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + f"embeds:\n  conac: {conac}\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "标识")
    [first, *_] = [u for u, _ in articles(root)]
    gate = GateResult(ok=True, verified={f"content/{first[:-1]}.md"})
    caplog.set_level("WARNING")
    build_site(root, tmp_path / "site", preview=False, search=False, gate=gate)
    assert "缺少国家统一嵌入代码" not in caplog.text
    for url in ("", first, "sitemap/"):
        page = html(tmp_path / "site", url)
        assert f'<span id="_ideConac" class="gs-embed"><script src="{conac}"></script></span>' in page
        assert '<script id="_jiucuo_" sitecode="5002370001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js">' in page
        hosts = set(re.findall(r'<script[^>]+src="https://([^/"]+)/', page))
        assert hosts == set(SCRIPT_HOSTS), hosts  # nothing else from outside
    # without the badge's code, and with a broken one, the build says what is missing
    site_yml.write_text(site_yml.read_text(encoding="utf-8").replace(conac, "https://evil.example/x.js"), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "改坏")
    caplog.clear()
    build_site(root, tmp_path / "site2", preview=False, search=False, gate=gate)
    assert "embeds.conac（党政机关网站标识）应是" in caplog.text and "evil.example" not in html(tmp_path / "site2", "")
    assert "缺少国家统一嵌入代码：党政机关网站标识（embeds.conac）" in caplog.text


def test_the_site_map_page_lists_every_unit_and_column(county: Path, preview_site: Path) -> None:
    units = load_units(county).units
    page = html(preview_site, "sitemap/")
    assert "<h1>网站地图</h1>" in page
    for u in units.values():
        if u.kind == "portal":
            continue
        for c in u.columns.values():
            assert f'href="../{u.id}/{c.id}/">{c.title}</a>' in page, (u.id, c.id)


def test_reproducible_byte_identical(county: Path, preview_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    proc = govsite(county, "build", "--preview", "-o", str(again))
    assert proc.returncode == 0, proc.stderr
    a = {p.relative_to(preview_site).as_posix(): p.read_bytes() for p in preview_site.rglob("*") if p.is_file()}
    b = {p.relative_to(again).as_posix(): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []
    # the internal output too, but the office's scorecard is an audit as of today (China time)
    inside, outside = preview_site.parent / "site-internal", tmp_path / "again-internal"
    a = {p.relative_to(inside).as_posix(): p.read_bytes() for p in inside.rglob("*") if p.is_file()}
    b = {p.relative_to(outside).as_posix(): p.read_bytes() for p in outside.rglob("*") if p.is_file()}
    assert sorted(a) == sorted(b) == ["DO-NOT-PUBLISH.txt", "index.html", "robots.txt"]
    day = re.compile(r"审计日 (\d{4}-\d{2}-\d{2})".encode())
    if day.search(a["index.html"]).group(1) != day.search(b["index.html"]).group(1):  # builds straddled midnight
        a.pop("index.html"), b.pop("index.html")
    assert [k for k in a if a[k] != b[k]] == []


def test_output_replaced_atomically(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("旧", encoding="utf-8")
    (out / "render-digests.json").write_text("{}", encoding="utf-8")  # an earlier build's mark
    internal = tmp_path / "site-internal"
    internal.mkdir()
    (internal / "stale.html").write_text("旧", encoding="utf-8")
    (internal / "DO-NOT-PUBLISH.txt").write_text("", encoding="utf-8")  # an earlier internal output's mark
    proc = govsite(county, "build", "--preview", "--no-search", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert not (internal / "stale.html").exists() and (internal / "index.html").is_file()
    # no temporary or old directories left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "site-internal"]


def test_feeds_sitemap_robots(county: Path, preview_site: Path) -> None:
    import yaml

    base = yaml.safe_load((county / "site_config" / "site.yml").read_text(encoding="utf-8"))["base_url"]
    urls = [u for u, _ in articles(county)]
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(preview_site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert {base + u for u in urls} <= set(locs)
    rss = ET.parse(preview_site / "rss.xml").getroot()
    assert rss.find("channel/language").text == "zh-CN"
    assert len(rss.findall("channel/item")) == min(50, len(urls))
    for uid in load_units(county).units:
        items = ET.parse(preview_site / uid / "rss.xml").getroot().findall("channel/item")
        assert all(i.find("link").text.startswith(base + uid + "/") for i in items)
        assert len(items) == min(50, sum(1 for u in urls if u.startswith(uid + "/")))
    robots = (preview_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {base}sitemap.xml" in robots and "Disallow: /pagefind/" in robots
    assert "internal" not in robots  # robots.txt names no internal path: there is none in the site
    assert (preview_site / "pagefind").is_dir() and not (preview_site / "search" / "search_index.json").exists()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for k, v in attrs:
            if k in ("href", "src") and v:
                self.links.append(v)


def test_internal_links_resolve(preview_site: Path) -> None:
    broken = []
    for page in preview_site.rglob("index.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        here = "/" + page.parent.relative_to(preview_site).as_posix() + "/"
        for link in parser.links:
            if urlsplit(link).scheme or link.startswith(("#", "mailto:", "//")):
                continue
            target = urlsplit(urljoin(here.replace("//", "/"), link)).path
            path = preview_site / target.lstrip("/")
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append((here, link))
    assert broken == []


@pytest.fixture(scope="session")
def variant(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Sample county plus 43 pages in one column over three commits and a unit being closed."""
    root = make_county(tmp_path_factory.mktemp("variant") / "county")
    col = root / "content" / "dachang" / "gzdt"
    for batch, date in ((range(0, 15), "2026-11-20T09:00:00+08:00"), (range(15, 30), "2026-11-21T09:00:00+08:00"),
                        (range(30, 43), "2026-11-27T09:00:00+08:00")):
        for i in batch:
            (col / f"2026-11-{10 + i % 10:02d}-extra-{i:02d}.md").write_text(
                f"---\ntitle: 大昌镇工作动态第{i:02d}号\nformed: 2026-11-{10 + i % 10:02d}\n---\n大昌镇召开工作会议。\n",
                encoding="utf-8")
        git(root, "add", "-A", date=date)
        git(root, "commit", "-q", "-m", f"稿件 {batch}", date=date)
    (root / "content" / "dachang" / "tzgg" / "2026-11-26-guanting.md").write_text(
        "---\ntitle: 关于大昌镇网页关停的公告\nformed: 2026-11-26\n---\n经县政府办公室批准，大昌镇网页将关停。\n", encoding="utf-8")
    unit = root / "units" / "dachang.yml"
    unit.write_text(unit.read_text(encoding="utf-8") + (
        "closing:\n  approval: 巫山府办函〔2026〕88号\n  approved_on: 2026-11-25\n"
        "  announcement: dachang/tzgg/2026-11-26-guanting.md\n  announced_on: 2026-11-26\n"
        "  close_on: 2026-12-18\n  reason: 机构改革\n"), encoding="utf-8")
    git(root, "add", "-A", date="2026-11-28T09:00:00+08:00")
    git(root, "commit", "-q", "-m", "关停", date="2026-11-28T09:00:00+08:00")
    out = root.parent / "site"
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return root, out


def test_column_lists_paginated_newest_first(variant: tuple[Path, Path]) -> None:
    root, site = variant
    total = len(list((root / "content" / "dachang" / "gzdt").glob("*.md")))
    pages = -(-total // PAGE_SIZE)
    assert pages >= 3
    seen: list[str] = []
    for n in range(1, pages + 1):
        page = html(site, "dachang/gzdt/" if n == 1 else f"dachang/gzdt/page/{n}/")
        items = re.findall(r'<li><a href="[^"]+">(.*?)</a><span class="gs-date">(.*?)</span></li>', page)
        assert len(items) == (PAGE_SIZE if n < pages else total - PAGE_SIZE * (pages - 1))
        assert f"第 {n}/{pages} 页" in page
        seen += [t for t, _ in items]
        dates = [d for _, d in items]
        assert dates == sorted(dates, reverse=True)
    assert len(seen) == total == len(set(seen))
    first = html(site, "dachang/gzdt/")
    assert re.findall(r'<span class="gs-date">(.*?)</span>', first)[0] == "2026-11-27"
    last = html(site, f"dachang/gzdt/page/{pages}/")
    assert set(re.findall(r'<span class="gs-date">(.*?)</span>', last)) == {"2026-11-20"}  # oldest commit last
    assert 'href="page/2/">下一页</a>' in first and 'href="page/3/" aria-label="第 3 页">3</a>' in first
    assert not (site / "dachang" / "gzdt" / "page" / str(pages + 1)).exists()


def test_closing_announcement_on_portal_and_unit(variant: tuple[Path, Path]) -> None:
    _, site = variant
    home = html(site, "")
    assert "巫山县大昌镇人民政府网页关停公告（巫山府办函〔2026〕88号，将于2026年12月18日关停）" in home
    assert 'href="dachang/tzgg/2026-11-26-guanting/"' in home
    unit = html(site, "dachang/")
    assert "关停公告：" in unit and "2026年12月18日" in unit and "机构改革" in unit


def test_serve_refuses_without_build(tmp_path: Path) -> None:
    root = tmp_path / "r"
    (root / "units").mkdir(parents=True)
    (root / "content").mkdir()
    proc = govsite(root, "serve")
    assert proc.returncode == 2 and "请先运行 govsite build" in proc.stderr


def test_mkdocs_yml_names_the_plugin_and_runs_no_code_of_the_repository() -> None:
    """The repository's mkdocs.yml (plain ``mkdocs build``) names the installed plugin, loads no hooks, and
    repeats the configuration govsite build runs (package data), so both builds agree."""
    import yaml

    from govsite.portal.build import CONFIG_FILE

    own = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    shipped = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    assert "hooks" not in own and "hooks" not in shipped
    assert own["plugins"] == shipped["plugins"] == [{"govsite-portal": {"internal_dir": "site-internal"}}]
    assert own == shipped
    # the plugin's default and govsite build's default (beside site/) name the same folder
    from govsite.core.outputs import internal_beside
    from govsite.portal.plugin import PortalConfig

    default = dict(PortalConfig._schema)["internal_dir"].default
    assert default == "site-internal" == internal_beside(Path(own["site_dir"])).name
    from importlib.metadata import entry_points

    [ep] = [e for e in entry_points(group="mkdocs.plugins") if e.name == "govsite-portal"]
    assert ep.load().__module__ == "govsite.cli.mkdocs_plugin"


def test_the_build_ignores_a_mkdocs_yml_in_the_repository(tmp_path: Path) -> None:
    """A branch that adds hooks (Python) or other settings to mkdocs.yml changes nothing in govsite build."""
    root = make_county(tmp_path / "c")
    marker = tmp_path / "ran"
    (root / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: x\nhooks:\n  - evil.py\ntheme: {name: mkdocs}\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "改配置")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "site"))
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    site = tmp_path / "site"
    article = next(p for p in site.rglob("index.html") if len(p.relative_to(site).parts) == 4)
    assert 'class="gs-article"' in article.read_text(encoding="utf-8")  # govsite's theme, not the branch's


def test_unit_without_opening_announcement_blocks_publishing(tmp_path: Path) -> None:
    from govsite.portal.build import GateRefused, build_site
    from govsite.portal.verdict import Verdict as GateResult

    root = make_county(tmp_path / "c")
    unit = load_units(root).units["dachang"]
    (root / "content" / unit.opened.announcement).unlink()
    git(root, "commit", "-q", "-am", "删除开通公告")
    with pytest.raises(GateRefused) as refused:
        build_site(root, tmp_path / "site", preview=False, search=False, gate=GateResult(ok=True))
    assert any(u.path == "units/dachang.yml" and "开通公告" in u.reason and "第八条" in u.reason
               for u in refused.value.units)
    assert not (tmp_path / "site").exists()
    proc = govsite(root, "build", "-o", str(tmp_path / "site"))
    assert proc.returncode == 1 and "units/dachang.yml：" in proc.stderr and "开通公告稿件" in proc.stderr


def test_image_without_alt_warns_and_body_headings_follow_the_title(tmp_path: Path) -> None:
    root = make_county(tmp_path / "c")
    (root / "content" / "office" / "yaowen" / "files").mkdir()
    (root / "content" / "office" / "yaowen" / "files" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "content" / "office" / "yaowen" / "2026-11-26-tu.md").write_text(
        "---\ntitle: 图片稿件\nformed: 2026-11-26\n---\n# 附件标题\n\n## 一、小节\n\n![](files/a.png)\n\n![会场](files/a.png)\n",
        encoding="utf-8")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "s"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("content/office/yaowen/2026-11-26-tu.md：图片缺少替代文本（alt）") == 1
    page = html(tmp_path / "s", "office/yaowen/2026-11-26-tu/")
    assert re.findall(r"<h(\d)", page[page.index('class="gs-article"'):]) == ["1", "2", "3"]


def test_breadcrumbs(county: Path, preview_site: Path) -> None:
    def crumbs(url: str) -> list[str]:
        page = html(preview_site, url)
        nav = page[page.index('<nav class="gs-crumbs"'):page.index("</nav>", page.index('<nav class="gs-crumbs"'))]
        return [t for t in re.findall(r">([^<>]+)<", nav) if t.strip() and t.strip() not in ("当前位置：", "&gt;")]

    units = load_units(county).units
    assert crumbs("dachang/") == ["首页", units["dachang"].display_name]
    assert crumbs("dachang/gzdt/") == ["首页", units["dachang"].display_name, units["dachang"].columns["gzdt"].title]
    article = next(u for u, _ in articles(county) if u.startswith("dachang/gzdt/"))
    assert crumbs(article) == ["首页", units["dachang"].display_name, units["dachang"].columns["gzdt"].title, "正文"]


def test_unit_past_its_close_date_is_no_longer_published(tmp_path: Path) -> None:
    root = make_county(tmp_path / "c")
    unit = root / "units" / "jiaowei.yml"
    unit.write_text(unit.read_text(encoding="utf-8") + (
        "closing:\n  approval: 巫山府办函〔2026〕90号\n  approved_on: 2026-10-08\n"
        "  announcement: jiaowei/tzgg/2026-11-14-shitang-jiancha.md\n  announced_on: 2026-10-09\n"
        "  close_on: 2026-11-20\n  reason: 职能调整\n"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "关停")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "s"))
    assert proc.returncode == 0, proc.stderr
    site = tmp_path / "s"
    assert not (site / "jiaowei").exists()
    home = html(site, "")
    assert 'href="jiaowei/"' not in home and "巫山县教育委员会" not in home
    assert (site / "dachang" / "index.html").is_file()


def test_short_closing_notice_period_is_reported(tmp_path: Path) -> None:
    root = make_county(tmp_path / "c")
    unit = root / "units" / "dachang.yml"
    unit.write_text(unit.read_text(encoding="utf-8") + (
        "closing:\n  approval: 巫山府办函〔2026〕91号\n  approved_on: 2026-11-25\n"
        "  announcement: dachang/tzgg/2026-03-04-kaitong.md\n  announced_on: 2026-11-26\n"
        "  close_on: 2026-12-04\n"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "关停")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "s"))
    assert proc.returncode == 0, proc.stderr
    assert "units/dachang.yml：关停公告期只有 6 个工作日" in proc.stderr and "15 个工作日" in proc.stderr


def test_serve_serves_the_built_site(county: Path, preview_site: Path) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "govsite", "--root", str(county), "serve", "-d", str(preview_site),
                             "-p", str(port)], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body = ""
        for _ in range(50):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        assert '<html lang="zh-CN"' in body and "最新信息" in body
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out


def test_cached_chrome_loses_its_indentation_not_its_content() -> None:
    from govsite.portal.state import squeeze

    html = '<nav>\n      <a href="x">\n        首页\n      </a>\n  </nav>\n<pre>  a\n    b</pre>\n<script>\n  var s = "  x";\n</script>'
    assert squeeze(html) == '<nav>\n<a href="x">\n首页\n</a>\n</nav>\n<pre>  a\n    b</pre>\n<script>\n  var s = "  x";\n</script>'


def test_article_pages_carry_no_template_indentation(preview_site: Path) -> None:
    page = next(p for p in sorted(preview_site.rglob("index.html")) if len(p.relative_to(preview_site).parts) == 4)
    nav = page.read_text(encoding="utf-8").split('<nav class="gs-nav"', 1)[1].split("</nav>", 1)[0]
    assert "\n " not in nav and "首页" in nav


def test_navigation_opens_only_the_page_own_unit(county: Path, preview_site: Path) -> None:
    """Other units are links to their homes (a county has 60–80 units: their columns would fill every page)."""
    units = load_units(county).units
    own = "jiaowei"
    page = next(p for p in sorted((preview_site / own).rglob("index.html")) if len(p.relative_to(preview_site).parts) == 4)
    nav = page.read_text(encoding="utf-8").split('<nav class="gs-nav"', 1)[1].split("</nav>", 1)[0]
    targets = {urljoin(f"https://x/{page.parent.relative_to(preview_site).as_posix()}/", h)[len("https://x/"):]
               for h in re.findall(r'<a href="([^"]+)"', nav)}
    for uid, unit in units.items():
        assert f"{uid}/" in targets, uid  # every unit's home
        columns = {f"{uid}/{c}/" for c in unit.columns}
        assert (columns <= targets) if uid == own else not (columns & targets), uid


def test_articles_of_a_unit_share_one_navigation_with_valid_links(county: Path, preview_site: Path) -> None:
    """Rendered once per unit for a stand-in page: the same markup in every folder, every link still right."""
    own = "jiaowei"
    pages = [p for p in sorted((preview_site / own).rglob("index.html")) if len(p.relative_to(preview_site).parts) == 4]
    by_folder = {p.parent.parent.name: p for p in pages}
    assert len(by_folder) >= 2
    navs = {}
    for folder, page in by_folder.items():
        text = page.read_text(encoding="utf-8")
        navs[folder] = text.split('<nav class="gs-nav"', 1)[1].split("</nav>", 1)[0]
        base = f"https://x/{page.parent.relative_to(preview_site).as_posix()}/"
        for href in re.findall(r'<a href="([^"]+)"', navs[folder]):
            target = urljoin(base, href)[len("https://x/"):]
            assert (preview_site / target / "index.html").is_file() or (preview_site / target).is_file(), (folder, href)
    assert len(set(navs.values())) == 1


def test_the_portal_shows_a_page_as_the_content_model_reads_it(tmp_path: Path) -> None:
    """MkDocs' own front-matter reader would show a CRLF page's YAML as text; the portal takes the page's
    fields from the one content model, as the checks and the gate do."""
    root = make_county(tmp_path / "c")
    page = root / "content" / "dachang" / "gzdt" / "crlf.md"
    page.write_bytes("--- \r\ntitle: 换行符不同的稿件\r\nformed: 2026-11-20\r\n---\r\n\r\n正文一段。\r\n".encode())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "CRLF 稿件")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "site"))
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "site" / "dachang" / "gzdt" / "crlf" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in html and "换行符不同的稿件</h1>" in html
    assert "formed:" not in html and "正文一段。" in html


@pytest.mark.parametrize("where", [".", "content", "units/x", ".git", ".."])
def test_an_output_over_the_repository_is_refused_and_nothing_is_deleted(tmp_path: Path, where: str) -> None:
    root = make_county(tmp_path / "c")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(root / where))
    assert proc.returncode == 2 and "输出目录" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_a_folder_that_holds_something_else_is_not_replaced(tmp_path: Path) -> None:
    root = make_county(tmp_path / "c")
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "工作.docx").write_bytes(b"x")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(mine))
    assert proc.returncode == 2 and "不是 govsite 构建出的文件" in proc.stderr
    assert (mine / "工作.docx").read_bytes() == b"x"


def test_a_build_refuses_links_and_pipes_under_content_without_reading_them(tmp_path: Path) -> None:
    import os

    root = make_county(tmp_path / "c")
    files = root / "content" / "dachang" / "gzdt" / "files"
    files.mkdir(exist_ok=True)
    (files / "passwd.txt").symlink_to("/etc/passwd")
    os.mkfifo(root / "content" / "dachang" / "gzdt" / "pipe.md")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "site"))  # would block on the pipe
    assert proc.returncode == 2 and "schema" not in proc.stderr.split("：")[0]
    assert "符号链接" in proc.stderr and "命名管道" in proc.stderr and "已发布的网站未被改动" in proc.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("codec", ["gbk", "utf-16"])
def test_a_page_that_is_not_utf8_is_left_out_of_a_preview_with_a_warning(tmp_path: Path, codec: str) -> None:
    root = make_county(tmp_path / "c")
    page = root / "content" / "dachang" / "gzdt" / "2026-11-30-bianma.md"
    page.write_bytes("---\ntitle: 编码测试\ndate: 2026-11-30\n---\n\n正文。\n".encode(codec))
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "site"))
    assert proc.returncode == 0, proc.stderr
    assert "content/dachang/gzdt/2026-11-30-bianma.md 无法读取，未放入本次构建" in proc.stderr
    assert ("GBK" if codec == "gbk" else "UTF-16") in proc.stderr
    assert not (tmp_path / "site" / "dachang" / "gzdt" / "2026-11-30-bianma").exists()
    assert "编码测试" not in html(tmp_path / "site", "dachang/gzdt")


def test_a_page_with_a_link_no_browser_can_open_is_left_out_of_a_preview(tmp_path: Path) -> None:
    root = make_county(tmp_path / "c")
    page = root / "content" / "dachang" / "gzdt" / "2026-11-30-lianjie.md"
    page.write_text("---\ntitle: 链接测试\ndate: 2026-11-30\n---\n\n见[通知](http://[::1/a)。\n", encoding="utf-8")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "site"))
    assert proc.returncode == 0, proc.stderr
    assert "2026-11-30-lianjie.md 中的链接地址“http://[::1/a”格式不正确" in proc.stderr
    assert not (tmp_path / "site" / "dachang" / "gzdt" / "2026-11-30-lianjie").exists()


def test_fenced_blocks_are_code_on_the_page_as_in_the_checks(tmp_path: Path) -> None:
    root = make_county(tmp_path / "c")
    page = root / "content" / "dachang" / "gzdt" / "2026-11-30-daima.md"
    page.write_text("---\ntitle: 代码测试\ndate: 2026-11-30\n---\n\n~~~\n[链接](https://a.gov.cn/)\n~~~\n",
                    encoding="utf-8")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "site"))
    assert proc.returncode == 0, proc.stderr
    body = html(tmp_path / "site", "dachang/gzdt/2026-11-30-daima")
    assert "<pre><code>[链接](https://a.gov.cn/)\n</code></pre>" in body and 'href="https://a.gov.cn/"' not in body


def test_a_broken_unit_file_stops_the_build_instead_of_dropping_the_unit(tmp_path: Path) -> None:
    root = make_county(tmp_path / "c")
    (root / "units" / "dachang.yml").write_text("id: dachang\nname: [未闭合\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "写坏的单位文件")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "site"))
    assert proc.returncode == 2 and "units/dachang.yml" in proc.stderr and "未开始构建" in proc.stderr
    assert not (tmp_path / "site").exists()


def test_an_approved_page_with_an_unexempted_error_is_held_back(county: Path, tmp_path: Path) -> None:
    """Signed is not enough (Art. 16): a verified page with a resident's ID number stays off the portal."""
    from govsite.cli.services import portal_services
    from govsite.portal.build import build_site
    from govsite.portal.verdict import Verdict as GateResult
    from tests.checks.detectors.test_privacy import VALID_ID

    root = make_county(tmp_path / "c")
    urls = [u for u, _ in articles(root)]
    leak, clean = (root / "content" / f"{urls[0][:-1]}.md"), (root / "content" / f"{urls[1][:-1]}.md")
    leak.write_text(leak.read_text(encoding="utf-8") + f"\n申请人身份证号{VALID_ID}。\n", encoding="utf-8")
    git(root, "commit", "-qam", "泄露身份证号")
    keep = {f"content/{urls[0][:-1]}.md", f"content/{urls[1][:-1]}.md"}
    services = portal_services()
    services.gate = None
    result = build_site(root, tmp_path / "site", preview=False, search=False, dashboard=False,
                        gate=GateResult(ok=True, verified=keep), services=services)
    assert list(result.held) == [f"content/{urls[0][:-1]}.md"] and "privacy.id-number" in result.held[
        f"content/{urls[0][:-1]}.md"][0]
    assert result.articles == 1 and clean.is_file()
    assert not (tmp_path / "site" / urls[0] / "index.html").exists()
    assert (tmp_path / "site" / urls[1] / "index.html").exists()


def test_a_chinese_query_is_kept_whole_by_the_search_scripts(preview_site: Path) -> None:
    """Pagefind's browser script would split 听证 into 听 证 with the browser's word list and miss the pages the index
    holds 听证 in (benchmarks/search_recall.py); every shard's page and worker script keep the query whole."""
    from govsite.portal.search import QUERY_SPLIT, QUERY_WHOLE

    scripts = sorted((preview_site / "pagefind").glob("*/pagefind*.js"))
    patched = [p for p in scripts if p.name in ("pagefind.js", "pagefind-worker.js")]
    assert len(patched) >= 2, scripts
    for script in patched:
        text = script.read_text(encoding="utf-8")
        assert QUERY_WHOLE in text and QUERY_SPLIT not in text.replace(QUERY_WHOLE, ""), script


def test_a_county_sets_its_colours_and_overrides_a_partial_of_the_theme(tmp_path: Path) -> None:
    """govsite's own theme (issue 17): the county's colours and partials come from site_config/theme/, the
    rest of the layout stays govsite's; the layout is base.html, which a county main.html extends."""
    root = make_county(tmp_path / "c")
    theme = root / "site_config" / "theme"
    (theme / "partials").mkdir(parents=True)
    (theme / "partials" / "colours.html").write_text("<style>:root { --gs-primary: #0b4ea2; }</style>\n", encoding="utf-8")
    (theme / "partials" / "tabs.html").write_text('<nav class="gs-tabs" aria-label="主导航"><p>本县的主导航</p></nav>\n',
                                                  encoding="utf-8")
    (theme / "main.html").write_text('{% extends "base.html" %}\n{% block announce %}<aside aria-label="县里的提示">'
                                     "<p>县里的提示</p></aside>{% endblock %}\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "县里的模板")
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(tmp_path / "site"))
    assert proc.returncode == 0, proc.stderr
    for page in ("index.html", "dachang/index.html", "dachang/gzdt/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert "--gs-primary: #0b4ea2;" in html and "本县的主导航" in html and "县里的提示" in html, page
        assert "预览版本" not in html  # the county's announce block replaced govsite's
        assert '<footer class="gs-footer">' in html and "gs-header-search" in html  # govsite's layout otherwise
    article = next(p for p in (tmp_path / "site" / "dachang" / "gzdt").glob("*/index.html"))
    assert "本县的主导航" in article.read_text(encoding="utf-8") and '<div class="gs-article"' in article.read_text(encoding="utf-8")
    assert "#b5121b" in (tmp_path / "site" / "assets" / "govsite" / "portal.css").read_text(encoding="utf-8")
