"""``govsite verify``: the publish gate — every page needs valid, signed tiers for its current content."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rev", default="HEAD", help="要核验的分支或提交（默认 HEAD）")
    parser.add_argument("--base", help="合并请求的目标分支：本分支上的审核按合并基点的人员名单判断")
    parser.add_argument("--report", help="把核验结果写成 JSON 文件，例如 verify.json")
    parser.add_argument("--quiet", action="store_true", help="只输出汇总")
    parser.add_argument("--git-signatures", action="store_true",
                        help="由 git 自己逐一核验签名（较慢，用于独立复核；默认在进程内核验同样的签名）")
    parser.add_argument("--no-proofs", action="store_true",
                        help="只核验三审，不要求三校（一校至三校须绑定预览构建的渲染摘要，核验时要构建一次预览）。"
                             "默认按首个提交中 site_config/site.yml 的 review.require_proofs（缺省为要求）")


def run(args: argparse.Namespace) -> int:
    from govsite.cli.services import render_digests
    from govsite.core.county import find_root
    from govsite.review.gate import verify_repository

    if args.report:
        from govsite.core.outputs import report_file

        report_file(Path(args.report))  # before the work, not after it
    root = find_root() if args.root is None else Path(args.root).resolve()
    report = verify_repository(root, args.rev, args.base, git_signatures=args.git_signatures,
                               proofs=False if args.no_proofs else None, render_digests=render_digests)
    if args.report:
        from govsite.core.outputs import write_report

        write_report(Path(args.report), report.to_json() + "\n")
    if not args.quiet:
        for f in report.failures:
            print(f"{f.path}: [{f.tier}] {f.reason}", file=sys.stderr)
    pages = sum(1 for r in report.results.values() if r.kind == "page")
    if report.ok:
        what = "三审三校" if report.proofs else "三审"
        print(f"核验通过：{len(report.verified)} 项（稿件 {pages} 篇）均有有效的{what}记录，"
              f"共检查审核意见 {report.approvals} 条。")
        return 0
    bad = len({f.path for f in report.failures})
    where = "逐项原因见上" if not args.quiet else (f"逐项原因见 {args.report}" if args.report else "去掉 --quiet 可逐项查看原因")
    print(f"核验未通过：{bad} 项未完成有效审核（共 {len(report.failures)} 个问题），不能发布。"
          f"{where}；可用 govsite review status 查看，或用 govsite approve 补签。", file=sys.stderr)
    return 1
