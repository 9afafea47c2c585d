"""``govsite approve``: sign a review tier (审核意见) for the pages changed on this branch."""

from __future__ import annotations

import argparse
from pathlib import Path

TIER_CHOICES = ("1", "2", "3", "principal", "consent", "proof-1", "proof-2", "proof-3")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tier", required=True, choices=TIER_CHOICES,
                        help="审核层级：1 一审（信息员）、2 二审（科室负责人）、3 三审签发（分管负责人）、"
                             "principal 主要负责人签发、consent 会签同意、proof-1..3 一校至三校")
    parser.add_argument("paths", nargs="*", help="要审核的稿件路径（默认：本分支改动的全部稿件）")
    parser.add_argument("--all-changed", action="store_true", help="审核本分支相对目标分支改动的全部稿件")
    parser.add_argument("--base", help="合并请求的目标分支（默认 origin/main 或 main）")
    parser.add_argument("--key", help="SSH 签名私钥文件（默认 git config user.signingkey）")
    parser.add_argument("--unit", help="会签时代表的单位（默认：签名者所在单位）")
    parser.add_argument("--checklist", help="确认的审核清单项，逗号分隔（默认：第十六条全部十一项）")
    parser.add_argument("--note", default="", help="审核意见说明（写入提交说明）")
    parser.add_argument("--push", action="store_true",
                        help="签署后推送到远程分支；有人抢先推送时自动取回并在其之后重新签署")
    parser.add_argument("--accept-exemptions", action="store_true",
                        help="认可稿件中写明的豁免（二审认可错误级别问题的豁免，三审认可个人隐私、保密类豁免）")


def run(args: argparse.Namespace) -> int:
    from govsite.cli.services import render_digests
    from govsite.core.county import find_root
    from govsite.review.approve import ApproveResult, approve, approve_and_push

    root = find_root() if args.root is None else Path(args.root).resolve()
    checklist = tuple(x.strip() for x in args.checklist.split(",") if x.strip()) if args.checklist else None
    def sign() -> ApproveResult:
        return approve(root, args.tier, args.paths, args.all_changed, args.base, args.key, args.unit,
                       checklist, args.note, render_digests=render_digests, accept_exemptions=args.accept_exemptions)

    result = approve_and_push(root, sign) if args.push else sign()
    if result.exemptions:
        print("本次签署认可了以下豁免（已逐条写入审核意见）：")
        for path, what in result.exemptions:
            print(f"  {path}：{what}")
    for sha in result.created:
        print(f"已签署审核意见 {sha[:10]}（{args.tier}）。可运行 govsite review status 查看进度。")
    for path in result.skipped:
        if args.tier.startswith("proof-") and not (path.startswith("content/") and (root / path).is_file()):
            print(f"未校对 {path}：它不是现有稿件页面（人员名单文件或已删除的稿件），三校只针对排版后的稿件页面。")
            continue
        print(f"未签署 {path}：它属于其他单位（或是人员名单文件，须由县政府办公室分管负责人审批），请由相应人员签署。")
    if result.pushed:
        print(result.pushed)
    return 0
