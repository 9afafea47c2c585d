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
    circular = parser.add_argument_group("印发通报（--report tongbao）")
    circular.add_argument("--report", choices=("tongbao",),
                          help="tongbao：生成检查期的通报（Word 与 PDF）和问题清单（Excel），并更新整改台账；"
                               "此时 -o 是输出目录（默认 reports/检查期/）")
    circular.add_argument("--period", metavar="PERIOD", help="检查期：季度 2026Q4、半年 2026H2、月份 2026-11 或年份 2026")
    circular.add_argument("--number", metavar="文号", help="通报文号（默认按整改台账顺延，如 巫山府办〔2026〕4号）")
    circular.add_argument("--issued-on", dest="issued_on", metavar="DATE", help="印发日期 YYYY-MM-DD（默认今天，北京时间）")
    circular.add_argument("--ledger", metavar="FILE", help="整改台账文件（默认 reports/rectification.json）")
    circular.add_argument("--no-pdf", action="store_true", help="不生成 PDF（没有 Chromium 时）")


def run(args: argparse.Namespace) -> int:

    from govsite.audit.run import Progress, run_audit
    from govsite.audit.text import render_json, render_summary, render_text
    from govsite.core.errors import GovsiteError
    from govsite.core.county import find_root

    if args.report:
        return _circular(args)
    if args.period:
        raise GovsiteError("--period 只用于印发通报：请加 --report tongbao，或用 --as-of 指定审计日期。")
    if args.output:
        from govsite.core.outputs import report_file

        report_file(Path(args.output))  # before the work, not after it
    root = find_root() if args.root is None else Path(args.root).resolve()
    as_of = _day(args.as_of, "--as-of")
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


def _day(text: str | None, option: str):
    import datetime as dt

    from govsite.core.errors import GovsiteError

    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise GovsiteError(f"{option} 的日期“{text}”无法识别，请写成 YYYY-MM-DD，例如 2026-11-20。") from None


def _circular(args: argparse.Namespace) -> int:
    """``--report tongbao``: the circular, its problem list and the ledger (govsite.audit.circulate)."""
    from govsite.audit.circulate import issue_circular
    from govsite.audit.period import parse_period
    from govsite.audit.run import Progress
    from govsite.core.china import today_in_china
    from govsite.core.county import find_root
    from govsite.core.errors import GovsiteError

    if not args.period:
        raise GovsiteError("印发通报须指定检查期，例如 --period 2026Q4。")
    if args.as_of or args.format != "text":
        raise GovsiteError("印发通报时审计日期由检查期决定（期末或今天），不能再用 --as-of 或 --format。")
    period = parse_period(args.period)
    root = find_root() if args.root is None else Path(args.root).resolve()
    issued_on = _day(args.issued_on, "--issued-on") or today_in_china()
    out = Path(args.output) if args.output else root / "reports" / period.key
    site_dir = Path(args.site).resolve() if args.site else (root / "site" if (root / "site" / "index.html").is_file() else None)
    progress = Progress()
    try:
        issued = issue_circular(root, period, out, issued_on, site_dir, run_checks=not args.no_checks,
                                number=args.number, ledger_path=Path(args.ledger) if args.ledger else None,
                                pdf=not args.no_pdf, progress=progress)
    finally:
        progress.finish()
    c = issued.circular
    overdue = sum(1 for i in c.items if i.status == "overdue")
    print(f"已生成{c.number}《{c.title}》：", file=sys.stderr)
    for path in issued.files.values():
        print(f"  {path}", file=sys.stderr)
    print(f"问题清单 {issued.problems} 条（其中前期逾期未整改 {overdue} 条）；整改台账已更新：{issued.ledger}。"
          "请核对后按公文程序签发。", file=sys.stderr)
    return 0
