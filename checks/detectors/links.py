"""Links (链接): adverts and unknown hosts (Art. 16(9)), URL shorteners, and internal links that do not resolve.

External hosts must be on the allowed-domain list (suffix match: ``gov.cn`` allows ``www.cq.gov.cn``),
which the county extends in ``site_config/lists/domains.yml``.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from checks.detectors.view import PageView
from checks.kinds import Hit

_INLINE = re.compile(r"(!?)\[((?:[^\]\n]|\\\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\n]*?[\"'])?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_HTML_ATTR = re.compile(r"<(?:a|img|link|script|iframe|source)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']*)[\"']", re.I)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_BARE = re.compile(r"(?<![(<\"'=/\w])(?:(?:https?|ftp)://|www\.)[A-Za-z0-9.-]+[^\s<>\"'）)，。；、\u3000\[\]]*")
# A web address written as plain text without http:// or www. (t.cn/A6x7yZ, 888bet.vip): browsers and WeChat
# turn it into a link, so it is judged as one. Only endings that are domains, so 附件.pdf or v1.2 never match.
_TLDS = ("com|cn|net|org|top|xyz|vip|cc|info|me|io|co|tv|ly|gl|im|to|gd|at|id|in|link|shop|club|site|online|app|"
         "ink|live|fun|wang|pub|run|pro|biz|asia|bet|win|red|work|store|tech|icu|mobi|name")
_BARE_HOST = re.compile(rf"(?<![A-Za-z0-9.@/_%-])((?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+(?:{_TLDS}))"
                        r"(?![A-Za-z0-9-])(/[A-Za-z0-9._~%/?=&#+-]*)?")  # lower-case endings: ASP.NET is a product
_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t]*(?:\{[^}]*#([\w-]+)[^}]*\})?[ \t]*#*[ \t]*$", re.M)
_EXPLICIT_ID = re.compile(r"\bid=[\"']([^\"']+)[\"']|\{[^}]*#([\w-]+)[^}]*\}")


@dataclass(frozen=True)
class Link:
    start: int   # offset of the target in the page text
    end: int
    target: str
    is_image: bool = False
    text: str = ""


def page_links(text: str, body_start: int) -> list[Link]:
    """Every link target in the page body outside code, with its offsets."""
    from checks.prose import CODE, blank_spans

    if not any(t in text for t in ("](", "]:", "<", "://", "www.")):
        return []  # most pages: no link of any kind
    clean = text
    if any(t in text for t in ("`", "~~~", "<!--")):
        clean = blank_spans(text, [(m.start(), m.end()) for m in CODE.finditer(text, body_start)])
    links: list[Link] = []
    taken: list[tuple[int, int]] = []
    for m in _INLINE.finditer(clean, body_start):
        links.append(Link(m.start(3), m.end(3), m.group(3), m.group(1) == "!", m.group(2)))
        taken.append((m.start(), m.end()))
    for pattern in (_REF_DEF, _HTML_ATTR, _AUTOLINK, _BARE):
        g = 0 if pattern is _BARE else 1
        for m in pattern.finditer(clean, body_start):
            if any(s <= m.start(g) < e for s, e in taken):
                continue
            links.append(Link(m.start(g), m.end(g), m.group(g)))
            taken.append((m.start(), m.end()))
    links.sort(key=lambda link: link.start)
    return links


def _host(target: str) -> str | None:
    """The host of an external link, lower case; a malformed one (``http://[abc``) as written, so that it is
    reported as an unknown host rather than skipped."""
    if target.startswith("www."):
        target = "http://" + target
    try:
        parts = urlsplit(target)
        host = parts.hostname
    except ValueError:  # a bracket that is no IPv6 address, an impossible port…
        scheme, _, rest = target.partition("://")
        netloc = rest.split("/", 1)[0]
        return netloc.lower() or None if scheme.lower() in ("http", "https", "ftp") else None
    if parts.scheme in ("http", "https", "ftp") and host:
        return host.lower().rstrip(".")
    return None


def _suffix_match(host: str, suffixes: list[str]) -> bool:
    return any(host == s or host.endswith("." + s) for s in suffixes)


def _list(view: PageView, key: str) -> list[str]:
    cache = view.shared.setdefault("lists", {})
    if key not in cache:
        cache[key] = [str(s).lower().strip().lstrip(".") for s in view.context.lists.get(key, []) if s]
    return cache[key]


def _links(view: PageView) -> list[Link]:
    if "links" not in view.memo:
        view.memo["links"] = page_links(view.page.text, view.page.body_start)
    return view.memo["links"]


def is_malformed(target: str) -> bool:
    """A link no browser can open: a bracket that is no IPv6 address, an impossible port (``http://[::1/a``)."""
    try:
        parts = urlsplit(target.strip())
        parts.port  # noqa: B018 - raises for an impossible port
    except ValueError:
        return True
    return False


def malformed(view: PageView) -> Iterator[Hit]:
    for link in _links(view):
        if is_malformed(link.target):
            yield Hit(link.start, link.end, None, detail={"target": link.target.strip()})


def text_addresses(view: PageView) -> list[Link]:
    """Web addresses written as plain text in the prose (the masked text: real links are blanked there)."""
    if "text_addresses" not in view.memo:
        found = []
        text = view.masked
        if "." in text:
            for m in _BARE_HOST.finditer(text, view.page.body_start):
                found.append(Link(m.start(), m.end(), "http://" + m.group(0)))
        view.memo["text_addresses"] = found
    return view.memo["text_addresses"]


def _all_links(view: PageView) -> list[Link]:
    return _links(view) + (text_addresses(view) if view.masked else [])


def external_domain(view: PageView) -> Iterator[Hit]:
    allowed = _list(view, "allowed_domains")
    shorteners = _list(view, "shorteners")
    wechat = _list(view, "wechat_article_hosts")  # reposts, judged by source.wechat-account: no adverts
    for link in _all_links(view):
        if is_malformed(link.target):
            continue  # reported by link.malformed
        host = _host(link.target)
        if host and not _suffix_match(host, allowed) and not _suffix_match(host, shorteners) and host not in wechat:
            yield Hit(link.start, link.end, None, detail={"host": host})


def shortener(view: PageView) -> Iterator[Hit]:
    shorteners = _list(view, "shorteners")
    for link in _all_links(view):
        host = _host(link.target)
        if host and _suffix_match(host, shorteners):
            yield Hit(link.start, link.end, None, detail={"host": host})


def slugify(text: str) -> str:
    """A Unicode-preserving heading slug (lower case, punctuation dropped, spaces to hyphens)."""
    text = re.sub(r"<[^>]+>|[`*_~]", "", text)
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text)
                   if ch.isalnum() or ch in " -_" or unicodedata.category(ch).startswith("L"))
    return re.sub(r"[\s]+", "-", text.strip().lower())


