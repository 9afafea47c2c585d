"""Render digests (渲染摘要) for 三校: what a proofreader reviews, reduced to one sha256 per page.

A proofread (``proof-1..3``, Art. 17 三校) is of the laid-out page, so it binds to a digest of the page
as MkDocs and our hooks render it: the article block (metadata table, title, byline, repost note and
body; for a page outside the unit/column catalogue, the rendered content area). Parts that
legitimately differ between the preview a proofreader looks at and the published page are removed or
normalised first:

- the 未审核 and 预览版本 banners (preview only) and the navigation, header and footer (outside the block);
- the 发布日期 value (it comes from git when the merge reaches main; ``待发布`` in a preview) and the 更新日期
  row and byline entry (``gs-updated``: shown once a correction reaches main, never in the preview of it);
- search-index attributes (``data-pagefind-*``) and asset fingerprints (``main.1a2b3c4d.min.css``);
- whitespace between tags (template indentation);
- what the theme computes from other pages (a policy document's replacing document, the links between a
  document and its 解读): marked ``data-gs-xref``, an attribute the sanitiser removes from page bodies, so
  only the theme can mark anything; the other page is proofread on its own;
- links to another page that is held back at publication: MkDocs leaves them as ``x.md``; they are
  rewritten to the URL the preview links to (the dead link itself is the audit's business).

Images shown in the block are part of what is proofread: the bytes of each local ``<img src>`` (as
written to the output) are hashed into the digest, so replacing a picture under the same name counts
as a change.

Every build writes ``render-digests.json`` (``{"version": 1, "pages": {"content/<unit>/<column>/x.md":
"<sha256>"}}``) into the output directory; :func:`render_digests` builds a preview of a revision (or the
working tree) in a temporary directory and returns the same mapping — the gate and ``govsite approve
--tier proof-N`` use it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

MANIFEST = "render-digests.json"
VERSION = 1
_SALT = b"govsite-render-digest-v1\n"

_ARTICLE_START = re.compile(r'<div\s+class="gs-article"[^>]*>')
_CONTENT_START = re.compile(r'<article\s+class="gs-content[^"]*"[^>]*>')
_DIV = re.compile(r"<(/?)div\b", re.I)
_XREF = re.compile(r"<(div|span)\b[^>]*?\sdata-gs-xref(?=[\s>])[^>]*>.*?</\1>", re.S)
_BANNER = re.compile(r'<div\s+class="gs-unverified"[^>]*>.*?</div>', re.S)
_PUBLISHED_CELL = re.compile(r'(<td\b[^>]*data-pagefind-meta="发布日期"[^>]*>)[^<]*(</td>)')
_PUBLISHED_TEXT = re.compile(r'(<p\s+class="gs-byline"[^>]*>\s*<span>\s*发布日期[：:]\s*)[^<]*')
_UPDATED = re.compile(r'<tr\s+class="gs-updated"[^>]*>.*?</tr>|<span\s+class="gs-updated"[^>]*>[^<]*</span>', re.S)
_PAGEFIND_ATTR = re.compile(r'\s+data-pagefind-[a-z-]+(?:="[^"]*")?')
_ASSET_HASH = re.compile(r"\.[0-9a-f]{8,}(\.min)?\.(css|js)\b")
_BETWEEN_TAGS = re.compile(r">\s+<")
_SPACES = re.compile(r"[ \t\r\f\v]+\n|\n[ \t\r\f\v]+|\n{2,}")
_HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]+)(")', re.I)
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.I)


def _block(html: str, start: re.Match[str]) -> str:
    """The ``<div>`` opened at ``start`` up to its matching ``</div>``."""
    depth = 0
    for m in _DIV.finditer(html, start.start()):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return html[start.start():m.end() + 1]
    return html[start.start():]


def extract(html: str) -> str | None:
    """The part of a built page a proofreader reviews (the article block), or None if the page has none."""
    m = _ARTICLE_START.search(html)
    if m is not None:
        return _block(html, m)
    m = _CONTENT_START.search(html)
    if m is None:
        return None
    end = html.find("</article>", m.end())
    # the content area's own tag is the theme's business (its classes), not the proofread page's
    return "<article>" + _BANNER.sub("", html[m.end():end if end > 0 else len(html)])


def normalise(fragment: str) -> str:
    """Remove what legitimately changes between the preview and the publication (see module doc)."""
    text = _XREF.sub("", fragment) if "data-gs-xref" in fragment else fragment
    text = _PUBLISHED_CELL.sub(r"\1{发布日期}\2", text)
    text = _PUBLISHED_TEXT.sub(r"\1{发布日期}", text)
    text = _UPDATED.sub("", text)
    text = _PAGEFIND_ATTR.sub("", text)
    text = _ASSET_HASH.sub(lambda m: (m.group(1) or "") + "." + m.group(2), text)
    text = _BETWEEN_TAGS.sub("><", text.strip())
    return _SPACES.sub("\n", text)


def page_digest(html: str, asset: Callable[[str], bytes | None] | None = None,
                link: Callable[[str], str] | None = None) -> str | None:
    """sha256 (hex) of the normalised article block of one built page; ``asset(src)`` gives the bytes of a
    local image the block shows (None when not found; remote images count by their URL only);
    ``link(href)`` rewrites unresolved ``.md`` links to page URLs."""
    block = extract(html)
    if block is None:
        return None
    text = normalise(block)
    if link is not None and ".md" in text:
        text = _HREF.sub(lambda m: m.group(1) + link(m.group(2)) + m.group(3), text)
    h = hashlib.sha256(_SALT + text.encode("utf-8"))
    if asset is not None:
        for src in dict.fromkeys(_IMG_SRC.findall(block)):
            data = asset(src)
            if data is not None:
                h.update(f"\n{src} ".encode() + hashlib.sha256(data).hexdigest().encode())
    return h.hexdigest()


def _asset_reader(site_dir: Path, page_file: Path) -> Callable[[str], bytes | None]:
    top = site_dir.resolve()

    def read(src: str) -> bytes | None:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        target = (page_file.parent / unquote(parts.path)).resolve()
        if top not in target.parents or not target.is_file():
            return None
        return target.read_bytes()

    return read


def source_asset_reader(sources: dict[str, str], dest: str) -> Callable[[str], bytes | None]:
    """Like :func:`_asset_reader` while the site is still being written: ``sources`` maps the site path of
    every file the build copies to its source file; ``dest`` is the page's output file (site path)."""
    page_dir = posixpath.dirname(dest)

    def read(src: str) -> bytes | None:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        target = posixpath.normpath(posixpath.join(page_dir, unquote(parts.path)))
        source = sources.get(target)
        if source is None:
            return None
        try:
            return Path(source).read_bytes()
        except OSError:
            return None

    return read


