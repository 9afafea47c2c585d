"""Attachments (附件): the files under content/ a page links to or shows (PDFs, images, spreadsheets).

They are part of the page: the portal publishes an attachment only with a page that references it, and an
approval of a page names the version of every attachment it links (the reviewers saw them), so a file
replaced after 三审三校 is not published as if it had been reviewed.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

_LINK_TARGET = re.compile(
    r"""\]\(\s*<([^>\n]+)>"""                         # [text](<target with spaces>)
    r"""|\]\(\s*([^)\s]+)"""                          # [text](target "title") and ![alt](target)
    r"""|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^>\s]+)"""      # [ref]: target
    r"""|\b(?:src|href)\s*=\s*["']([^"']+)["']""",       # raw HTML
    re.M)


def references(src_uri: str, text: str) -> set[str]:
    """Paths (relative to content/) that the Markdown page ``src_uri`` links to or shows."""
    base = posixpath.dirname(src_uri)
    out: set[str] = set()
    for m in _LINK_TARGET.finditer(text):
        target = next(g for g in m.groups() if g)
        try:
            parts = urlsplit(target)
        except ValueError:  # e.g. "http://[::1/a": no browser opens it (the checks report link.malformed)
            continue
        if parts.scheme or parts.netloc or not parts.path:
            continue
        path = unquote(parts.path)
        out.add(path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(base, path)))
    return out


def attachments(page: str, text: str) -> list[str]:
    """The repository paths (``content/…``) of the files other than pages that the page ``page``
    (``content/<unit>/<column>/x.md``) links to or shows, in a stable order."""
    src = page[len("content/"):] if page.startswith("content/") else page
    out = set()
    for rel in references(src, text):
        if rel.startswith("../") or rel in (".", "") or rel.endswith((".md", "/")):
            continue
        out.add("content/" + rel)
    return sorted(out)