@functools.lru_cache(maxsize=4096)
def _anchors_of(path: str, mtime: float) -> frozenset[str]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    ids: set[str] = set()
    for m in _HEADING.finditer(text):
        if m.group(2):
            ids.add(m.group(2))
        ids.add(slugify(m.group(1)))
        ids.add(m.group(1).strip())
    for m in _EXPLICIT_ID.finditer(text):
        ids.add(m.group(1) or m.group(2))
    return frozenset(ids)


def anchors(path: Path) -> frozenset[str]:
    try:
        return _anchors_of(str(path), path.stat().st_mtime)
    except OSError:
        return frozenset()


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def internal(view: PageView) -> Iterator[Hit]:
    """Relative links to pages, anchors and attachments that do not exist."""
    root = view.context.root
    if root is None:
        return
    page_path = root / view.page.path
    for link in _links(view):
        target = link.target.strip()
        if not target or _host(target) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            continue  # external, mailto:, tel: …
        parts = urlsplit(target)
        path_part = unquote(parts.path)
        anchor = unquote(parts.fragment)
        if not path_part:
            file = page_path
        elif path_part.startswith("/"):
            file = root / "content" / path_part.lstrip("/")
        else:
            file = page_path.parent / PurePosixPath(path_part)
        if path_part:
            resolved = Path(*file.parts)
            if not _inside(Path(os.path.normpath(resolved)), root / "content"):
                yield Hit(link.start, link.end, None, rule="link.outside-content", detail={"target": path_part})
                continue
            candidates = [resolved]
            if path_part.endswith("/"):
                candidates = [resolved / "index.md", resolved / "README.md"]
            elif not resolved.suffix:
                candidates.append(resolved.with_suffix(".md"))
            found = next((c for c in candidates if os.path.exists(c)), None)  # False for a name too long
            if found is None:
                shown = path_part
                yield Hit(link.start, link.end, None, rule="link.internal-missing",
                          detail={"target": shown})
                continue
            file = found
        if anchor and file.suffix == ".md":
            if anchor not in anchors(file) and slugify(anchor) not in anchors(file):
                yield Hit(link.start, link.end, None, rule="link.internal-anchor",
                          detail={"target": target, "anchor": anchor})
