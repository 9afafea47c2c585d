"""Links over a built site: internal links, anchors, attachments, images without alt; external only online."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from govsite.audit.sitelinks import audit_links

PAGE = """<!DOCTYPE html><html><body><h2 id="yi">一</h2>
<a href="../">栏目</a> <a href="../../../">首页</a> <a href="../ok/#yi">有锚点</a> <a href="../ok/#wu">缺锚点</a>
<a href="../gone/">已撤下</a> <a href="files/fujian.pdf">附件</a> <a href="files/there.pdf">附件2</a>
<a href="mailto:a@b.cn">邮件</a> <a href="#yi">本页</a>
<img src="files/pic.png" alt="图"> <img src="files/pic.png"> <img src="files/pic.png" alt="">
<a href="{ext}/ok">外链好</a> <a href="{ext}/missing">外链坏</a> <a href="https://allowed.example.gov.cn/x">白名单</a>
</body></html>"""


def build_site(root: Path, ext: str) -> Path:
    site = root / "site"
    files = {
        "index.html": "<html><body><a href='u/c/'>栏目</a></body></html>",
        "u/index.html": "<html></html>", "u/c/index.html": "<html><a href='p/'>稿件</a></html>",
        "u/c/p/index.html": PAGE.format(ext=ext), "u/c/ok/index.html": "<html><h2 id='yi'>一</h2></html>",
        "u/c/p/files/there.pdf": "%PDF", "u/c/p/files/pic.png": "png",
    }
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    (root / "content/u/c").mkdir(parents=True)
    (root / "content/u/c/p.md").write_text("---\ntitle: p\nformed: 2026-11-01\n---\n", encoding="utf-8")
    return site


@pytest.fixture
def server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802
            self.send_response(200 if self.path == "/ok" else 404)
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_offline_internal_anchor_attachment_alt(tmp_path):
    site = build_site(tmp_path, "http://127.0.0.1:9")
    report = audit_links(site, tmp_path)
    got = {(f.rule, f.evidence.get("href") or f.evidence.get("src")) for f in report.findings}
    assert got == {("audit.links.internal", "../gone/"), ("audit.links.anchor", "../ok/#wu"),
                   ("audit.links.attachment", "files/fujian.pdf"), ("audit.links.img-alt", "files/pic.png")}
    # every finding is blamed on the source page, with the article it breaks
    assert {f.path for f in report.findings} == {"content/u/c/p.md"}
    assert all("第二十六条" in f.article for f in report.findings)
    assert report.external == 3 and report.external_checked == 0  # offline by default


def test_online_external_with_allow_list(tmp_path, server):
    site = build_site(tmp_path, server)
    report = audit_links(site, tmp_path, online=True, allow={"example.gov.cn"}, timeout=5, concurrency=2)
    ext = [f for f in report.findings if f.rule == "audit.links.external"]
    assert [f.evidence["url"] for f in ext] == [f"{server}/missing"] and ext[0].evidence["status"] == 404
    assert report.external_checked == 2  # the allow-listed host is never probed


def test_unreachable_host_times_out(tmp_path):
    site = build_site(tmp_path, "http://127.0.0.1:9")  # discard port: connection refused at once
    report = audit_links(site, tmp_path, online=True, allow={"example.gov.cn"}, timeout=1, concurrency=4)
    bad = {f.evidence["url"]: f.evidence["status"] for f in report.findings if f.rule == "audit.links.external"}
    assert bad == {"http://127.0.0.1:9/ok": None, "http://127.0.0.1:9/missing": None}


def test_no_network_at_all_is_a_note_not_a_dead_link_per_url(tmp_path):
    site = build_site(tmp_path, "http://127.0.0.1:9")
    report = audit_links(site, tmp_path, online=True, allow=set(), timeout=1, concurrency=4)
    assert report.offline and report.external_checked == 3
    assert not [f for f in report.findings if f.rule == "audit.links.external"]


def test_large_site_is_shared_out_with_the_same_findings_in_the_same_order(tmp_path):
    """Above PARALLEL_FROM pages the pages go to several processes; the report must not change."""
    from govsite.audit import sitelinks as links

    site = build_site(tmp_path, "http://127.0.0.1:9")
    for k in range(links.PARALLEL_FROM + 50):
        page = site / f"u/c/q{k:03d}/index.html"
        page.parent.mkdir(parents=True)
        page.write_text(PAGE.format(ext="http://127.0.0.1:9").replace("已撤下", f"已撤下{k}"), encoding="utf-8")
    one = links.audit_links(site, tmp_path, workers=1)
    two = links.audit_links(site, tmp_path, workers=2)
    assert one.pages == two.pages > links.PARALLEL_FROM
    assert len(one.findings) > 3 * links.PARALLEL_FROM  # dead link, missing anchor, attachment, alt on every page
    assert two.findings == one.findings
    assert (two.links, two.external) == (one.links, one.external)


@pytest.mark.parametrize("base,url,key", [
    ("u/c/p", "../../x/", ("u", "x/")),
    ("u/c/p", "../", ("u/c", "./")),
    ("u/c/p", "..", ("u/c", "./")),
    ("a", "../..", ("", "..")),        # more ../ than folders: the excess stays
    ("", "../x", ("", "../x")),
    ("u/c", "./a", ("u/c", "./a")),
    ("u/c", "..x", ("u/c", "..x")),   # a file name starting with two dots, not a ../ segment
])
def test_relative_urls_fold_into_the_base(base, url, key):
    from govsite.audit.sitelinks import _cache_key

    assert _cache_key(base, url) == key


def test_pages_scanned_while_written_give_the_same_report(tmp_path):
    """The build hands over each page's links as it writes it; the findings must be those of reading the site."""
    from govsite.audit import sitelinks as links

    site = build_site(tmp_path, "http://127.0.0.1:9")
    read = links.audit_links(site, tmp_path, workers=1)
    scans = {p.relative_to(site).as_posix(): links.scan_written_page(p.read_text(encoding="utf-8"))
             for p in site.rglob("*.html") if p.name != "index.html" or "ok" not in p.parts}  # one page left to read
    given = links.audit_links(site, tmp_path, scans=scans)
    assert given.findings == read.findings and given.findings
    assert (given.pages, given.links, given.external) == (read.pages, read.links, read.external)


