"""``govsite`` command line: one module per command under ``govsite/cli/``, imported only when used."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from govsite import __version__
from checks.errors import CheckError as GovsiteError  # the base of every user-facing error (exit 2)

# command name → (module under govsite.cli, one-line Chinese help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "检查稿件的合规问题（保密、隐私、政治性表述、敏感词、错别字、广告、情绪化表述、来源、格式、链接）"),
    "rules": ("rules", "列出全部检查规则及其说明"),
    "new": ("new", "按栏目新建一篇稿件（自动填好头部信息）"),
    "approve": ("approve", "签署审核/校对意见（三审三校），生成与内容绑定的签名提交"),
    "review": ("review", "查看合并请求中各稿件的审核状态"),
    "verify": ("verify", "发布前核验：每篇稿件是否已完成三审（及会签、重大信息签发）"),
    "allowed-signers": ("allowed_signers", "由人员名单生成 git 的 allowed-signers 文件"),
    "build": ("build", "用 MkDocs 构建门户网站（仅发布已核验的稿件；--preview 预览全部）"),
    "serve": ("serve", "在本机预览已构建的网站"),
    "audit": ("audit", "读网：栏目更新、发布时效、链接、新媒体、密钥等审计与单位计分"),
    "province": ("province", "省级集约化平台：分片审计多个县的网站仓库，合并为全省记分卡和通报"),
    "report": ("report", "起草政府信息公开工作年度报告（annual）"),
    "desk": ("desk", "启动审签工作台：在浏览器中审核、校对并用通行密钥签署"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that command's arguments are loaded (a faster start for hooks)."""
    from govsite.cli import argparse_zh as cli_zh

    cli_zh.install()
    parser = argparse.ArgumentParser(
        prog="govsite", description="govsite：县级政府网站合规发布工具。",
        epilog="退出码：0 无问题；1 发现错误或核验未通过；2 用法或输入错误；3 govsite 内部错误（附崩溃日志）。",
    )
    parser.add_argument("--version", action="version", version=f"govsite {__version__}")
    parser.add_argument("--root", help="仓库目录（默认：当前目录或其上级中含 units/ 与 content/ 的目录）")
    parser.add_argument("--no-cache", dest="no_cache_all", action="store_true",
                        help="不读也不写任何缓存（规则包、正则、检查结果、模板……），结果与使用缓存时相同")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module)
        if only is not None and name != only:
            continue
        try:
            mod = importlib.import_module(f"govsite.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"govsite.cli.{module}":
                raise
            p.set_defaults(_missing=True)
            continue
        mod.add_arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("govsite: 已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except GovsiteError as exc:  # a usage or input problem raised outside a command (exit 2)
        print(f"govsite: {exc.render()}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - anything else is govsite's own fault: log it, exit 3
        from govsite.cli import crash

        return crash.report(exc, argv)


def _main(argv: list[str]) -> int:
    if "--no-cache" in _global_options(argv):  # `check --no-cache` is the result cache alone
        from checks.cachedir import NO_CACHE_ENV

        os.environ[NO_CACHE_ENV] = "1"  # for this process and the ones it starts (render, check workers)
    from checks import regexcache

    regexcache.prime_stdlib_cache()
    command = _command_in(argv)
    parser = build_parser(command if command in COMMANDS and not {"-h", "--help"} & set(argv[:1]) else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message; usage errors are exit 2
        return int(exc.code or 0)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    if getattr(args, "_missing", False):
        print(f"govsite: 命令“{args.command}”尚未在此版本中提供。", file=sys.stderr)
        return 2
    module = importlib.import_module(f"govsite.cli.{args._module}")
    try:
        return int(module.run(args))
    except GovsiteError as exc:
        print(f"govsite {args.command}: {exc.render()}", file=sys.stderr)
        return 2
    finally:
        regexcache.remember_stdlib_cache()


def _global_options(argv: list[str]) -> list[str]:
    """The words before the command word (``govsite --no-cache --root X check …`` → ``--no-cache --root X``)."""
    command = _command_in(argv)
    return argv[: argv.index(command)] if command in argv else list(argv)


def _command_in(argv: list[str]) -> str | None:
    """The command word in ``argv`` (skipping global options and their values)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
            continue
        if word == "--root":
            skip = True
            continue
        if not word.startswith("-"):
            return word
    return None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
