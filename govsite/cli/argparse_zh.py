"""Chinese for argparse's own messages (usage errors are user-facing too)."""

from __future__ import annotations

import argparse

_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：参数错误：%(message)s\n",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
}


def install() -> None:
    """Route argparse's gettext through the table above."""
    argparse._ = lambda s: _ZH.get(s, s)  # type: ignore[attr-defined]
    argparse.ngettext = lambda s, p, n: _ZH.get(s if n == 1 else p, s if n == 1 else p)  # type: ignore[attr-defined]
