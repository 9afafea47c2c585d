"""Links over the built site (Art. 26–27): internal links, anchors, attachments, images without alt; external online."""

from __future__ import annotations

import concurrent.futures
import functools
import html
import os
import posixpath
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from govsite.audit.model import AuditFinding

ART = "《管理办法》第二十六条、第二十七条（页面无法打开、链接不可用须立即处理）"
HIJACK_ART = "《管理办法》第十六条第（九）项（不得链接商业广告）；政府网站与政务新媒体检查指标（链接至赌博、色情等网站）"
ART_ALT = "《管理办法》第二十六条；《政府网站与政务新媒体检查指标》无障碍要求（图片须有替代文字）"
SKIP_DIRS = {"assets", "pagefind", "search"}
ATTACHMENT_EXT = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".wps", ".ofd", ".txt",
                  ".csv", ".png", ".jpg", ".jpeg", ".gif"}
# the lookahead skips most other tags before trying the alternatives (a third faster on built pages)
_TAG = re.compile(r"<(?=[aAiIlLsS])(a|img|link|script|iframe|source)\b([^>]*)>", re.I | re.S)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
# literal-prefixed patterns: much faster than one alternation on 10,000 pages (data-id= also counts: harmless)
_IDS = (re.compile(r'id="([^"]+)"'), re.compile(r"id='([^']+)'"), re.compile(r'name="([^"]+)"'))


@dataclass
class LinkReport:
    findings: list[AuditFinding] = field(default_factory=list)
    pages: int = 0
    links: int = 0
    external: int = 0
    external_checked: int = 0
    offline: bool = False      # --online, but no external host could be reached at all


@functools.lru_cache(maxsize=200_000)
def _attrs(raw: str) -> dict[str, str | None]:  # noqa: D401
    """Attributes of one tag (cached: the same navigation tags repeat on every page; do not mutate)."""
    out: dict[str, str | None] = {}
    for m in _ATTR.finditer(raw):
        v = m.group(2)
        out[m.group(1).lower()] = html.unescape(v.strip("\"'")) if v is not None else None
    return out


@functools.lru_cache(maxsize=200_000)
def _tag_info(tag: str, raw: str) -> tuple[str | None, bool]:
    """(link target or None, image without alt) for one tag; cached since navigation tags repeat on every page."""
    attrs = _attrs(raw)
    if tag == "img":
        alt = attrs.get("alt")
        return (attrs.get("src") or "").strip() or None, alt is None or not alt.strip()
    url = attrs.get("href") if tag in ("a", "link") else attrs.get("src")
    return (url.strip() or None) if url else None, False


# what scan_page finds in one page: (images without alt, (distinct (tag, url) links, link count))
Scan = tuple[list[str], tuple[list[tuple[str, str]], int]]


def scan_page(text: str) -> Scan:
    """Images without alt (their src) and the page's distinct (tag, url) links with the total link count."""
    no_alt: list[str] = []
    seen: dict[tuple[str, str], None] = {}
    total = 0
    for tag, raw in _TAG.findall(text):
        url, missing_alt = _tag_info(tag.lower(), raw)
        if missing_alt and (url or "") not in no_alt:
            no_alt.append(url or "")
        if url:
            total += 1
            seen[(tag.lower(), url)] = None
    return no_alt, (list(seen), total)


def scan_written_page(text: str) -> Scan:
    """:func:`scan_page` for a page as it is being written (the build's hooks): a link to an anchor of the page
    itself is checked here, against the text at hand, and left out of the scan when the anchor exists."""
    no_alt, (urls, total) = scan_page(text)
    kept = [(tag, url) for tag, url in urls if not (url.startswith("#") and _has_id(text, url[1:]))]
    return no_alt, (kept, total)


def _has_id(text: str, fragment: str) -> bool:
    """The same answer as looking ``fragment`` up in the ids :data:`_IDS` find in ``text``."""
    frag = urllib.parse.unquote(fragment)
    return bool(frag) and (('"' not in frag and (f'id="{frag}"' in text or f'name="{frag}"' in text))
                           or ("'" not in frag and f"id='{frag}'" in text))


def source_of(site_rel: str, root: Path | None) -> tuple[str, str, str]:
    """site path → (repo path to blame, unit, column): ``u/c/slug/index.html`` → ``content/u/c/slug.md``."""
    parts = site_rel.split("/")
    if len(parts) == 4 and parts[3] == "index.html":
        cand = f"content/{parts[0]}/{parts[1]}/{parts[2]}.md"
        if root is None or (root / cand).is_file():
            return cand, parts[0], parts[1]
    unit = parts[0] if len(parts) > 1 else ""
    column = parts[1] if len(parts) > 2 else ""
    return site_rel, unit, column


