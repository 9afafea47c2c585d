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


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("kind", ["home", "unit", "list", "article", "search", "sitemap", "policy"])
def test_axe_core_finds_no_violations(site, county: Path, kind: str, viewport: dict) -> None:
    assert AXE.is_file(), ("缺少 axe-core：请在 build/node 中运行 "
                           "npm install --no-save --prefix . axe-core@4.14.1")
    base, b = site
    url = {**_sample_pages(county), "search": "search/?q=防火", "sitemap": "sitemap/",
           "policy": "office/zcwj/2026-03-16-minqi-fazhan/"}[kind]
    page = b.new_page(viewport=viewport, locale="zh-CN")
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


def test_the_accessibility_tools_change_the_page_and_read_it_aloud(site, county: Path) -> None:
    """无障碍/长者模式 (GB/T 37668, 适老化): larger text, high contrast, wider lines, a large cursor, reading aloud
    with the browser's speech synthesis, kept for the next page; a skip link leads to the content."""
    base, b = site
    context = b.new_context(viewport=DESKTOP, locale="zh-CN")
    # the speech the page asks for, recorded (headless Chromium has no voices to play it)
    context.add_init_script("""window.__spoken = [];
        speechSynthesis.speak = (u) => { window.__spoken.push([u.text, u.lang]); };
        speechSynthesis.cancel = () => { window.__spoken.push(["<cancel>", ""]); };""")
    page = context.new_page()
    article = _sample_pages(county)["article"]
    page.goto(base + article)
    body = page.locator(".gs-body")
    size = body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    background = page.evaluate("getComputedStyle(document.querySelector('.gs-main')).backgroundColor")
    tools = page.get_by_role("button", name="无障碍/长者模式")
    tools.click()
    assert tools.get_attribute("aria-expanded") == "true"
    page.get_by_role("button", name="放大字号").click()
    page.get_by_role("button", name="放大字号").click()
    bigger = body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert bigger >= size * 1.25, (size, bigger)
    page.get_by_role("button", name="高对比度").click()
    assert page.evaluate("getComputedStyle(document.querySelector('.gs-main')).backgroundColor") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.querySelector('.gs-main')).backgroundColor") != background
    assert page.get_by_role("button", name="高对比度").get_attribute("aria-pressed") == "true"
    line = body.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) / parseFloat(getComputedStyle(el).fontSize)")
    page.get_by_role("button", name="加大行距").click()
    wider = body.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) / parseFloat(getComputedStyle(el).fontSize)")
    assert wider > line + 0.4, (line, wider)
    page.get_by_role("button", name="大鼠标").click()
    assert "cursor.svg" in body.evaluate("el => getComputedStyle(el).cursor")
    page.get_by_role("button", name="朗读").click()
    spoken = page.evaluate("window.__spoken")
    title = page.locator(".gs-article h1").inner_text()
    assert len(spoken) == 1 and spoken[0][1] == "zh-CN" and title in spoken[0][0], spoken
    assert page.get_by_role("button", name="停止朗读").count() == 1
    # the choices follow the reader to the next page, and 恢复默认 undoes them
    page.goto(base)
    assert page.evaluate("document.documentElement.classList.contains('gs-contrast')")
    page.get_by_role("button", name="无障碍/长者模式").click()
    page.get_by_role("button", name="恢复默认").click()
    assert not page.evaluate("['gs-contrast', 'gs-spacing', 'gs-cursor'].some(c => document.documentElement.classList.contains(c))")
    # the skip link is the first stop of the keyboard and lands on the content
    page.goto(base + article)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "gs-main"
    context.close()


def test_a_phone_shows_the_unit_columns_on_request_and_a_desktop_beside_the_content(site, county: Path) -> None:
    """栏目导航: beside the content on a desktop; on a phone behind a button, so the page starts with its text."""
    base, b = site
    article = _sample_pages(county)["article"]
    unit = article.split("/", 1)[0]
    wide = b.new_page(viewport=DESKTOP)
    wide.goto(base + article)
    assert wide.locator("#gs-nav").is_visible() and not wide.get_by_role("button", name="栏目导航").is_visible()
    nav_box, main_box = wide.locator("#gs-nav").bounding_box(), wide.locator(".gs-main").bounding_box()
    assert nav_box["x"] + nav_box["width"] <= main_box["x"] and abs(nav_box["y"] - main_box["y"]) < 5
    wide.close()
    phone = b.new_page(viewport=MOBILE)
    phone.goto(base + article)
    toggle = phone.get_by_role("button", name="栏目导航")
    assert toggle.is_visible() and not phone.locator("#gs-nav").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and phone.locator("#gs-nav").is_visible()
    columns = phone.locator("#gs-nav .gs-nav__unit--open a")
    assert columns.count() >= 2
    columns.first.click()
    assert phone.url.rstrip("/").endswith(unit), phone.url  # the unit's home, first of its entries
    phone.close()


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