def test_a_written_page_checks_its_own_anchors_at_once():
    from govsite.audit.sitelinks import scan_written_page

    page = '<h2 id="yi">一</h2><a name="er"></a><a href="#yi">有</a><a href="#er">有</a><a href="#wu">无</a><a href="x/#yi">别页</a>'
    _, (urls, total) = scan_written_page(page)
    assert urls == [("a", "#wu"), ("a", "x/#yi")] and total == 4  # kept: what only the whole site can answer


def test_a_link_to_an_unpublished_page_names_the_page(tmp_path):
    """Issue 18, point 8: MkDocs leaves ``x.md`` as it is when x is not published; say which page that is."""
    site = build_site(tmp_path, "http://127.0.0.1:9")
    page = site / "u/c/p/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", '<a href="../weishenhe.md">新稿</a></body>'),
                    encoding="utf-8")
    report = audit_links(site, tmp_path)
    [f] = [f for f in report.findings if f.evidence.get("href") == "../weishenhe.md"]
    assert "指向稿件 content/u/weishenhe.md，该稿件不存在或尚未发布（未通过审核的稿件不会发布）" in f.message


@pytest.fixture
def hijacked():
    """A web server whose /old page is what a lapsed domain bought by a gambling site shows."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = {"/old": "<html><head><meta charset='gbk'><title>欢迎</title></head><body>"
                            "<h1>澳门新葡京娱乐城</h1><p>注册即送彩金，真人视讯百家乐</p></body></html>",
                    "/ok": "<html><body><h1>巫山县文化和旅游发展委员会</h1></body></html>"}.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html")  # charset only in the page, as such sites do
            self.end_headers()
            if body:
                self.wfile.write(body.encode("gbk"))

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_linked_site_that_now_serves_gambling_is_an_advert_error(tmp_path, hijacked):
    from govsite.core.county import merge_lists

    terms = tuple(merge_lists(None, [])["hijacked_site_terms"])
    site = build_site(tmp_path, hijacked)
    (site / "u/c/p/index.html").write_text(f"<html><a href='{hijacked}/old'>旧合作网站</a>"
                                           f"<a href='{hijacked}/ok'>文旅委</a></html>", encoding="utf-8")
    report = audit_links(site, tmp_path, online=True, allow=set(), timeout=5, concurrency=2, hijack_terms=terms)
    [f] = [f for f in report.findings if f.rule == "audit.links.hijacked"]
    assert f.severity == "error" and f.evidence["url"] == f"{hijacked}/old"
    assert f.evidence["words"][:3] == ["娱乐城", "百家乐", "真人视讯"]
    assert "赌博或色情网站" in f.message and "content/u/c/p.md" in f.message and "删除或更换" in f.fix
    assert not [g for g in report.findings if g.rule == "audit.links.external"]  # both pages answer 200