@dataclass
class _Slice:
    """What one process finds in its share of the pages (merged in page order by :func:`audit_links`)."""

    findings: list[AuditFinding] = field(default_factory=list)
    links: int = 0
    external: dict[str, list[str]] = field(default_factory=dict)
    external_count: int = 0


def _audit_pages(site_dir: Path, root: Path | None, files: frozenset[str], pages: list[str],
                 scans: dict[str, Scan] | None = None) -> _Slice:
    """Internal links, anchors and alt text of ``pages`` (site-relative), against the site's ``files``;
    a page in ``scans`` is not read again."""
    out = _Slice()
    ids_cache: dict[str, set[str]] = {}
    resolve_cache: dict[tuple[str, str], tuple] = {}
    seen: set[tuple[str, str]] = set()
    # folded links (see _fold) known to be fine: the navigation's links repeat on every page, so most
    # links are answered by one set lookup
    ok: set[tuple[str, str]] = set()

    def ids_of(target: str) -> set[str]:
        if target not in ids_cache:
            try:
                text = (site_dir / target).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            ids_cache[target] = {i for rx in _IDS for i in rx.findall(text)}
        return ids_cache[target]

    for page in pages:
        scanned = scans.get(page) if scans else None
        no_alt, urls = scanned or scan_page((site_dir / page).read_text(encoding="utf-8", errors="replace"))
        base = posixpath.dirname(page)
        blame, unit, column = source_of(page, root)
        for src in no_alt:
            out.findings.append(AuditFinding(
                "links", "audit.links.img-alt", "warning", unit,
                f"{blame} 中的图片 {src} 没有替代文字（alt）。", ART_ALT,
                "请在 Markdown 中写成 ![图片内容说明](文件名)，说明图片内容。",
                path=blame, column=column, evidence={"page": page, "src": src}))
        out.links += urls[1]
        ancestors = _ancestors(base)
        for tag, url in urls[0]:
            key_r = _fold(ancestors, url)
            if key_r in ok:
                continue
            low = url.lower()
            if low.startswith(("mailto:", "tel:", "javascript:", "data:", "sms:")):
                continue
            if low.startswith(("http://", "https://", "//")):
                out.external_count += 1
                out.external.setdefault(url if not low.startswith("//") else "https:" + url, []).append(page)
                continue
            resolved = resolve_cache.get(key_r)
            if resolved is None:
                resolved = resolve_cache[key_r] = _resolve(*key_r)
            parsed, path, target = resolved
            if parsed is None:
                continue
            target = target or page
            if target not in files:
                if target + "/index.html" in files or (path.endswith("/") and f"{target}/index.html" in files):
                    target = target + "/index.html"
                elif not target.startswith(".."):
                    key = (page, url)
                    if key in seen:
                        continue
                    seen.add(key)
                    ext = posixpath.splitext(target)[1].lower()
                    is_att = ext in ATTACHMENT_EXT
                    what = "附件" if is_att else ("图片" if tag == "img" else "链接")
                    named = _page_named(blame, url)
                    where_to = (f"稿件 {named}，该稿件不存在或尚未发布（未通过审核的稿件不会发布）" if named
                                else f"{target}，它在网站上不存在")
                    out.findings.append(AuditFinding(
                        "links", "audit.links.attachment" if is_att else "audit.links.internal", "error", unit,
                        f"{blame} 中的{what} {url} 指向{where_to}（死链）。", ART,
                        "请改正链接地址；附件须放在稿件所在栏目的 files/ 目录并随稿件提交；已撤下的页面应同时删除指向它的链接。",
                        path=blame, column=column, evidence={"page": page, "href": url, "target": target}))
                    continue
                else:
                    continue
            if not (parsed.fragment and target.endswith(".html")):
                if resolved[2]:  # not a link to the page itself
                    ok.add(key_r)
                continue
            frag = urllib.parse.unquote(parsed.fragment)
            if frag in ids_of(target):
                if resolved[2]:
                    ok.add(key_r)
                continue
            key = (page, url)
            if key in seen:
                continue
            seen.add(key)
            out.findings.append(AuditFinding(
                "links", "audit.links.anchor", "warning", unit,
                f"{blame} 中的链接 {url} 指向的锚点“#{frag}”在 {target} 中不存在。", ART,
                "请改为目标页面中存在的标题锚点，或去掉 # 之后的部分。",
                path=blame, column=column, evidence={"page": page, "href": url, "target": target}))
    return out


