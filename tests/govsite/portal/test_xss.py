"""No script an editor writes runs on the portal (挂马): 47 injection forms, in the body and in the front matter
(policy documents' validity and their 解读's references included), built into a preview and opened in headless
Chromium on every page type that shows them.

Every payload calls ``__pwn(n)``; the browser records any call, any dialog and any navigation. ``govsite
check`` reports the body's payloads as unsafe HTML, with their lines.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.govsite.portal.browser import CHROMIUM, DESKTOP, browser, serve
from tests.govsite.portal.conftest import git, govsite, make_county

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="需要 Debian chromium：apt-get install -y chromium")]

BODY_PAYLOADS = [
    "<script>__pwn(1)</script>",
    "<SCRIPT SRC=data:text/javascript,__pwn(2)></SCRIPT>",
    "<img src=x onerror=__pwn(3)>",
    "<img src=x onerror=\"__pwn(4)\" alt=\"图\">",
    "<svg onload=__pwn(5)></svg>",
    "<svg><script>__pwn(6)</script></svg>",
    "<body onload=__pwn(7)>",
    "<iframe src=\"javascript:__pwn(8)\"></iframe>",
    "<iframe srcdoc=\"&lt;script&gt;parent.__pwn(9)&lt;/script&gt;\"></iframe>",
    "<object data=\"javascript:__pwn(10)\"></object>",
    "<embed src=\"javascript:__pwn(11)\">",
    "<form action=\"javascript:__pwn(12)\"><button id=\"xss-submit\">提交</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:__pwn(13)\">",
    "<a id=\"xss-a1\" href=\"javascript:__pwn(14)\">链接</a>",
    "<a id=\"xss-a2\" href=\"JaVaScRiPt:__pwn(15)\">链接</a>",
    "<a id=\"xss-a3\" href=\"&#106;avascript:__pwn(16)\">链接</a>",
    "<a id=\"xss-a4\" href=\"&#x6A;&#x61;vascript:__pwn(17)\">链接</a>",
    "<a id=\"xss-a5\" href=\"data:text/html,&lt;script&gt;__pwn(18)&lt;/script&gt;\">链接</a>",
    "<a id=\"xss-a6\" href=\"java\tscript:__pwn(19)\">链接</a>",
    "[链接](javascript:__pwn(20))",
    "[链接](&#106;avascript:__pwn(21))",
    "![图](javascript:__pwn(22))",
    "<javascript:__pwn(23)>",
    "段落一{onclick=\"__pwn(24)\"}",
    "段落二\n{: onmouseover=\"__pwn(25)\" }",
    "<div style=\"background:url(javascript:__pwn(26))\">样式</div>",
    "<p onclick=\"__pwn(27)\" id=\"xss-p\">点我</p>",
    "<details open ontoggle=__pwn(28)><summary>展开</summary></details>",
    "<input autofocus onfocus=__pwn(29)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__pwn(30)>",
    "<noscript><p title=\"</noscript><img src=x onerror=__pwn(31)>\"></noscript>",
    "<style>@import 'javascript:__pwn(32)';</style>",
    "<base href=\"javascript:__pwn(33)//\">",
    "<link rel=\"stylesheet\" href=\"javascript:__pwn(34)\">",
]
FRONT_PAYLOADS = {  # printed by the theme: each must come out as text
    "title": "标题<script>__pwn(35)</script>",
    "category": "<img src=x onerror=__pwn(36)>",
    "doc_number": "</td><script>__pwn(37)</script>",
    "source": "\"><svg onload=__pwn(38)>",
    "summary": "<script>__pwn(39)</script>摘要",
}
REPOST = {"from": "<img src=x onerror=__pwn(40)>新华社", "url": "javascript:__pwn(41)"}
# policy documents and their 解读: titles and references the theme prints in the validity banner, the 效力状态
# row, the column list's tag and the links between a document and its 解读 (by path, resolved, and as written)
POLICY_PAGES = {
    "office/zcwj/xss-doc.md": {"title": "文件<script>__pwn(42)</script>", "doc_number": "<b onmouseover=__pwn(43)>号",
                               "validity": {"status": "已废止", "date": "2026-10-01",
                                            "by": "<img src=x onerror=__pwn(44)>〔2026〕1号"}},
    "office/zcwj/xss-old.md": {"title": "旧文件\"><svg onload=__pwn(45)>",
                               "validity": {"status": "已修改", "date": "2026-10-02", "by": "xss-doc.md"}},
    "office/zcjd/xss-jd.md": {"title": "解读<img src=x onerror=__pwn(46)>", "interprets": "../zcwj/xss-doc.md"},
    "office/zcjd/xss-jd2.md": {"title": "解读二", "interprets": "<script>__pwn(47)</script>"},
}
POLICY_URLS = ["office/zcwj/xss-doc/", "office/zcwj/xss-old/", "office/zcjd/xss-jd/", "office/zcjd/xss-jd2/",
               "office/zcwj/", "office/zcjd/", "office/"]
SPY = """window.__pwned = []; window.__pwn = n => window.__pwned.push(n);"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = make_county(tmp_path_factory.mktemp("xss") / "county")
    front = dict(FRONT_PAYLOADS, formed="2026-11-20")
    lines = ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()),
             f"repost: {json.dumps(REPOST, ensure_ascii=False)}", "---", ""]
    body = "\n\n".join(BODY_PAYLOADS)
    (root / "content" / "dachang" / "gzdt" / "xss.md").write_text("\n".join(lines) + body + "\n", encoding="utf-8")
    for rel, fields in POLICY_PAGES.items():
        front = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in dict(fields, formed="2026-11-20").items()]
        (root / "content" / rel).write_text("\n".join(["---", *front, "---", "正文。", ""]), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "注入测试")
    out = root.parent / "site"
    proc = govsite(root, "build", "--preview", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return root, out


def test_no_payload_runs_on_any_page_that_shows_it(hostile: tuple[Path, Path]) -> None:
    root, site = hostile
    assert len(BODY_PAYLOADS) + len(FRONT_PAYLOADS) + len(REPOST) >= 30
    pages = ["dachang/gzdt/xss/", "dachang/gzdt/", "dachang/", "", "search/?q=" + "标题", *POLICY_URLS]
    with serve(site) as base, browser() as b:
        ctx = b.new_context(viewport=DESKTOP, locale="zh-CN")
        ctx.add_init_script(SPY)
        dialogs: list[str] = []
        for url in pages:
            page = ctx.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(base + url, wait_until="networkidle")
            page.wait_for_timeout(300)
            for sel in ("#xss-p", "#xss-a1", "#xss-a2", "#xss-a3", "#xss-a4", "#xss-a5", "#xss-a6", "#xss-submit"):
                if page.locator(sel).count():
                    page.locator(sel).first.click(no_wait_after=True)
            page.mouse.move(400, 400)
            page.wait_for_timeout(200)
            assert page.evaluate("window.__pwned") == [], url
            assert page.url.startswith(base + url.split("?")[0]), (url, page.url)  # no navigation away
            leftovers = page.evaluate("""() => {
                const bad = [];
                for (const e of document.querySelectorAll('*')) {
                  if (e.closest('.pagefind-ui__form')) continue;  // Pagefind's own search box (action="javascript:void(0)")
                  for (const a of e.attributes) {
                    const v = a.value.replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase();
                    if (a.name.startsWith('on')) bad.push(e.tagName + ' ' + a.name);
                    if (['href', 'src', 'action', 'data', 'formaction'].includes(a.name)
                        && (v.startsWith('javascript:') || v.startsWith('data:'))) bad.push(e.tagName + ' ' + a.name);
                  }
                  if (['IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(e.tagName)) bad.push(e.tagName);
                  // the theme's own search forms are the only forms a page has
                  if (e.tagName === 'FORM' && !e.matches('.gs-search, .gs-header-search, .pagefind-ui__form')) bad.push('FORM');
                  if (e.tagName === 'META' && (e.getAttribute('http-equiv') || '').toLowerCase() === 'refresh') bad.push('META refresh');
                  if (e.tagName === 'SCRIPT' && e.textContent.includes('__pwn')) bad.push('SCRIPT');
                }
                return bad; }""")
            assert leftovers == [], (url, leftovers)
            page.close()
        assert dialogs == []
    article = (site / "dachang" / "gzdt" / "xss" / "index.html").read_text(encoding="utf-8")
    assert "标题&lt;script&gt;" in article  # the title is shown as text
    doc = (site / "office" / "zcwj" / "xss-doc" / "index.html").read_text(encoding="utf-8")
    old = (site / "office" / "zcwj" / "xss-old" / "index.html").read_text(encoding="utf-8")
    jd2 = (site / "office" / "zcjd" / "xss-jd2" / "index.html").read_text(encoding="utf-8")
    # the banner, the related list and the unresolved references are there, as text
    assert "已被&lt;img src=x onerror=__pwn(44)&gt;〔2026〕1号替代" in doc and "相关解读" in doc
    assert "解读&lt;img src=x onerror=__pwn(46)&gt;" in doc
    assert "修改文件：<a href=\"../xss-doc/\">《文件&lt;script&gt;__pwn(42)&lt;/script&gt;》</a>" in old
    assert "解读文件：&lt;script&gt;__pwn(47)&lt;/script&gt;" in jd2
    rss = (site / "dachang" / "rss.xml").read_text(encoding="utf-8")
    assert "&lt;script&gt;" not in rss.split("<description>", 2)[-1] or "&amp;lt;script&amp;gt;" in rss


class _Head(HTMLParser):
    """Every element of the head, and the government meta tags (政府网站网页标签) as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[str] = []
        self.meta: dict[str, str] = {}
        self.done = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "body":
            self.done = True
        if self.done:
            return
        self.elements.append(tag)
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or "")[:1].isupper():
            assert set(a) == {"name", "content"}, a  # no attribute broke out of the value
            self.meta[a["name"]] = a["content"]


def test_hostile_titles_and_sources_stay_text_in_the_government_meta_tags(hostile: tuple[Path, Path]) -> None:
    _root, site = hostile
    head = _Head()
    head.feed((site / "dachang" / "gzdt" / "xss" / "index.html").read_text(encoding="utf-8"))
    assert head.meta["ArticleTitle"] == FRONT_PAYLOADS["title"]
    assert head.meta["ContentSource"] == FRONT_PAYLOADS["source"]
    assert head.meta["Keywords"] == FRONT_PAYLOADS["category"] + ",工作动态"
    assert head.meta["Author"] == "巫山县大昌镇人民政府"
    assert head.meta["Description"].startswith("提交 链接") and "<" not in head.meta["Description"]  # text only
    assert head.meta["Url"] == "https://www.cqws.gov.cn/dachang/gzdt/xss/"
    assert not head.meta.get("Image", "https:").lower().startswith(("javascript:", "data:"))
    assert "svg" not in head.elements and "img" not in head.elements  # nothing injected into the head
    assert [t for t in head.elements if t == "script"] == [t for t in _head_of(site / "search" / "index.html")
                                                            if t == "script"]


def _head_of(page: Path) -> list[str]:
    head = _Head()
    head.feed(page.read_text(encoding="utf-8"))
    return head.elements


def test_the_check_reports_the_bodys_payloads_with_their_lines(hostile: tuple[Path, Path]) -> None:
    root, _site = hostile
    proc = govsite(root, "check", "--format", "json", "--no-cache", str(root / "content/dachang/gzdt/xss.md"))
    found = json.loads(proc.stdout)["findings"]
    lines = {f["line"] for f in found if f["rule"] == "schema.unsafe-html"}
    text = (root / "content" / "dachang" / "gzdt" / "xss.md").read_text(encoding="utf-8").split("\n")
    closing = text.index("---", 1)  # the closing --- of the front matter (0-based)
    payload_lines = {i + 1 for i, line in enumerate(text) if "__pwn" in line and i > closing}
    repost_line = next(i + 1 for i, line in enumerate(text) if line.startswith("repost:"))
    assert proc.returncode == 1
    assert repost_line in lines  # the repost address javascript:
    missed = payload_lines - lines
    assert len(missed) <= 3 and lines <= payload_lines | {repost_line}, sorted(missed)
