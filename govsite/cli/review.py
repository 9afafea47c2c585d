"""``govsite review status|return|withdraw``: per changed page, which review tiers are present, missing, stale or
invalid; return a version to its author (退回), withdraw one's own approvals (撤回)."""

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


    back = sub.add_parser("return", help="退回稿件：对当前版本写明意见，作废该版本已有的审核意见",
                          description="退回稿件（科室负责人、分管负责人、主要负责人）：写明意见，该版本已有的审核意见作废，"
                                      "信息员按意见修改后重新提交审核")
    back.add_argument("paths", nargs="*", help="要退回的稿件（默认：本分支改动的全部稿件）")
    back.add_argument("--note", required=True, help="退回意见（必填，信息员据此修改）")
    back.add_argument("--base", help="合并请求的目标分支（默认 origin/main 或 main）")
    back.add_argument("--key", help="SSH 签名私钥文件（默认 git config user.signingkey）")
    take = sub.add_parser("withdraw", help="撤回自己签署的审核意见", description="撤回自己签署的审核意见（签名记录）")
    take.add_argument("commits", nargs="*", help="要撤回的审核意见的提交编号（默认：本分支上自己签署的全部审核意见）")
    take.add_argument("--note", default="", help="撤回原因")
    take.add_argument("--base", help="合并请求的目标分支（默认 origin/main 或 main）")
    take.add_argument("--key", help="SSH 签名私钥文件（默认 git config user.signingkey）")


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "review_command", None)
    if command in ("return", "withdraw"):
        return _revoke(args, command)
    return _status(args)


def _revoke(args: argparse.Namespace, command: str) -> int:
    from govsite.core.county import find_root
    from govsite.review.revoke import return_version, withdraw

    root = find_root() if args.root is None else Path(args.root).resolve()
    if command == "return":
        result = return_version(root, args.paths, args.note, args.base, args.key)
        for sha in result.created:
            print(f"已退回（退回意见 {sha[:10]}）：{'、'.join(result.taken_back)}。该版本已有的审核意见作废；"
                  "请推送（git push），信息员在 govsite review status 中可看到退回意见。")
        return 0
    result = withdraw(root, args.commits, args.note, args.base, args.key)
    for sha in result.created:
        print(f"已撤回审核意见 {'、'.join(s[:10] for s in result.taken_back)}（撤回记录 {sha[:10]}）。请推送（git push）。")
    return 0


def _status(args: argparse.Namespace) -> int:
    from govsite.core.errors import GovsiteError
    from govsite.cli.services import render_digests
    from govsite.core.county import find_root
    from govsite.git.refs import default_base
    from govsite.review.status import branch_status, render

    if getattr(args, "review_command", None) != "status":
        raise GovsiteError("请指定子命令：govsite review status（查看审核状态）、return（退回稿件）或 withdraw（撤回审核意见）")
    root = find_root() if args.root is None else Path(args.root).resolve()
    from govsite.git.repo import open_repo

    open_repo(root)
    report = branch_status(root, args.base or default_base(root), proofs=False if args.no_proofs else None,
                           render_digests=render_digests)
    print(report.to_json(details=True) if args.format == "json" else render(report), end="")
    return 1 if args.strict and not report.ok else 0