PARALLEL_FROM = 400  # pages: below this a second process costs more than it saves
CHUNK = 250          # pages per task: small enough to report progress, large enough to amortise the transfer


def audit_links(site_dir: Path, root: Path | None = None, online: bool = False, allow: set[str] | None = None,
                timeout: float = 10.0, concurrency: int = 8,
                progress: Callable[[int, int], None] | None = None,
                opener: Callable[[str, float], tuple[int | None, str]] | None = None,
                workers: int | None = None, scans: dict[str, Scan] | None = None,
                hijack_terms: tuple[str, ...] = ()) -> LinkReport:
    """Check the links of every HTML page of ``site_dir``; on a large site the pages are shared out over the
    machine's cores (``workers``, default: all), with the same findings in the same order as one process.

    ``scans``: pages already scanned while they were written (site path → :func:`scan_page`): only the
    others are read, and in this process (what is left is a lookup per link). ``hijack_terms``: words of a
    gambling or porn site (the lists' ``hijacked_site_terms``); online, a linked page that shows them is
    reported as a link to an advert: a lapsed domain bought by such a site is a known way portals fail."""
    site_dir = Path(site_dir)
    names: set[str] = set()
    for dirpath, _dirs, entries in os.walk(site_dir):
        rel_dir = os.path.relpath(dirpath, site_dir).replace(os.sep, "/")
        for n in entries:
            names.add(n if rel_dir == "." else f"{rel_dir}/{n}")
    files = frozenset(names)
    pages = sorted(f for f in files if f.endswith(".html") and f.split("/")[0] not in SKIP_DIRS)
    report = LinkReport(pages=len(pages))
    chunks = [pages[i:i + CHUNK] for i in range(0, len(pages), CHUNK)]
    n_workers = min(workers or os.cpu_count() or 1, len(chunks))
    if progress:
        progress(0, len(pages))
    if scans is not None:
        slices = [_audit_pages(site_dir, root, files, pages, scans)]
        if progress:
            progress(len(pages), len(pages))
    elif n_workers > 1 and len(pages) >= PARALLEL_FROM and hasattr(os, "fork"):
        import multiprocessing  # noqa: PLC0415

        with concurrent.futures.ProcessPoolExecutor(n_workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_audit_pages, site_dir, root, files, chunk) for chunk in chunks]
            slices = []
            for k, fut in enumerate(futures):  # in page order, whatever order they finish in
                slices.append(fut.result())
                if progress:
                    progress(min(len(pages), (k + 1) * CHUNK), len(pages))
    else:
        slices = []
        for k, chunk in enumerate(chunks):
            slices.append(_audit_pages(site_dir, root, files, chunk))
            if progress:
                progress(min(len(pages), (k + 1) * CHUNK), len(pages))
    external: dict[str, list[str]] = {}
    for part in slices:
        report.findings.extend(part.findings)
        report.links += part.links
        report.external += part.external_count
        for url, where in part.external.items():
            external.setdefault(url, []).extend(where)
    if online and external:
        report.findings.extend(_check_external(external, root, allow or set(), timeout, concurrency, opener, report,
                                               hijack_terms))
    return report


_UPS = re.compile(r"(?:\.\./)*")


def _ancestors(base: str) -> list[str]:
    """``u/c/p`` → [``u/c/p``, ``u/c``, ``u``, ``""``]: the folder ``k`` levels up is item ``k``."""
    parts = base.split("/") if base else []
    return ["/".join(parts[:len(parts) - k]) for k in range(len(parts) + 1)]


def _fold(ancestors: list[str], url: str) -> tuple[str, str]:
    """Fold leading ``../`` of ``url`` into the page's folder (``ancestors[0]``, see :func:`_ancestors`)."""
    if not url.startswith(".."):
        return ancestors[0], url
    n = _UPS.match(url).end()  # type: ignore[union-attr] - matches the empty string at least
    ups, rest = n // 3, url[n:]
    if rest == "..":
        ups, rest = ups + 1, ""
    if ups >= len(ancestors):  # more ../ than folders: keep the excess (the target is outside the site)
        return "", url[3 * (len(ancestors) - 1):]
    return ancestors[ups], rest or "./"


def _cache_key(base: str, url: str) -> tuple[str, str]:
    """Fold leading ``../`` into the base: ``u/c/p`` + ``../../x/`` → (``u``, ``x/``), shared by all pages of ``u``."""
    return _fold(_ancestors(base), url)


