"""``govsite desk``: run the review desk (审签工作台), or ``govsite desk invite`` a person to enrol a passkey."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", default="serve", choices=("serve", "invite"),
                        help="serve 启动工作台（默认）；invite 为人员生成登记通行密钥的链接")
    parser.add_argument("invitee", nargs="*", help="invite 时：单位 电子邮箱（须已在主分支的人员名单中）")
    parser.add_argument("--config", help="工作台配置文件（YAML：state、base、remote、host、port、public_url、notify）")
    parser.add_argument("--host", help="监听地址（默认 127.0.0.1）")
    parser.add_argument("--port", type=int, help="端口（默认 8765）")
    parser.add_argument("--base", help="目标分支（默认 main）")
    parser.add_argument("--remote", help="代码托管平台的远程仓库名（如 origin）：工作台从它取回分支并把签署推送上去")
    parser.add_argument("--public-url", help="人们打开工作台的地址（也是通行密钥的来源，默认 http://localhost:<端口>）")
    parser.add_argument("--state", help="工作台状态目录（登录会话、待签记录、预览、操作日志；默认 <仓库>/.govsite-desk）")


def run(args: argparse.Namespace) -> int:
    from govsite.core.county import find_root
    from govsite.core.errors import GovsiteError
    from govsite.desk.config import load_config

    root = find_root() if args.root is None else Path(args.root).resolve()
    config = load_config(Path(args.config) if args.config else None, root, host=args.host, port=args.port,
                         base=args.base, remote=args.remote, public_url=args.public_url, state=args.state)
    if args.action == "invite":
        if len(args.invitee) != 2:
            raise GovsiteError("用法：govsite desk invite <单位> <电子邮箱>，例如 govsite desk invite dachang lixia@example.gov.cn")
        from govsite.desk.decisions import roster_entry
        from govsite.desk.store import Store
        from govsite.desk.workspace import Workspace

        unit, person = roster_entry(Workspace(config), args.invitee[0], args.invitee[1])
        invite = Store(config.state).invite(unit.id, person.email)
        print(f"{person.name}（{unit.name}）的通行密钥登记链接（{invite.expires:%Y-%m-%d %H:%M} 前有效，只能用一次）：")
        print(f"  {config.origin}/enrol/{invite.token}")
        return 0
    import uvicorn

    from govsite.desk.app import create_app

    print(f"审签工作台：{config.origin}/ （按 Ctrl-C 停止）")
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="warning")
    return 0