def link_rewriter(path: str, dest: str) -> Callable[[str], str]:
    """``x.md`` links of the page ``path`` (written to ``dest``) → the URL MkDocs gives a page it builds."""
    src_dir = posixpath.dirname(path[len("content/"):])
    directory = dest.endswith("index.html") and not path.endswith("/index.md")
    page_dir = posixpath.dirname(dest)

    def fix(href: str) -> str:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
            return href
        target = posixpath.normpath(posixpath.join(src_dir, unquote(parts.path)))[:-3]
        if target.startswith("../"):
            return href
        if posixpath.basename(target) == "index":
            url, slash = posixpath.dirname(target) or ".", "/"
        elif directory:
            url, slash = target, "/"
        else:
            url, slash = target + ".html", ""
        rel = posixpath.relpath(url, page_dir or ".")
        rel = ("" if rel == "." else rel + slash) if slash else rel
        return (rel or "./") + (f"#{parts.fragment}" if parts.fragment else "")

    return fix


def write_manifest(site_dir: Path, digests: dict[str, str]) -> None:
    data = {"version": VERSION, "pages": dict(sorted(digests.items()))}
    (site_dir / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def read_manifest(site_dir: Path) -> dict[str, str]:
    data = json.loads((site_dir / MANIFEST).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("pages"), dict):
        raise ValueError(f"{MANIFEST}: unknown format")
    return {str(k): str(v) for k, v in data["pages"].items()}


def digests_of_site(site_dir: Path, pages: dict[str, str]) -> dict[str, str]:
    """Repository path → digest, for ``pages`` (repository path → output file relative to ``site_dir``)."""
    out: dict[str, str] = {}
    for path, dest in pages.items():
        f = site_dir / dest
        if not f.is_file():
            continue
        d = page_digest(f.read_text(encoding="utf-8", errors="replace"), _asset_reader(site_dir, f),
                        link_rewriter(path, dest))
        if d is not None:
            out[path] = d
    return out


def render_digests(root: Path, rev: str | None = None, versions: dict[str, bytes] | None = None) -> dict[str, str]:
    """Build a preview of ``rev`` (or of the working tree when None) with the real pipeline, in a temporary
    directory, and return repository path → render digest for every content page it renders.

    ``versions`` (with ``rev`` only): repository path → bytes written over the exported revision first, e.g.
    the earlier approved versions the published build shows instead of pages whose change is unapproved.

    The preview shows every page (verified or not); the review gate is not consulted (so the gate may call
    this), search indexing and the dashboard are skipped. Logging below errors is silenced.
    """
    with tempfile.TemporaryDirectory(prefix="govsite-render-") as tmp:
        return preview_build(root, rev, Path(tmp) / "site", versions)


def preview_build(root: Path, rev: str | None, out: Path, versions: dict[str, bytes] | None = None) -> dict[str, str]:
    """:func:`render_digests`, keeping the preview in the new folder ``out`` (the review desk shows its pages:
    what a reviewer reads is the render the proofs bind)."""
    from govsite.git.dates import head_timestamp  # noqa: PLC0415
    from govsite.git.export import export_tree  # noqa: PLC0415
    from govsite.portal.build import build_site  # noqa: PLC0415
    from govsite.portal.verdict import Verdict  # noqa: PLC0415

    root = Path(root).resolve()
    saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    saved_disable = logging.root.manager.disable
    with tempfile.TemporaryDirectory(prefix="govsite-render-") as tmp:
        tree = root
        if rev is not None:
            tree = Path(tmp) / "tree"
            epoch = export_tree(root, rev, tree)
            for path, data in (versions or {}).items():
                target = tree / path
                if tree.resolve() in target.resolve().parents:  # repository paths only, never outside the tree
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
        else:
            epoch = head_timestamp(root) or 0
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # the build date decides which units are still open
        logging.disable(logging.WARNING)
        try:
            build_site(tree, out, preview=True, search=False, gate=Verdict(ok=False), dashboard=False)
            return read_manifest(out)
        finally:
            logging.disable(saved_disable)
            if saved_epoch is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved_epoch