def _resolve(base: str, url: str) -> tuple:
    """(split url, decoded path, site-relative target or '' for the page itself); (None, …) for other schemes."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme:
        return None, "", ""
    path = urllib.parse.unquote(parsed.path)
    if path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/")) if path.strip("/") else "index.html"
    elif path:
        target = posixpath.normpath(posixpath.join(base, path))
    else:
        target = ""
    if target == ".":
        target = "index.html"
    return parsed, path, target


PAGE_SAMPLE = 256 * 1024  # enough of a page to see what it shows, never a whole download


def _probe(url: str, timeout: float) -> tuple[int | None, str]:
    """HTTP status of ``url`` and the start of its text when it is a web page; (None, "") when unreachable."""
    req = urllib.request.Request(url, headers={"User-Agent": "govsite-audit/1.0"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only
            kind = resp.headers.get_content_type() or ""
            if not kind.startswith("text/") and "html" not in kind:
                return int(resp.status), ""
            raw = resp.read(PAGE_SAMPLE)
            charset = resp.headers.get_content_charset() or _meta_charset(raw) or "utf-8"
            try:
                return int(resp.status), raw.decode(charset, "replace")
            except LookupError:
                return int(resp.status), raw.decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), ""
    except (urllib.error.URLError, OSError, ValueError):
        return None, ""


def _meta_charset(raw: bytes) -> str:
    m = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", raw[:4096], re.I)
    return m.group(1).decode("ascii") if m else ""


def hijack_words(text: str, terms: tuple[str, ...]) -> list[str]:
    """The gambling or porn words a page shows (tags stripped), in list order."""
    if not text or not terms:
        return []
    plain = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text, flags=re.S | re.I)
    return [t for t in terms if t in plain]


def host_allowed(url: str, allow: set[str]) -> bool:
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return any(host == a or host.endswith("." + a) for a in allow)


def _check_external(external: dict[str, list[str]], root: Path | None, allow: set[str], timeout: float,
                    concurrency: int, opener: Callable[[str, float], tuple[int | None, str]] | None,
                    report: LinkReport, hijack_terms: tuple[str, ...] = ()) -> list[AuditFinding]:
    todo = [u for u in sorted(external) if not host_allowed(u, allow)]
    probe = opener or _probe
    out: list[AuditFinding] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = dict(zip(todo, pool.map(lambda u: probe(u, timeout), todo)))
    report.external_checked = len(todo)
    if len(results) >= 3 and all(v[0] is None for v in results.values()):
        report.offline = True  # no host answered at all: the network is down, not every link
        return []
    for url, (status, text) in results.items():
        page = external[url][0]
        blame, unit, column = source_of(page, root)
        shown = hijack_words(text, hijack_terms) if status is not None and status < 400 else []
        if shown:
            out.append(AuditFinding(
                "links", "audit.links.hijacked", "error", unit,
                f"{blame} 中的外部链接 {url} 打开后是赌博或色情网站（页面上有“{'”“'.join(shown[:3])}”等字样），"
                f"共 {len(external[url])} 个页面引用。原网站的域名可能已过期被他人注册。", HIJACK_ART,
                "请立即删除或更换这个链接，并检查本站其他指向同一网站的链接；确需保留的，请改为原单位的新网址。",
                path=blame, column=column, evidence={"url": url, "words": shown[:10], "pages": external[url][:20]}))
            continue
        if status is not None and status < 400:
            continue
        why = f"返回 HTTP {status}" if status else f"在 {timeout:g} 秒内无法连接"
        out.append(AuditFinding(
            "links", "audit.links.external", "warning", unit,
            f"{blame} 中的外部链接 {url} {why}（共 {len(external[url])} 个页面引用）。", ART,
            "请核实该网址；失效的应改为有效地址或删除链接。可信且仅偶发不可达的网站可加入 --allow 名单。",
            path=blame, column=column, evidence={"url": url, "status": status, "pages": external[url][:20]}))
    return out


def _page_named(blame: str, path: str) -> str:
    """The repository page a link ``path`` (as written, ``x.md``) names (MkDocs leaves such a link as it is when the page is not
    built), so the finding says which page is missing rather than where a browser would look."""
    from urllib.parse import unquote, urlsplit  # noqa: PLC0415

    try:
        path = urlsplit(path).path
    except ValueError:
        return ""
    if not path.endswith(".md") or not blame.startswith("content/"):
        return ""
    folder = posixpath.dirname(blame[len("content/"):])
    rel = posixpath.normpath(posixpath.join(folder, unquote(path)))
    return "" if rel.startswith("..") else "content/" + rel
