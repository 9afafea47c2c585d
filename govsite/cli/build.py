"""``govsite build``: publish the portal (verified pages only) or a preview of everything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preview", action="store_true",
                        help="预览模式：构建全部稿件（含未核验稿件），未审核稿件显示醒目的“未审核”横幅")
    parser.add_argument("-o", "--output", help="输出目录（默认：仓库下的 site/，构建成功后整体原子替换）")
    parser.add_argument("--no-search", action="store_true", help="不生成站内搜索索引（仅用于调试）")
    parser.add_argument("-v", "--verbose", action="store_true", help="显示 MkDocs 的详细日志")


def run(args: argparse.Namespace) -> int:
    from govsite.core.county import find_root  # noqa: PLC0415
    from govsite.portal.build import GateRefused, build_site  # noqa: PLC0415

    root = Path(args.root).resolve() if args.root else find_root()
    output = Path(args.output) if args.output else None
    try:
        result = build_site(root, output, preview=args.preview, search=not args.no_search, verbose=args.verbose)
    except GateRefused as refused:
        by_page: dict[str, list[str]] = {}
        for path, tier, reason in refused.gate.failures:
            label = reason if tier == "单位" else (reason.split("：", 1)[0] if "：" in reason else str(tier))
            by_page.setdefault(path, []).append(label)
        print(f"govsite build: 发布核验未通过，拒绝发布。以下 {len(by_page)} 个文件阻止发布：", file=sys.stderr)
        for n, (path, tiers) in enumerate(sorted(by_page.items())):
            if n == 100:
                print(f"  ……另有 {len(by_page) - 100} 个文件（govsite verify 查看完整清单）", file=sys.stderr)
                break
            if path.startswith("units/"):
                print(f"  {path}：{' '.join(tiers)}", file=sys.stderr)
            else:
                print(f"  {path}：{'、'.join(dict.fromkeys(tiers))}未通过", file=sys.stderr)
        first = refused.gate.failures[0][2] if refused.gate.failures else ""
        if first:
            print(f"例如：{first}", file=sys.stderr)
        print("请完成三审三校签名后再发布（govsite verify 查看详情）；如仅需预览，请运行 govsite build --preview。"
              "已发布的网站未被改动。", file=sys.stderr)
        return 1
    mode = "预览" if result.preview else "正式"
    extra = f"，其中 {result.unverified} 篇未审核（已加“未审核”横幅）" if result.preview and result.unverified else ""
    print(f"govsite build: {mode}构建完成：{result.articles} 篇稿件{extra}，共 {result.pages} 个页面，"
          f"用时 {result.seconds:.1f} 秒，输出到 {result.output}")
    serve = "govsite serve" if args.output is None else f"govsite serve -d {result.output}"
    print(f"在浏览器中查看：{serve}（然后打开 http://127.0.0.1:8000/）")
    return 0
