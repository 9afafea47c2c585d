"""``govsite serve``: serve the built site locally (search needs HTTP, not file://)."""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-d", "--dir", help="网站目录（默认：仓库下的 site/）")
    parser.add_argument("-p", "--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument("--bind", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问）")


def run(args: argparse.Namespace) -> int:
    from govsite.core.errors import GovsiteError  # noqa: PLC0415
    from govsite.core.county import find_root  # noqa: PLC0415

    site = Path(args.dir) if args.dir else (Path(args.root) if args.root else find_root()) / "site"
    if not (site / "index.html").is_file():
        raise GovsiteError(f"{site} 中没有已构建的网站。请先运行 govsite build（或 govsite build --preview）。")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    try:
        server = http.server.ThreadingHTTPServer((args.bind, args.port), handler)
    except OSError as exc:
        raise GovsiteError(f"无法在 {args.bind}:{args.port} 启动预览服务：{exc.strerror}。请用 --port 换一个端口。") from exc
    print(f"govsite serve: 正在预览 {site}，请在浏览器中打开 http://{args.bind}:{args.port}/ （按 Ctrl+C 停止）")
    sys.stdout.flush()
    with server:
        server.serve_forever()
    return 0
