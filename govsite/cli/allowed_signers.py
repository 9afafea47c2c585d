"""``govsite allowed-signers``: git's allowed-signers file from the roster (units/*.yml)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", help="写入的文件（默认输出到屏幕）；之后 git config gpg.ssh.allowedSignersFile <文件>")


def run(args: argparse.Namespace) -> int:
    from govsite.core.errors import GovsiteError
    from govsite.core.county import County, find_root
    from govsite.review.signers import allowed_signers

    root = find_root() if args.root is None else Path(args.root).resolve()
    project = County(root)
    units = project.units
    errors = [p for p in project.problems if p.severity == "error" and p.path.startswith("units/")]
    for p in errors:
        print(f"{p.path}:{p.line}: {p.message}", file=sys.stderr)
    text = allowed_signers(units.values())
    if not text:
        raise GovsiteError("人员名单中没有登记任何签名公钥（units/*.yml 的 people[].keys）。请先登记公钥。")
    if args.output:
        from govsite.core.outputs import write_report

        write_report(Path(args.output), text)
        print(f"已写入 {args.output}（{text.count(chr(10))} 把密钥）。", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if errors else 0
