"""``govsite province``: the audit of many county repositories (省级集约化平台), one shard per CI job, then one merge.

    govsite province run province.yml --shard 2/4 --as-of 2026-12-31 -o shard-2.json
    govsite province merge province.yml shard-*.json -o 省级通报/
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="操作", required=True)
    run = sub.add_parser("run", help="审计省级清单中的各县（或其中一片）", description="审计省级清单中的各县（或其中一片），"
                         "结果写入分片 JSON，供 merge 合并。某县无法审计时记录原因并继续。")
    run.add_argument("province", metavar="PROVINCE.yml", help="省级清单：列出各县的 id、name 和仓库（目录或 git 地址）")
    run.add_argument("--shard", metavar="i/N", help="只审计第 i 片（共 N 片，按清单顺序每 N 个县取第 i 个）；CI 中每个作业一片")
    run.add_argument("--as-of", dest="as_of", metavar="DATE",
                     help="审计日期 YYYY-MM-DD（默认今天，北京时间）；各分片必须相同，CI 中请用流水线的创建日期")
    run.add_argument("--no-checks", action="store_true", help="不运行合规检查（严重错误指标将显示为未判定）")
    run.add_argument("-o", "--output", metavar="FILE", help="分片结果文件（默认 province-shard-i-of-N.json）")
    merge = sub.add_parser("merge", help="合并各分片结果，生成全省记分卡和通报",
                           description="合并各分片结果，生成全省（市）记分卡（JSON、HTML）和省级通报（Word）。")
    merge.add_argument("province", metavar="PROVINCE.yml", help="与各分片相同的省级清单")
    merge.add_argument("shards", metavar="SHARD.json", nargs="+", help="各分片的结果文件（province run 的输出）")
    merge.add_argument("-o", "--output", metavar="DIR", help="输出目录（默认 province-report/）")
    merge.add_argument("--period", metavar="PERIOD", help="检查期，如 2026Q4（默认审计日所在季度）")
    merge.add_argument("--number", metavar="文号", help="通报文号（默认 省级清单的 number_prefix〔年〕1号）")
    merge.add_argument("--issued-on", dest="issued_on", metavar="DATE", help="印发日期 YYYY-MM-DD（默认今天，北京时间）")


def run(args: argparse.Namespace) -> int:
    from govsite.audit.province import load_province

    province = load_province(Path(args.province))
    return _run(args, province) if args.action == "run" else _merge(args, province)


def _day(text: str | None, option: str):
    import datetime as dt

    from govsite.core.errors import GovsiteError

    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise GovsiteError(f"{option} 的日期“{text}”无法识别，请写成 YYYY-MM-DD，例如 2026-12-31。") from None


def _run(args: argparse.Namespace, province) -> int:
    import json

    from govsite.audit.province import parse_shard, run_shard
    from govsite.core.china import today_in_china
    from govsite.core.outputs import report_file, write_report

    index, total = parse_shard(args.shard)
    out = Path(args.output or f"province-shard-{index}-of-{total}.json")
    report_file(out)  # before the work, not after it
    as_of = _day(args.as_of, "--as-of") or today_in_china()
    result = run_shard(province, index, total, as_of, run_checks=not args.no_checks,
                       progress=lambda text: print(f"审计 {text}", file=sys.stderr, flush=True))
    write_report(out, json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    failed = [c for c in result["counties"] if c["status"] != "audited"]
    print(f"第 {index}/{total} 片：审计 {len(result['counties']) - len(failed)} 个县" +
          (f"，{len(failed)} 个未能审计（{'、'.join(c['name'] for c in failed)}，原因见结果文件）" if failed else "") +
          f"；结果已写入 {out}。", file=sys.stderr)
    return 1 if failed else 0


def _merge(args: argparse.Namespace, province) -> int:
    from govsite.audit.circular_docx import write_docx
    from govsite.audit.period import parse_period
    from govsite.audit.province import merge, read_shard
    from govsite.audit.province_report import make_circular, render_html, render_json, render_text
    from govsite.core.china import today_in_china
    from govsite.core.errors import GovsiteError
    from govsite.core.outputs import write_report

    report = merge(province, [read_shard(Path(p)) for p in args.shards])
    as_of = report.as_of
    period = parse_period(args.period or f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}")
    issued_on = _day(args.issued_on, "--issued-on") or today_in_china()
    number = args.number or f"{province.number_prefix or province.name + '府办'}〔{issued_on.year}〕1号"
    out = Path(args.output or "province-report")
    if out.exists() and not out.is_dir():
        raise GovsiteError(f"{out} 是一个文件，不能作为输出目录。请换一个目录名。")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GovsiteError(f"无法创建输出目录 {out}：{exc.strerror or exc}。") from None
    write_report(out / "province.json", render_json(report))
    write_report(out / "province.html", render_html(report))
    docx = out / f"通报-{period.key}.docx"
    write_docx(make_circular(province, report, period, number, issued_on), docx)
    sys.stdout.write(render_text(report))
    print(f"已写入 {out / 'province.json'}、{out / 'province.html'} 和 {docx}（{number}）。请核对后按公文程序签发。",
          file=sys.stderr)
    return 1 if report.failed else 0
