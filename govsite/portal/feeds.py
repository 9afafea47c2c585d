"""RSS feeds (portal and per unit), sitemap.xml(.gz) and robots.txt — deterministic bytes."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from email.utils import format_datetime
from pathlib import Path
from html import escape as e
from xml.sax.saxutils import escape as x

from govsite.portal.catalog import FEED_ITEMS, Article
from govsite.portal.sanitize import text_only

from govsite.core.china import CHINA as CST


def _when(a: Article) -> dt.datetime:
    if a.published:
        return a.published
    day = a.formed or dt.date(1970, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=CST)


def rss(title: str, link: str, description: str, items: list[Article], base_url: str, built: dt.datetime) -> bytes:
    rows = []
    for a in items[:FEED_ITEMS]:
        url = base_url + a.url
        rows.append(f"<item><title>{x(a.title)}</title><link>{x(url)}</link><guid isPermaLink=\"true\">{x(url)}</guid>"
                    f"<pubDate>{format_datetime(_when(a))}</pubDate>"
                    + (f"<description>{x(e(text_only(a.summary)))}</description>" if a.summary else "")
                    + f"<source url=\"{x(base_url)}\">{x(a.source)}</source></item>")
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{x(title)}</title><link>{x(link)}</link><description>{x(description)}</description>"
            f"<language>zh-CN</language><lastBuildDate>{format_datetime(built)}</lastBuildDate>"
            + "".join(rows) + "</channel></rss>\n")
    return text.encode("utf-8")


def sitemap(entries: list[tuple[str, dt.date | None]], base_url: str) -> bytes:
    rows = []
    for url, day in entries:
        rows.append(f"<url><loc>{x(base_url + url)}</loc>" + (f"<lastmod>{day.isoformat()}</lastmod>" if day else "")
                    + "</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows) + "\n</urlset>\n").encode("utf-8")


def gzip_bytes(data: bytes, mtime: int) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=mtime, filename="") as gz:
        gz.write(data)
    return buf.getvalue()


def robots(base_url: str) -> bytes:
    """The public site's robots.txt. It names no internal path: internal pages are never part of the site
    (they go to the internal output), and a Disallow line would only tell everyone where to look."""
    return f"User-agent: *\nAllow: /\nDisallow: /pagefind/\n\nSitemap: {base_url}sitemap.xml\n".encode()


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
