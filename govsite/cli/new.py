"""``govsite new <unit>/<column> 标题``: create a page with correct front matter."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("where", metavar="单位/栏目", help="例如 dachang/gzdt")
    parser.add_argument("title", metavar="标题", nargs="+", help="稿件标题")
    parser.add_argument("--formed", help="信息形成日期 YYYY-MM-DD（默认今天）")
    parser.add_argument("--slug", help="文件名（不含日期与 .md，默认按序号生成）")


def run(args: argparse.Namespace) -> int:
    import datetime as dt
    import re

    from govsite.cli import open_project
    from govsite.core.errors import GovsiteError

    project = open_project(args)
    parts = args.where.strip("/").split("/")
    if len(parts) != 2:
        raise GovsiteError("请按“单位/栏目”指定位置，例如：govsite new dachang/gzdt 大昌镇召开森林防火工作会")
    unit_id, column_id = parts
    unit = project.units.get(unit_id)
    if unit is None:
        raise GovsiteError(f"单位“{unit_id}”不存在。已有单位：{'、'.join(f'{u.id}（{u.display_name}）' for u in project.units.values())}。")
    if column_id not in unit.columns:
        raise GovsiteError(f"{unit.name}没有栏目“{column_id}”。已有栏目：{'、'.join(f'{c.id}（{c.title}）' for c in unit.columns.values())}。")
    title = " ".join(args.title).strip()
    if not title:
        raise GovsiteError("标题不能为空。请写出稿件标题，例如：govsite new dachang/gzdt 大昌镇召开森林防火工作会")
    try:
        formed = dt.date.fromisoformat(args.formed) if args.formed else dt.date.today()
    except ValueError:
        raise GovsiteError(f"日期“{args.formed}”无效，请写成 YYYY-MM-DD。") from None
    folder = project.root / "content" / unit_id / column_id
    folder.mkdir(parents=True, exist_ok=True)
    slug = args.slug or ""
    if slug and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise GovsiteError("文件名只能用小写字母、数字和连字符。")
    n = 1
    while True:
        name = f"{formed.isoformat()}-{slug or f'{n:02d}'}.md"
        path = folder / name
        if not path.exists():
            break
        if slug:
            raise GovsiteError(f"文件已存在：{project.rel(path)}。请换一个 --slug。")
        n += 1
    safe_title = title.replace('"', "”")
    path.write_text(
        f'---\ntitle: "{safe_title}"\nformed: {formed.isoformat()}\ndisclosure: 主动公开\n---\n\n'
        "（在此撰写正文。提交前会自动检查保密、隐私、错别字等问题。）\n",
        encoding="utf-8",
    )
    print(f"已创建 {project.rel(path)}（{unit.display_name} · {unit.columns[column_id].title}）。"
          "如为转载，请在头部加入 repost: {from: 原发单位, url: 原文链接}；联合发文请加 co_units。", file=sys.stderr)
    print(project.rel(path))
    return 0
