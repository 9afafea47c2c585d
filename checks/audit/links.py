"""Links over the built site (Art. 26–27): internal links, anchors, attachments, images without alt text.

External links are only probed with ``online=True``: hosts on the allow-list only, with a timeout
and a concurrency limit, so the default run never leaves the machine.
"""

from __future__ import annotations

import concurrent.futures
import posixpath
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

from checks.audit.model import Issue, POINTS

ATTACHMENT_EXT = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".wps", ".et", ".ofd",
                  ".txt", ".csv")
SKIP_PREFIXES = ("internal/",)  # the dashboard itself


@dataclass
class HtmlFacts:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str, int]] = field(default_factory=list)   # (tag, url, line)
    images_without_alt: list[tuple[str, int]] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = HtmlFacts()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        line = self.getpos()[0]
        if a.get("id"):
            self.facts.ids.add(a["id"] or "")
        if tag == "a" and a.get("name"):
            self.facts.ids.add(a["name"] or "")
        if tag == "a" and a.get("href"):
            self.facts.links.append(("a", a["href"] or "", line))
        elif tag == "img":
            if a.get("src"):
                self.facts.links.append(("img", a["src"] or "", line))
            if not (a.get("alt") or "").strip():
                self.facts.images_without_alt.append((a.get("src") or "", line))

    handle_startendtag = handle_starttag


def parse_html(text: str) -> HtmlFacts:
    p = _Parser()
    try:
        p.feed(text)
        p.close()
    except Exception:  # malformed markup: keep what was parsed
        pass
    return p.facts


def unit_of(rel: str, units: set[str]) -> str:
    first = rel.split("/", 1)[0]
    return first if first in units else ""


def page_link(rel: str) -> str:
    """site path → site-relative URL (x/y/index.html → x/y/)."""
    return rel[:-len("index.html")] if rel.endswith("index.html") else rel


def _resolve(site: Path, rel: str, target: str) -> str | None:
    """Site-relative path of the file a URL path points to, or None when it leaves the site."""
    if target.startswith("/"):
        joined = posixpath.normpath(target.lstrip("/"))
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
    if joined.startswith(".."):
        return None
    return "" if joined == "." else joined


def _existing(site: Path, files: set[str], path: str) -> str | None:
    for cand in (path, posixpath.join(path, "index.html") if path else "index.html", path + ".html"):
        if cand in files:
            return cand
    return None


def link_issues(site: Path, units: set[str], online: bool = False, allow: set[str] | None = None,
                timeout: float = 10.0, workers: int = 8, progress: Callable[[int, int], None] | None = None,
                ) -> tuple[list[Issue], dict]:
    """Issues for the built site in ``site``; returns (issues, stats)."""
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    html = sorted(f for f in files if f.endswith(".html") and not f.startswith(SKIP_PREFIXES))
    facts: dict[str, HtmlFacts] = {}
    issues: list[Issue] = []
    external: dict[str, list[tuple[str, int]]] = {}
    for n, rel in enumerate(html):
        facts[rel] = parse_html((site / rel).read_text(encoding="utf-8", errors="replace"))
        if progress and n % 200 == 0:
            progress(n, len(html) * 2)
    checked = 0
    for n, rel in enumerate(html):
        f = facts[rel]
        unit = unit_of(rel, units)
        for src, line in f.images_without_alt:
            issues.append(Issue("links.image", "warning", unit,
                                f"页面 {rel} 第 {line} 行的图片（{src or '无地址'}）没有替代文字（alt），视障读者无法获知内容（第二十六条）。",
                                "在 Markdown 中写成 ![图片说明](图片地址)，说明图片内容。", "第二十六条", path=rel,
                                link=page_link(rel), points=POINTS["links.image"], data={"line": line}))
        for tag, url, line in f.links:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in ("mailto", "tel", "javascript", "data"):
                continue
            if parts.scheme in ("http", "https") or url.startswith("//"):
                external.setdefault(url, []).append((rel, line))
                continue
            checked += 1
            path = urllib.parse.unquote(parts.path)
            if not path:
                target = rel
            else:
                resolved = _resolve(site, rel, path)
                target = _existing(site, files, resolved) if resolved is not None else None
            if target is None:
                is_att = path.lower().endswith(ATTACHMENT_EXT)
                rule = "links.attachment" if is_att else "links.internal"
                what = "附件" if is_att else ("图片" if tag == "img" else "链接")
                issues.append(Issue(rule, "error", unit,
                                    f"页面 {rel} 第 {line} 行的{what}“{url}”指向的文件不存在（死链，第二十六、二十七条）。",
                                    "改正链接地址，或把缺失的文件加入仓库后重新构建。", "第二十七条", path=rel,
                                    link=page_link(rel), points=POINTS[rule], data={"url": url, "line": line}))
                continue
            if parts.fragment and target.endswith(".html"):
                tf = facts.get(target)
                if tf is None and (site / target).is_file():
                    tf = facts[target] = parse_html((site / target).read_text(encoding="utf-8", errors="replace"))
                frag = urllib.parse.unquote(parts.fragment)
                if tf is not None and frag not in tf.ids:
                    issues.append(Issue("links.anchor", "warning", unit,
                                        f"页面 {rel} 第 {line} 行的链接“{url}”指向的锚点“#{frag}”在 {target} 中不存在。",
                                        "改正锚点名称（标题改名后锚点也会变化）。", "第二十七条", path=rel,
                                        link=page_link(rel), points=POINTS["links.anchor"], data={"url": url, "line": line}))
        if progress and n % 200 == 0:
            progress(len(html) + n, len(html) * 2)
    stats = {"html_pages": len(html), "internal_links": checked, "external_links": len(external), "external_checked": 0}
    if online and external:
        allow = allow or set()
        todo = [u for u in external if _host_allowed(u, allow)]
        stats["external_checked"] = len(todo)
        stats["external_skipped"] = len(external) - len(todo)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for url, err in zip(todo, pool.map(lambda u: probe(u, timeout), todo)):
                if err is None:
                    continue
                for rel, line in external[url]:
                    issues.append(Issue("links.external", "warning", unit_of(rel, units),
                                        f"页面 {rel} 第 {line} 行的外部链接“{url}”无法打开：{err}（第二十七条）。",
                                        "确认对方网站地址是否变更，改正或删除该链接。", "第二十七条", path=rel,
                                        link=page_link(rel), points=POINTS["links.external"], data={"url": url}))
    return issues, stats


def _host_allowed(url: str, allow: set[str]) -> bool:
    host = (urllib.parse.urlsplit(url if "://" in url else "https:" + url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in allow)


def probe(url: str, timeout: float) -> str | None:
    """None when the URL answers with a status below 400; otherwise a short Chinese reason."""
    if url.startswith("//"):
        url = "https:" + url
    for method in ("HEAD", "GET"):
        req = urllib.request.Request(url, method=method, headers={"User-Agent": "govsite-audit/1.0"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                if resp.status < 400:
                    return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return f"HTTP {exc.code}"
        except Exception as exc:  # timeouts, DNS, TLS
            return f"连接失败（{type(exc).__name__}）"
    return "无法访问"
