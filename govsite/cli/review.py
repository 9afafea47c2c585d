"""``govsite review status``: per changed page, which review tiers are present, missing, stale or invalid."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="review_command", metavar="子命令")
    status = sub.add_parser("status", help="查看本分支各稿件的审核状态", description="查看本分支各稿件的审核状态")
    status.add_argument("--base", help="合并请求的目标分支（默认 origin/main 或 main）")
    status.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
    status.add_argument("--strict", action="store_true", help="有未完成审核的稿件时以状态 1 退出")
    status.add_argument("--no-proofs", action="store_true",
                        help="不要求三校（一校至三校）；默认按 site_config/site.yml 的 review.require_proofs（缺省为要求）")


def run(args: argparse.Namespace) -> int:
    from govsite.core.errors import GovsiteError
    from govsite.cli.services import render_digests
    from govsite.core.county import find_root
    from govsite.git.refs import default_base
    from govsite.review.status import branch_status, render

    if getattr(args, "review_command", None) != "status":
        raise GovsiteError("请指定子命令，例如：govsite review status")
    root = find_root() if args.root is None else Path(args.root).resolve()
    from govsite.git.repo import open_repo

    open_repo(root)
    report = branch_status(root, args.base or default_base(root), proofs=False if args.no_proofs else None,
                           render_digests=render_digests)
    print(report.to_json(details=True) if args.format == "json" else render(report), end="")
    return 1 if args.strict and not report.ok else 0
