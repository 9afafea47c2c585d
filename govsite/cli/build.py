"""``govsite build``: publish the portal (verified pages only) or a preview of everything."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preview", action="store_true",
                        help="预览模式：构建全部稿件（含未核验稿件），未审核稿件显示醒目的“未审核”横幅")
    parser.add_argument("-o", "--output", help="输出目录（默认：仓库下的 site/，构建成功后整体原子替换）")
    parser.add_argument("--internal-output", metavar="DIR",
                        help="内部输出目录：读网看板（含工作人员姓名）写在这里，不进网站目录，不得公开发布"
                             "（默认：网站输出目录旁的“<目录名>-internal”，即 site-internal/；同样整体原子替换）")
    parser.add_argument("--no-search", action="store_true", help="不生成站内搜索索引（仅用于调试）")
    parser.add_argument("-v", "--verbose", action="store_true", help="显示 MkDocs 的详细日志")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="渲染页面的进程数（默认每个 CPU 核一个，最多 4 个；输出与进程数无关）")
    parser.add_argument("--no-skeletons", action="store_true",
                        help="每篇稿件都完整渲染页面模板（不用页面骨架；输出相同，仅用于性能对比）")


def run(args: argparse.Namespace) -> int:
    from govsite.cli.services import portal_services  # noqa: PLC0415
    from govsite.core.county import find_root  # noqa: PLC0415
    from govsite.core.errors import GovsiteError  # noqa: PLC0415
    from govsite.portal.build import build_site  # noqa: PLC0415
    from govsite.portal.verdict import GateRefused  # noqa: PLC0415

    root = Path(args.root).resolve() if args.root else find_root()
    output = Path(args.output) if args.output else None
    internal = Path(args.internal_output) if args.internal_output else None
    if args.workers is not None and args.workers < 1:
        raise GovsiteError("--workers 至少为 1。")
    signal.signal(signal.SIGTERM, _stop)
    try:
        result = build_site(root, output, preview=args.preview, search=not args.no_search, verbose=args.verbose,
                            workers=args.workers, skeletons=not args.no_skeletons, services=portal_services(),
                            internal=internal)
    except GateRefused as refused:
        _explain_refusal(refused)
        return 1
    if result.verdict is not None:
        _explain_held_back(result.verdict)
    if result.held:
        print(f"govsite build: 以下 {len(result.held)} 篇稿件已通过审核，但仍有未豁免的错误，本次不发布"
              "（《管理办法》第十六条）：", file=sys.stderr)
        for path, lines in sorted(result.held.items()):
            print(f"  {path}：{lines[0]}" + (f"（另有 {len(lines) - 1} 处）" if len(lines) > 1 else ""), file=sys.stderr)
        print("请改正后重新审核，或按规定写明豁免理由（govsite check 查看全部问题）。", file=sys.stderr)
    mode = "预览" if result.preview else "正式"
    extra = f"，其中 {result.unverified} 篇未审核（已加“未审核”横幅）" if result.preview and result.unverified else ""
    print(f"govsite build: {mode}构建完成：{result.articles} 篇稿件{extra}，共 {result.pages} 个页面，"
          f"用时 {result.seconds:.1f} 秒，输出到 {result.output}")
    serve = "govsite serve" if args.output is None else f"govsite serve -d {result.output}"
    print(f"在浏览器中查看：{serve}（然后打开 http://127.0.0.1:8000/）")
    if result.internal is not None:
        _explain_internal(result.internal)
    if result.old_internal:
        print(f"govsite build: 旧版本曾把读网看板写在网站的 internal/ 目录下；新的 {result.output} 中已没有它。"
              "如网页服务器上的网站目录是复制过去的，请在服务器上删除其中的 internal/ 目录"
              "（它含工作人员姓名，不应公开）。", file=sys.stderr)
    return 0


def _explain_internal(folder: Path) -> None:
    """Where the internal pages went, and that they must not be published."""
    print(f"内部页面（读网看板，含工作人员姓名）输出到 {folder}，不在网站目录中。该目录不得公开发布："
          "不要复制到门户网站目录，网页服务器只能在内网或登录后提供它。"
          f"本机查看：govsite serve -d {folder} -p 8001（然后打开 http://127.0.0.1:8001/）")


def _stop(signum: int, frame: Any) -> None:  # noqa: ARG001
    """SIGTERM (a stopped CI job, systemd) unwinds like Ctrl-C: workers stopped, scratch folders removed."""
    raise KeyboardInterrupt


def _explain_held_back(verdict: Any, limit: int = 100) -> None:
    """What the published build kept at an earlier version or left out, and why (the gate's first reason)."""
    earlier = sorted(verdict.versions)
    left_out = sorted(p for p in verdict.failing if p.startswith("content/") and p not in verdict.versions)

    def show(paths: list[str]) -> None:
        for path in paths[:limit]:
            print(f"  {path}：{verdict.failing.get(path, '').split('。')[0]}", file=sys.stderr)
        if len(paths) > limit:
            print(f"  ……另有 {len(paths) - limit} 篇（govsite verify 查看完整清单）", file=sys.stderr)

    if earlier:
        print(f"govsite build: 以下 {len(earlier)} 篇稿件的最新修改未通过审核，网站上继续显示它最后一次通过三审三校的版本：",
              file=sys.stderr)
        show(earlier)
    if left_out:
        print(f"govsite build: 以下 {len(left_out)} 篇稿件（或删除）尚未通过审核，本次不发布，网站上也没有它通过审核的版本：",
              file=sys.stderr)
        show(left_out)
    if earlier or left_out:
        print("其余稿件照常发布。完成审核后重新构建即可更新（govsite review status 查看每篇缺少哪一级审核）。",
              file=sys.stderr)


def _explain_refusal(refused: object) -> None:
    """Which files block publishing and why: units first (Art. 8), then pages with their failing tiers."""
    units = getattr(refused, "units", [])
    verdict = getattr(refused, "verdict", None)
    failures = list(getattr(getattr(verdict, "report", None), "failures", None) or [])
    # only these stop the build; an unapproved page alone is held back
    if any(f.path.startswith(("units/", "site_config/")) for f in failures):
        failures = [f for f in failures if f.path.startswith(("units/", "site_config/"))]
    elif failures and not units:
        print("govsite build: 没有一篇稿件通过三审三校，网站上也没有可保留的已审核版本，无法发布。", file=sys.stderr)
    by_page: dict[str, list[str]] = {}
    for f in failures:
        by_page.setdefault(f.path, []).append(f.reason.split("：", 1)[0] if "：" in f.reason else str(f.tier))
    total = len(units) + len(by_page)
    print(f"govsite build: 发布核验未通过，拒绝发布。以下 {total} 个文件阻止发布：", file=sys.stderr)
    for u in units:
        print(f"  {u.path}：{u.reason}", file=sys.stderr)
    for n, (path, tiers) in enumerate(sorted(by_page.items())):
        if n == 100:
            print(f"  ……另有 {len(by_page) - 100} 个文件（govsite verify 查看完整清单）", file=sys.stderr)
            break
        print(f"  {path}：{'、'.join(dict.fromkeys(tiers))}未通过", file=sys.stderr)
    if failures:
        print(f"例如：{failures[0].reason}", file=sys.stderr)
    elif not units and verdict is not None and getattr(verdict, "note", ""):
        print(verdict.note, file=sys.stderr)
    print("请完成三审三校签名后再发布（govsite verify 查看详情）；如仅需预览，请运行 govsite build --preview。"
          "已发布的网站未被改动。", file=sys.stderr)
