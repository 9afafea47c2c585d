"""Notices from the review desk: a real HTTP receiver plays the group robot (企业微信/政务微信, 钉钉), a real SMTP
server (aiosmtpd) the mail server; failures come back as Chinese sentences naming where, never as exceptions."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from aiosmtpd.smtp import SMTP as SMTPServer

from govsite.core.errors import GovsiteError
from govsite.desk.notify import Notice, Notifier, NotifySettings, Recipient

NOTICE = Notice(
    kind="waiting",
    title="待你二审：大昌镇召开森林防火工作部署会",
    lines=("单位：大昌镇人民政府", "栏目：工作动态", "审核层级：二审", "请于 2026年12月9日 前审核"),
    url="https://desk.example.gov.cn/pages/datchang/gzdt/senlin-fanghuo",
    to=(Recipient("张科", "zhangke@example.gov.cn"), Recipient("李明", "liming@example.gov.cn")),
)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The robot here is on 127.0.0.1: a proxy of this machine's environment must not carry the posts."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


# --- a group robot --------------------------------------------------------------------------------------------------


@dataclass
class Robot:
    """An HTTP receiver that records what is posted and answers as told (status, JSON reply)."""

    url: str
    posts: list[Any] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)
    status: int = 200
    reply: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})


@pytest.fixture
def robot() -> Iterator[Robot]:
    state: list[Robot] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            r = state[0]
            data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            r.posts.append(json.loads(data.decode("utf-8")))
            r.paths.append(self.path)
            r.content_types.append(self.headers.get("Content-Type", ""))
            body = json.dumps(r.reply).encode("utf-8")
            self.send_response(r.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.append(Robot(f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=SECRET-KEY"))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield state[0]
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections: bound (so nobody else takes it) but not listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def test_wecom_markdown_message_has_the_exact_shape(robot: Robot) -> None:
    problems = Notifier(NotifySettings(webhook=robot.url)).send(NOTICE)
    assert problems == []
    assert robot.posts == [{
        "msgtype": "markdown",
        "markdown": {"content": "**待你二审：大昌镇召开森林防火工作部署会**\n单位：大昌镇人民政府\n栏目：工作动态\n审核层级：二审\n"
                                "请于 2026年12月9日 前审核\n"
                                "[打开审签工作台](https://desk.example.gov.cn/pages/datchang/gzdt/senlin-fanghuo)"},
    }]
    assert robot.paths == ["/cgi-bin/webhook/send?key=SECRET-KEY"]
    assert robot.content_types == ["application/json; charset=utf-8"]


def test_dingtalk_markdown_message_has_the_exact_shape(robot: Robot) -> None:
    problems = Notifier(NotifySettings(webhook=robot.url, webhook_format="dingtalk")).send(NOTICE)
    assert problems == []
    assert robot.posts == [{
        "msgtype": "markdown",
        "markdown": {"title": "待你二审：大昌镇召开森林防火工作部署会",
                     "text": "#### 待你二审：大昌镇召开森林防火工作部署会\n\n单位：大昌镇人民政府\n\n栏目：工作动态\n\n审核层级：二审\n\n"
                             "请于 2026年12月9日 前审核\n\n"
                             "[打开审签工作台](https://desk.example.gov.cn/pages/datchang/gzdt/senlin-fanghuo)"},
        "at": {"atMobiles": [], "isAtAll": False},
    }]


def test_a_long_opinion_is_cut_to_the_robots_limit_and_keeps_the_link(robot: Robot) -> None:
    returned = Notice("returned", "被退回：大昌镇召开森林防火工作部署会", ("退回意见：" + "请核实数字。" * 800,), NOTICE.url, NOTICE.to)
    assert Notifier(NotifySettings(webhook=robot.url)).send(returned) == []
    content = robot.posts[0]["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    assert content.startswith("**被退回：大昌镇召开森林防火工作部署会**\n退回意见：请核实数字。")
    assert content.endswith("……（内容过长，请在审签工作台查看全文）\n[打开审签工作台](" + NOTICE.url + ")")


def test_a_robot_answering_errcode_is_a_problem_naming_the_robot_without_its_key(robot: Robot) -> None:
    robot.reply = {"errcode": 93000, "errmsg": "invalid webhook url"}
    [problem] = Notifier(NotifySettings(webhook=robot.url)).send(NOTICE)
    assert "群机器人 http://127.0.0.1:" in problem and "拒收了通知“待你二审：大昌镇召开森林防火工作部署会”" in problem
    assert "错误码 93000，invalid webhook url" in problem and "请对照机器人文档检查" in problem
    assert "SECRET-KEY" not in problem and "密钥已隐去" in problem


def test_a_robot_answering_http_500_is_a_problem(robot: Robot) -> None:
    robot.status = 500
    [problem] = Notifier(NotifySettings(webhook=robot.url, webhook_format="dingtalk")).send(NOTICE)
    assert problem.startswith("群机器人 http://127.0.0.1:") and "（HTTP 500）" in problem and "notify.webhook" in problem
    assert len(robot.posts) == 1  # the server answered: no retry


def test_an_unreachable_robot_is_a_problem_not_an_exception(closed_port: int) -> None:
    [problem] = Notifier(NotifySettings(webhook=f"http://127.0.0.1:{closed_port}/robot/send?access_token=T")).send(NOTICE)
    assert problem.startswith(f"连不上群机器人 http://127.0.0.1:{closed_port}/robot/send（密钥已隐去），通知“待你二审：")
    assert "请检查网络、代理和 notify.webhook 地址" in problem and "access_token" not in problem


# --- a mail server --------------------------------------------------------------------------------------------------


@dataclass
class Mailbox:
    port: int
    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def messages(self) -> list[EmailMessage]:
        out = []
        for e in self.envelopes:
            assert isinstance(e.content, bytes)
            out.append(email.message_from_bytes(e.content, policy=email.policy.default))
        return [m for m in out if isinstance(m, EmailMessage)]


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(self, server: SMTPServer, session: Session, envelope: Envelope, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 没有这个用户"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.box.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _mail_server(require_login: bool) -> Iterator[Mailbox]:
    box = Mailbox(_free_port())

    def authenticate(server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        box.logins.append((user, password))
        return AuthResult(success=(user, password) == ("shenqian", "Kl-2026!"), handled=False)

    kwargs: dict[str, Any] = {"authenticator": authenticate, "auth_require_tls": False} if require_login else {}
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=box.port, **kwargs)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    yield from _mail_server(require_login=False)


@pytest.fixture
def login_mailbox() -> Iterator[Mailbox]:
    yield from _mail_server(require_login=True)


def test_one_mail_to_all_recipients_with_chinese_subject_and_body(mailbox: Mailbox) -> None:
    settings = NotifySettings(smtp_host="127.0.0.1", smtp_port=mailbox.port, sender="shenqian@example.gov.cn")
    assert Notifier(settings).send(NOTICE) == []
    [envelope] = mailbox.envelopes
    assert envelope.mail_from == "shenqian@example.gov.cn"
    assert envelope.rcpt_tos == ["zhangke@example.gov.cn", "liming@example.gov.cn"]
    [message] = mailbox.messages()
    assert message["Subject"] == "待你二审：大昌镇召开森林防火工作部署会"
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("张科", "zhangke@example.gov.cn"), ("李明", "liming@example.gov.cn")]
    assert message.get_content_charset() == "utf-8" and message["Message-ID"] and message["Date"]
    assert message.get_content() == ("单位：大昌镇人民政府\n栏目：工作动态\n审核层级：二审\n请于 2026年12月9日 前审核\n\n"
                                     "打开审签工作台：https://desk.example.gov.cn/pages/datchang/gzdt/senlin-fanghuo\n")


def test_recipients_without_an_address_or_refused_are_named(mailbox: Mailbox) -> None:
    notice = Notice("approved", "已签发：大昌镇召开森林防火工作部署会", ("单位：大昌镇人民政府",), NOTICE.url,
                    (Recipient("张科", "zhangke@example.gov.cn"), Recipient("王立新", ""), Recipient("赵无", "nobody@example.gov.cn")))
    settings = NotifySettings(smtp_host="127.0.0.1", smtp_port=mailbox.port, sender="shenqian@example.gov.cn")
    problems = Notifier(settings).send(notice)
    assert problems == [
        "王立新 没有登记电子邮箱，未收到通知“已签发：大昌镇召开森林防火工作部署会”的邮件。请为其登记电子邮箱。",
        f"邮件服务器 127.0.0.1:{mailbox.port} 拒收了收件人 nobody@example.gov.cn，他们未收到通知“已签发：大昌镇召开森林防火工作部署会”的邮件。"
        "请检查这些电子邮箱。",
    ]
    assert [e.rcpt_tos for e in mailbox.envelopes] == [["zhangke@example.gov.cn"]]


def test_login_when_configured_and_a_refused_login_is_a_problem(login_mailbox: Mailbox) -> None:
    good = NotifySettings(smtp_host="127.0.0.1", smtp_port=login_mailbox.port, smtp_user="shenqian",
                          smtp_password="Kl-2026!", sender="shenqian@example.gov.cn")
    assert Notifier(good).send(NOTICE) == []
    assert login_mailbox.logins == [("shenqian", "Kl-2026!")] and len(login_mailbox.envelopes) == 1
    bad = NotifySettings(smtp_host="127.0.0.1", smtp_port=login_mailbox.port, smtp_user="shenqian",
                         smtp_password="wrong", sender="shenqian@example.gov.cn")
    [problem] = Notifier(bad).send(NOTICE)
    assert problem.startswith(f"邮件服务器 127.0.0.1:{login_mailbox.port} 拒绝登录（535")
    assert "请检查 notify.smtp_user 和 notify.smtp_password" in problem
    assert len(login_mailbox.envelopes) == 1
    chinese = NotifySettings(smtp_host="127.0.0.1", smtp_port=login_mailbox.port, smtp_user="shenqian",
                             smtp_password="口令-2026", sender="shenqian@example.gov.cn")
    [problem] = Notifier(chinese).send(NOTICE)
    assert problem.startswith(f"无法登录邮件服务器 127.0.0.1:{login_mailbox.port}：notify.smtp_user 或 notify.smtp_password 含有汉字")
    assert len(login_mailbox.envelopes) == 1


def test_starttls_asked_of_a_server_without_it_is_a_problem(mailbox: Mailbox) -> None:
    settings = NotifySettings(smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_starttls=True, sender="shenqian@example.gov.cn")
    [problem] = Notifier(settings).send(NOTICE)
    assert problem.startswith(f"邮件服务器 127.0.0.1:{mailbox.port} 不支持加密（STARTTLS），通知“待你二审：")
    assert "notify.smtp_starttls" in problem and mailbox.envelopes == []


def test_an_unreachable_mail_server_is_a_problem_not_an_exception(closed_port: int) -> None:
    settings = NotifySettings(smtp_host="127.0.0.1", smtp_port=closed_port, sender="shenqian@example.gov.cn", timeout=2)
    [problem] = Notifier(settings).send(NOTICE)
    assert problem.startswith(f"连不上邮件服务器 127.0.0.1:{closed_port}，通知“待你二审：大昌镇召开森林防火工作部署会”的邮件未发出（")
    assert "请检查 notify.smtp_host、notify.smtp_port 和网络" in problem


# --- both, in the background ----------------------------------------------------------------------------------------


def test_send_later_and_drain_deliver_to_robot_and_mail(robot: Robot, mailbox: Mailbox) -> None:
    notifier = Notifier(NotifySettings(webhook=robot.url, smtp_host="127.0.0.1", smtp_port=mailbox.port,
                                       sender="审签工作台 <shenqian@example.gov.cn>"))
    second = Notice("enrolment", "通行密钥待批准：张科", ("单位：大昌镇人民政府",), "https://desk.example.gov.cn/enrol", NOTICE.to[:1])
    notifier.send_later(NOTICE)
    notifier.send_later(second)
    notifier.drain(timeout=5)
    assert [p["markdown"]["content"].splitlines()[0] for p in robot.posts] == [
        "**待你二审：大昌镇召开森林防火工作部署会**", "**通行密钥待批准：张科**"]
    assert [m["Subject"] for m in mailbox.messages()] == ["待你二审：大昌镇召开森林防火工作部署会", "通行密钥待批准：张科"]
    assert mailbox.messages()[0]["From"].addresses[0].display_name == "审签工作台"
    workers = [t for t in threading.enumerate() if t.name == "govsite-desk-notify"]
    assert workers and all(t.daemon for t in workers)


def test_send_later_logs_problems(robot: Robot, caplog: pytest.LogCaptureFixture) -> None:
    robot.reply = {"errcode": 45009, "errmsg": "api freq out of limit"}
    notifier = Notifier(NotifySettings(webhook=robot.url))
    with caplog.at_level(logging.WARNING, logger="govsite.desk"):
        notifier.send_later(NOTICE)
        notifier.drain(timeout=5)
    [record] = [r for r in caplog.records if r.name == "govsite.desk"]
    assert "错误码 45009" in record.getMessage() and "（通知：待你二审：大昌镇召开森林防火工作部署会）" in record.getMessage()


def test_nothing_configured_sends_nothing() -> None:
    assert Notifier(NotifySettings()).send(NOTICE) == []


# --- settings -------------------------------------------------------------------------------------------------------


def test_settings_from_the_desk_config() -> None:
    assert NotifySettings.from_config(None) == NotifySettings() == NotifySettings.from_config({})
    settings = NotifySettings.from_config({
        "webhook": " https://oapi.dingtalk.com/robot/send?access_token=abc ", "webhook_format": "dingtalk",
        "smtp_host": "mail.example.gov.cn", "smtp_port": 587, "smtp_user": "shenqian@example.gov.cn",
        "smtp_password": " p ", "smtp_starttls": True, "timeout": 5})
    assert settings == NotifySettings("https://oapi.dingtalk.com/robot/send?access_token=abc", "dingtalk",
                                      "mail.example.gov.cn", 587, "shenqian@example.gov.cn", " p ", True, "", 5.0)


@pytest.mark.parametrize(("data", "names"), [
    ({"smtp_port": "25"}, "notify.smtp_port"),
    ({"smtp_port": True}, "notify.smtp_port"),
    ({"smtp_starttls": "yes"}, "notify.smtp_starttls"),
    ({"timeout": "10"}, "notify.timeout"),
    ({"timeout": 0}, "notify.timeout"),
    ({"webhook": 12}, "notify.webhook"),
    ({"webhook": "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, "notify.webhook"),
    ({"webhook_format": "feishu"}, "notify.webhook_format"),
    ({"smtp_hots": "mail.example.gov.cn"}, "notify.smtp_hots"),
    ({"smtp_host": "mail.example.gov.cn"}, "notify.sender"),
    (["webhook"], "notify"),
])
def test_wrong_settings_name_the_key(data: Any, names: str) -> None:
    with pytest.raises(GovsiteError) as caught:
        NotifySettings.from_config(data)
    assert names in str(caught.value) and "审签工作台配置" in str(caught.value)
    assert "key=k" not in str(caught.value)
