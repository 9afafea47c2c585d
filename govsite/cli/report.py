"""``govsite report annual``: draft the annual report on government information disclosure (年度报告) as a page of
the unit's 年报 column and as a Word document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=("annual",), help="annual：政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）")
    parser.add_argument("--year", type=int, required=True, help="报告年度，例如 2026")
    parser.add_argument("--unit", metavar="ID", help="单位标识（默认县政府本级：由县政府办公室的年报栏目发布，统计全部单位）")
    parser.add_argument("-o", "--output", metavar="DIR", help="Word 文件的输出目录（默认 reports/annual/年度/）")
    parser.add_argument("--today", metavar="DATE", help="起草日期 YYYY-MM-DD（默认今天，北京时间）")
    parser.add_argument("--force", action="store_true", help="年报稿件已存在时覆盖它（默认不覆盖）")


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    from govsite.audit.annual import draft_annual_report, render_markdown, write_annual_docx
    from govsite.core.china import today_in_china
    from govsite.core.county import find_root
    from govsite.core.errors import GovsiteError

    root = find_root() if args.root is None else Path(args.root).resolve()
    try:
        today = dt.date.fromisoformat(args.today) if args.today else today_in_china()
    except ValueError:
        raise GovsiteError(f"--today 的日期“{args.today}”无法识别，请写成 YYYY-MM-DD。") from None
    if not 2000 <= args.year <= today.year:
        raise GovsiteError(f"--year {args.year} 不是可以起草年报的年度（2000 年至 {today.year} 年）。")
    report = draft_annual_report(root, args.year, args.unit, today)
    page = root / report.page_path
    if page.exists() and not args.force:
        raise GovsiteError(f"年报稿件 {report.page_path} 已存在，未覆盖。要重新起草请加 --force（原稿会被替换），"
                           "或先把原稿改名。")
    out = Path(args.output) if args.output else root / "reports" / "annual" / str(args.year)
    if out.exists() and not out.is_dir():
        raise GovsiteError(f"输出位置 {out} 是一个文件，请给出目录。")
    out.mkdir(parents=True, exist_ok=True)
    docx = out / f"{report.title}.docx"
    write_annual_docx(report, docx)
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render_markdown(report), encoding="utf-8")
    todo = render_markdown(report).count("【待填】")
    print(f"已起草《{report.title}》：\n  稿件 {report.page_path}\n  Word {docx}\n"
          f"其中 {todo} 处“【待填】”须由本单位据实填写（填完前 govsite check 会拦下）；填好后按三审三校送审发布。",
          file=sys.stderr)
    return 0
