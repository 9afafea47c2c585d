"""Helpers for the browser tests: a local HTTP server over a built site and headless Debian Chromium.

Never downloads browsers: Playwright drives /usr/bin/chromium (apt-get install chromium).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1366, "height": 900}
MOBILE = {"width": 390, "height": 844}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()


def screenshots(out: Path, pages: dict[str, str], base: str, b: object) -> list[Path]:
    """Full-page PNGs of ``pages`` (name → site-relative URL) at desktop and mobile widths."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for label, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        ctx = b.new_context(viewport=size, device_scale_factor=1, locale="zh-CN")
        page = ctx.new_page()
        for name, url in pages.items():
            page.goto(base + url, wait_until="networkidle")
            path = out / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            made.append(path)
        ctx.close()
    return made


if __name__ == "__main__":
    import sys

    site_dir = Path(sys.argv[1])
    targets = dict(arg.split("=", 1) for arg in sys.argv[3:])
    with serve(site_dir) as base_url, browser() as chromium:
        for p in screenshots(Path(sys.argv[2]), targets, base_url, chromium):
            print(p)
