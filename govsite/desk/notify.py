"""Notices from the review desk (通知): a page waits for the next reviewer, was returned to its author, was signed.

A notice goes to a group robot (企业微信/政务微信 or 钉钉 webhook, JSON over HTTP) and by e-mail (SMTP), each only
when configured in the desk's ``notify:`` section. Delivery never raises for network or mail-server failures: it
returns (or, in the background, logs) Chinese sentences saying what failed, where, and what to do."""

from __future__ import annotations

import http.client
import json
import logging
import queue
import smtplib
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, fields
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from govsite.core.errors import GovsiteError

KINDS = ("waiting", "returned", "approved", "enrolment")  # 待你审核, 被退回, 已签发, 通行密钥待批准
WEBHOOK_FORMATS = ("wecom", "dingtalk")
RETRY_PAUSE = 0.5  # seconds before the one retry after a connection failure
LINK_TEXT = "打开审签工作台"
# the robots' limits on a message (bytes of UTF-8): 企业微信 markdown 4096, 钉钉 20000
_LIMITS = {"wecom": 4096, "dingtalk": 20000}
_CUT = "……（内容过长，请在审签工作台查看全文）"


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str


@dataclass(frozen=True)
class Notice:
    """One message to people (通知)."""

    kind: str  # "waiting" (待你审核), "returned" (被退回), "approved" (已签发), "enrolment" (通行密钥待批准)
    title: str  # one Chinese line, e.g. "待你二审：大昌镇召开森林防火工作部署会"
    lines: tuple[str, ...]  # Chinese body lines (unit, column, tier, deadline, opinion …)
    url: str  # link into the desk
    to: tuple[Recipient, ...]


