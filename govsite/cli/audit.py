"""``govsite audit``: 读网 and 通报 — freshness, timeliness, coverage, new media, links, roster, single-veto items."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", dest="as_of", metavar="DATE",
                        help="审计日期 YYYY-MM-DD（默认今天，北京时间）；按该日最后一个提交还原当时的内容，结果可复现")
    parser.add_argument("--format", choices=("text", "json", "html"), default="text", help="输出格式（默认 text）")
    parser.add_argument("--site", metavar="DIR",
                        help="构建出的站点目录，用于链接检查（默认仓库下的 site/，不存在则不检查链接）")
    parser.add_argument("--online", action="store_true", help="联网检查外部链接（默认完全离线）")
    parser.add_argument("--allow", action="append", default=[], metavar="DOMAIN",
                        help="外部链接白名单域名（不联网探测，可重复；也读取清单 audit_link_allow）")
    parser.add_argument("--timeout", type=float, default=10.0, help="外部链接超时秒数（默认 10）")
    parser.add_argument("--concurrency", type=int, default=8, help="外部链接并发数（默认 8）")
    parser.add_argument("--output", "-o", metavar="FILE", help="把报告写入文件（终端只显示汇总）")
    parser.add_argument("--link-base", metavar="URL",
                        help="HTML 报告中稿件和栏目链接的前缀（默认 site_config/site.yml 的 base_url）")
    parser.add_argument("--no-checks", action="store_true", help="不运行合规检查（严重错误指标将显示为未判定）")


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    from govsite.audit.run import Progress, run_audit
    from govsite.audit.text import render_json, render_summary, render_text
    from govsite.core.errors import GovsiteError
    from govsite.core.county import find_root

    if args.output:
        from govsite.core.outputs import report_file

        report_file(Path(args.output))  # before the work, not after it
    root = find_root() if args.root is None else Path(args.root).resolve()
    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise GovsiteError(f"--as-of 的日期“{args.as_of}”无法识别，请写成 YYYY-MM-DD，例如 2026-11-20。") from None
    if args.timeout <= 0 or args.concurrency < 1:
        raise GovsiteError("--timeout 必须大于 0，--concurrency 至少为 1。")
    site_dir: Path | None = None
    if args.site:
        site_dir = Path(args.site).resolve()
        if not site_dir.is_dir():
            raise GovsiteError(f"站点目录 {args.site} 不存在。请先运行 govsite build --preview -o {args.site}。")
    elif (root / "site" / "index.html").is_file():
        site_dir = root / "site"
    from govsite.core.county import County

    allow = {a.strip().lower() for a in args.allow if a.strip()}
    allow |= {str(a).strip().lower() for a in County(root).lists.get("audit_link_allow", []) or [] if str(a).strip()}
    progress = Progress()
    try:
        report = run_audit(root, as_of, site_dir, online=args.online, allow=allow, run_checks=not args.no_checks,
                           timeout=args.timeout, concurrency=args.concurrency, progress=progress)
    finally:
        progress.finish()
    if args.format == "json":
        text = render_json(report) + "\n"
    elif args.format == "html":
        from govsite.audit.html import render_html

        base = args.link_base if args.link_base is not None else str(County(root).site.get("base_url") or "")
        text = render_html(report, base=base if not base or base.endswith("/") else base + "/")
    else:
        text = render_text(report)
    if args.output:
        from govsite.core.outputs import write_report

        write_report(Path(args.output), text)
        print(render_summary(report) + f" 报告已写入 {args.output}。", file=sys.stderr)
    else:
        sys.stdout.write(text)
        if args.format != "text":
            print(render_summary(report), file=sys.stderr)
    return report.exit_code()
