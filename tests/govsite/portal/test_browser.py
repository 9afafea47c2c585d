"""The built sample portal in a real headless Chromium (Debian `chromium`, driven by Playwright).

Navigation to an article, Chinese search through Pagefind, keyboard use, axe-core accessibility
checks, no horizontal scrolling on phones, and screenshots at desktop and mobile widths.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govsite.core.pages import parse_page
from tests.govsite.portal.browser import CHROMIUM, DESKTOP, MOBILE, browser, screenshots, serve

AXE = Path(__file__).resolve().parents[3] / "build" / "node" / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="需要 Debian chromium：apt-get install -y chromium")]


def _titles(county: Path) -> dict[str, str]:
    out = {}
    for p in sorted((county / "content").rglob("*.md")):
        url = p.relative_to(county / "content").as_posix()[:-3] + "/"
        out[url] = str(parse_page("content/x/y/z.md", p.read_text(encoding="utf-8"), None)[0].front.get("title"))
    return out


def _sample_pages(county: Path) -> dict[str, str]:
    article = next(u for u in _titles(county) if u.startswith("office/"))
    return {"home": "", "unit": "office/", "list": "office/" + article.split("/")[1] + "/", "article": article}


@pytest.fixture(scope="module")
def site(preview_site: Path):
    with serve(preview_site) as base, browser() as b:
        yield base, b


def test_navigate_from_home_to_article(site, county: Path) -> None:
    base, b = site
    page = b.new_page(viewport=DESKTOP, locale="zh-CN")
    page.goto(base)
    page.get_by_role("link", name="巫山县人民政府办公室", exact=True).first.click()
    page.wait_for_url(base + "office/")
    column = page.locator("section.gs-panel h2 a").first
    column_title = column.inner_text()
    column.click()
    page.wait_for_url(re.compile(r"office/[a-z]+/$"))
    assert page.locator("h1").inner_text() == column_title
    first = page.locator("ul.gs-list li a").first
    title = first.inner_text()
    first.click()
    assert page.locator(".gs-article h1").inner_text() == title
    assert page.locator("table.gs-meta th").all_inner_texts()[:2] == ["索引号", "主题分类"]
    url = page.url[len(base):]
    assert _titles(county)[url] == title
    page.close()


def test_chinese_search_finds_the_page(site, county: Path) -> None:
    base, b = site
    titles = _titles(county)
    target, title = next((u, t) for u, t in titles.items() if "森林防火" in t)
    page = b.new_page(viewport=DESKTOP, locale="zh-CN")
    page.goto(base)
    page.fill("#gs-header-q", "森林防火")
    page.keyboard.press("Enter")  # the header search form, by keyboard
    page.wait_for_url(re.compile(r"search/\?q="))
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    links = page.locator(".pagefind-ui__result-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    texts = links.all_inner_texts()
    assert any(h.rstrip("/").endswith(target.rstrip("/")) for h in hrefs), hrefs
    assert title in texts
    page.goto(base + "search/?q=zqxjkvw")
    page.wait_for_selector(".pagefind-ui__message", timeout=15000)
    page.wait_for_timeout(300)
    assert "未找到" in page.locator(".pagefind-ui__message").inner_text()
    page.close()


def test_keyboard_reaches_search_and_content_with_visible_focus(site) -> None:
    base, b = site
    page = b.new_page(viewport=DESKTOP, locale="zh-CN")
    page.goto(base)
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
            return [e.tagName, e.id || '', (e.getAttribute('href') || ''), s.outlineStyle]; }""")
        reached.append(info)
    ids = [r[1] for r in reached]
    assert "gs-header-q" in ids
    main_links = [r for r in reached if r[0] == "A" and r[2].endswith("/") and r[2].count("/") >= 3]
    assert main_links, reached  # an article link in the latest list is reachable
    assert all(r[3] != "none" for r in reached if r[0] in ("A", "INPUT")), reached
    page.close()


@pytest.mark.parametrize("kind", ["home", "unit", "list", "article", "search"])
def test_axe_core_finds_no_violations(site, county: Path, kind: str) -> None:
    assert AXE.is_file(), ("缺少 axe-core：请在 build/node 中运行 "
                           "npm install --no-save --prefix . axe-core@4.14.1")
    base, b = site
    url = _sample_pages(county).get(kind, "search/?q=防火")
    page = b.new_page(viewport=DESKTOP, locale="zh-CN")
    page.goto(base + url, wait_until="networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => { const r = await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))]); }""")
    assert result == [], result
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    heads = page.evaluate("[...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1])")
    assert heads and heads[0] == 1 and all(b - a <= 1 for a, b in zip(heads, heads[1:])), heads
    page.close()


def test_no_horizontal_scroll_on_phones(site, county: Path) -> None:
    base, b = site
    page = b.new_page(viewport=MOBILE, locale="zh-CN")
    for url in _sample_pages(county).values():
        page.goto(base + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"], url
    page.close()


def test_screenshots_desktop_and_mobile(site, county: Path, tmp_path: Path) -> None:
    base, b = site
    shots = screenshots(tmp_path, _sample_pages(county), base, b)
    assert len(shots) == 8
    for p in shots:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000, p