@dataclass(frozen=True)
class NotifySettings:
    """Where notices go (the ``notify:`` section of the desk's configuration); empty = nowhere."""

    webhook: str = ""  # URL of a 政务微信/企业微信/钉钉-style group robot; "" = none
    webhook_format: str = "wecom"  # "wecom" (企业微信/政务微信 markdown message) or "dingtalk" (钉钉 markdown)
    smtp_host: str = ""  # "" = no e-mail
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    sender: str = ""  # From address
    timeout: float = 10.0

    @classmethod
    def from_config(cls, data: dict[str, Any] | None) -> NotifySettings:
        """Read the ``notify:`` section (``None`` or ``{}``: no notices). Raises :class:`GovsiteError` naming the
        key that is unknown or has the wrong type."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise GovsiteError(f"审签工作台配置中的 notify 应为键值设置（如 webhook: …、smtp_host: …），现在是“{data!r}”。")
        known = [f.name for f in fields(cls)]
        for key in data:
            if key not in known:
                raise GovsiteError(f"审签工作台配置中的 notify.{key} 不是可用的设置。可用的设置：{'、'.join(known)}。")
        values: dict[str, Any] = {}
        for key in ("webhook", "webhook_format", "smtp_host", "smtp_user", "smtp_password", "sender"):
            if key in data and data[key] is not None:
                if not isinstance(data[key], str):
                    raise GovsiteError(f"审签工作台配置中的 notify.{key} 应为文字，现在是“{data[key]!r}”。")
                values[key] = data[key].strip() if key != "smtp_password" else data[key]
        if data.get("smtp_port") is not None:
            port = data["smtp_port"]
            if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
                raise GovsiteError(f"审签工作台配置中的 notify.smtp_port 应为 1 到 65535 之间的端口号，现在是“{port!r}”。")
            values["smtp_port"] = port
        if data.get("smtp_starttls") is not None:
            if not isinstance(data["smtp_starttls"], bool):
                raise GovsiteError(f"审签工作台配置中的 notify.smtp_starttls 应为 true 或 false，现在是“{data['smtp_starttls']!r}”。")
            values["smtp_starttls"] = data["smtp_starttls"]
        if data.get("timeout") is not None:
            timeout = data["timeout"]
            if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
                raise GovsiteError(f"审签工作台配置中的 notify.timeout 应为大于 0 的秒数，现在是“{timeout!r}”。")
            values["timeout"] = float(timeout)
        settings = cls(**values)
        if settings.webhook_format not in WEBHOOK_FORMATS:
            raise GovsiteError(f"审签工作台配置中的 notify.webhook_format 应为 wecom（企业微信/政务微信）或 dingtalk（钉钉），"
                               f"现在是“{settings.webhook_format}”。")
        if settings.webhook and urllib.parse.urlsplit(settings.webhook).scheme not in ("http", "https"):
            raise GovsiteError(f"审签工作台配置中的 notify.webhook 应为 http:// 或 https:// 开头的群机器人地址，现在是“{_shown(settings.webhook)}”。")
        if settings.smtp_host and not _sender(settings):
            raise GovsiteError("审签工作台配置中设置了 notify.smtp_host，但没有发件地址：请设置 notify.sender（如 shenqian@example.gov.cn）。")
        return settings


class Notifier:
    """Delivers notices by group robot and e-mail, now (:meth:`send`) or on its own worker thread (:meth:`send_later`)."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings
        self._queue: queue.Queue[Notice] = queue.Queue()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._worker: threading.Thread | None = None
        self._log = logging.getLogger("govsite.desk")

    def send(self, notice: Notice) -> list[str]:
        """Deliver synchronously; return problems as Chinese sentences (what failed, where, what to do); never raise for
        network/SMTP failures."""
        problems: list[str] = []
        if self.settings.webhook:
            problems += self._post(notice)
        if self.settings.smtp_host:
            problems += self._mail(notice)
        return problems

    def send_later(self, notice: Notice) -> None:
        """Deliver on a background worker thread (one daemon thread with a queue, owned by the object, started on first
        use), so a reviewer's click never waits on a robot or mail server; problems are logged (logger "govsite.desk")."""
        with self._lock:
            self._pending += 1
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="govsite-desk-notify", daemon=True)
                self._worker.start()
        self._queue.put(notice)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until everything queued has been attempted (tests and shutdown), at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._log.warning("审签工作台还有 %d 条通知未发出（等待 %.0f 秒后不再等待）。", self._pending, timeout)
                    return
                self._idle.wait(left)

    def _work(self) -> None:
        while True:
            notice = self._queue.get()
            try:
                for problem in self.send(notice):
                    self._log.warning("%s（通知：%s）", problem, notice.title)
            except Exception:  # the worker must outlive any one notice
                self._log.exception("发送通知“%s”时出错。", notice.title)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    # --- group robot ----------------------------------------------------------------------------------------------

    def _post(self, notice: Notice) -> list[str]:
        where = f"群机器人 {_shown(self.settings.webhook)}"
        body = json.dumps(webhook_payload(notice, self.settings.webhook_format), ensure_ascii=False).encode("utf-8")
        try:
            request = urllib.request.Request(self.settings.webhook, data=body, method="POST",
                                             headers={"Content-Type": "application/json; charset=utf-8",
                                                      "User-Agent": "govsite-desk"})
        except ValueError:
            return [f"{where} 的地址写法有误，通知“{notice.title}”未发出。请检查 notify.webhook。"]
        try:
            reply = _retrying(lambda: _open(request, self.settings.timeout))
        except urllib.error.HTTPError as e:
            return [f"{where} 拒绝了通知“{notice.title}”（HTTP {e.code}）。请检查 notify.webhook 地址是否正确、机器人是否已被移出群聊。"]
        except (urllib.error.URLError, OSError) as e:
            reason = e.reason if isinstance(e, urllib.error.URLError) else e
            return [f"连不上{where}，通知“{notice.title}”未发出（{reason}）。请检查网络、代理和 notify.webhook 地址。"]
        except http.client.HTTPException as e:
            return [f"{where} 的回答无法识别，通知“{notice.title}”可能未发出（{type(e).__name__}）。请检查 notify.webhook 是否是群机器人的地址。"]
        try:
            answer = json.loads(reply.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return []  # a 2xx reply that is not JSON: nothing says it failed
        if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
            return [f"{where} 拒收了通知“{notice.title}”：错误码 {answer.get('errcode')}，{answer.get('errmsg', '')}。"
                    "请对照机器人文档检查：地址中的密钥是否有效、安全设置（关键词、IP 白名单、加签）是否放行、是否超过发送频率。"]
        return []

    # --- e-mail -----------------------------------------------------------------------------------------------------

    def _mail(self, notice: Notice) -> list[str]:
        settings = self.settings
        where = f"邮件服务器 {settings.smtp_host}:{settings.smtp_port}"
        problems: list[str] = []
        without = [r.name for r in notice.to if not r.email.strip()]
        if without:
            problems.append(f"{'、'.join(without)} 没有登记电子邮箱，未收到通知“{notice.title}”的邮件。请为其登记电子邮箱。")
        addresses: list[Address] = []
        for r in notice.to:
            if r.email.strip():
                try:
                    addresses.append(Address(display_name=r.name, addr_spec=r.email.strip()))
                except (ValueError, IndexError, HeaderParseError):
                    problems.append(f"{r.name} 的电子邮箱“{r.email}”写法有误，未收到通知“{notice.title}”的邮件。请更正。")
        if not addresses:
            return problems
        sender = _sender(settings)
        if not sender:
            return problems + [f"没有发件地址，通知“{notice.title}”的邮件未发出。请设置 notify.sender。"]
        message = mail_message(notice, sender, addresses)
        try:
            smtp = _retrying(lambda: smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout))
        except OSError as e:
            return problems + [f"连不上{where}，通知“{notice.title}”的邮件未发出（{e}）。"
                               "请检查 notify.smtp_host、notify.smtp_port 和网络。"]
        try:
            with smtp:
                if settings.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if settings.smtp_user:
                    try:
                        smtp.login(settings.smtp_user, settings.smtp_password)
                    except UnicodeEncodeError:  # smtplib logs in with ASCII only
                        return problems + [f"无法登录{where}：notify.smtp_user 或 notify.smtp_password 含有汉字等非 ASCII 字符，"
                                           f"通知“{notice.title}”的邮件未发出。请改用只含字母、数字和符号的账号和口令。"]
                refused = smtp.send_message(message)
        except smtplib.SMTPNotSupportedError as e:
            what = "加密（STARTTLS）" if "STARTTLS" in str(e) else "登录（AUTH）" if "AUTH" in str(e) else "所需的功能"
            return problems + [f"{where} 不支持{what}，通知“{notice.title}”的邮件未发出（{e}）。"
                               "请检查 notify.smtp_starttls、notify.smtp_user 是否与服务器相符。"]
        except smtplib.SMTPAuthenticationError as e:
            return problems + [f"{where} 拒绝登录（{_smtp_reason(e.smtp_code, e.smtp_error)}），通知“{notice.title}”的邮件未发出。"
                               "请检查 notify.smtp_user 和 notify.smtp_password。"]
        except smtplib.SMTPRecipientsRefused as e:
            return problems + [f"{where} 拒收了全部收件人（{'、'.join(e.recipients)}），通知“{notice.title}”的邮件未发出。"
                               "请检查收件人的电子邮箱，或请邮件管理员放行。"]
        except smtplib.SMTPSenderRefused as e:
            return problems + [f"{where} 拒绝了发件地址 {sender}（{_smtp_reason(e.smtp_code, e.smtp_error)}），"
                               f"通知“{notice.title}”的邮件未发出。请检查 notify.sender 是否是该服务器允许的地址。"]
        except smtplib.SMTPResponseException as e:
            return problems + [f"{where} 拒收了通知“{notice.title}”的邮件（{_smtp_reason(e.smtp_code, e.smtp_error)}）。"
                               "请把这条信息告诉邮件管理员。"]
        except (smtplib.SMTPException, OSError) as e:
            return problems + [f"与{where} 通信时出错，通知“{notice.title}”的邮件可能未发出（{e}）。请检查服务器设置和网络。"]
        if refused:
            problems.append(f"{where} 拒收了收件人 {'、'.join(refused)}，他们未收到通知“{notice.title}”的邮件。请检查这些电子邮箱。")
        return problems


def webhook_payload(notice: Notice, webhook_format: str) -> dict[str, Any]:
    """The JSON a group robot receives: 企业微信/政务微信 ``markdown`` or 钉钉 ``markdown`` message."""
    link = f"[{LINK_TEXT}]({notice.url})" if notice.url else ""
    if webhook_format == "dingtalk":
        # 钉钉 markdown needs a blank line between lines
        text = _fit(f"#### {notice.title}", notice.lines, link, "\n\n", _LIMITS["dingtalk"])
        return {"msgtype": "markdown", "markdown": {"title": notice.title, "text": text},
                "at": {"atMobiles": [], "isAtAll": False}}
    content = _fit(f"**{notice.title}**", notice.lines, link, "\n", _LIMITS["wecom"])
    return {"msgtype": "markdown", "markdown": {"content": content}}


def mail_message(notice: Notice, sender: str, to: list[Address]) -> EmailMessage:
    """One e-mail to all recipients: the title as subject; the lines, then the link, as a UTF-8 plain-text body."""
    message = EmailMessage()
    message["Subject"] = notice.title
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    body = "\n".join(notice.lines)
    if notice.url:
        body += f"\n\n{LINK_TEXT}：{notice.url}"
    message.set_content(body + "\n", charset="utf-8")
    return message


def _fit(head: str, lines: tuple[str, ...], link: str, sep: str, limit: int) -> str:
    """Head, lines and link joined by ``sep`` within ``limit`` bytes of UTF-8: lines that do not fit are cut off."""
    tail = [link] if link else []
    text = sep.join([head, *lines, *tail])
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len(sep.join([head, _CUT, *tail]).encode("utf-8")) - len(sep.encode("utf-8"))
    kept: list[str] = []
    for line in lines:
        joint = len(sep.encode("utf-8")) if kept else 0
        size = len(line.encode("utf-8")) + joint
        if size > budget:
            cut = line.encode("utf-8")[: max(budget - joint, 0)].decode("utf-8", "ignore")
            if cut.strip():
                kept.append(cut)
            break
        kept.append(line)
        budget -= size
    return sep.join([head, *kept, _CUT, *tail])


def _retrying(attempt: Callable[[], Any]) -> Any:
    """``attempt()``; once more after a short pause if the connection failed (not if the server answered)."""
    try:
        return attempt()
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, OSError):
        time.sleep(RETRY_PAUSE)
        return attempt()


def _open(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data: bytes = response.read()
        return data


def _sender(settings: NotifySettings) -> str:
    if settings.sender:
        return settings.sender
    return settings.smtp_user if "@" in settings.smtp_user else ""


def _shown(url: str) -> str:
    """A webhook URL for messages and logs: without its query and fragment, where the robot's key is."""
    parts = urllib.parse.urlsplit(url)
    if not parts.netloc:
        return url.split("?")[0]
    hidden = "（密钥已隐去）" if parts.query or parts.fragment else ""
    return f"{parts.scheme}://{parts.netloc}{parts.path}{hidden}"


def _smtp_reason(code: int, error: bytes | str) -> str:
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
    return f"{code} {text}".strip()
