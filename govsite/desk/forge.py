"""Merge requests on the county's forge (合并请求): after the desk pushes a branch, it opens (or finds) the merge
request that asks for the branch to be merged into the target branch.

Two forges are spoken to, over their REST APIs with :mod:`urllib` only:

* GitLab (API v4): ``GET/POST /api/v4/projects/:id/merge_requests``, token in the ``PRIVATE-TOKEN`` header;
* Gitea (API v1): ``GET/POST /api/v1/repos/{owner}/{repo}/pulls``, token in ``Authorization: token …``.

The token is the desk operator's, from the desk's own YAML configuration (``forge:`` section), never from the
repository. It is sent only in the header and never appears in a message or a log line. Every failure (network,
refused token, unknown project, forge error) is a :class:`GovsiteError` with a Chinese sentence saying what failed
and what to do.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govsite.core.errors import GovsiteError

KINDS = ("gitlab", "gitea")
KIND_NAMES = {"gitlab": "GitLab", "gitea": "Gitea"}
DEFAULT_TIMEOUT = 15.0  # seconds for one request to the forge
GITEA_PAGE = 50  # pull requests per page when looking for an open one (Gitea's usual maximum)
GITEA_PAGES = 40  # at most this many pages are read (2000 open pull requests)
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_API_SUFFIXES = ("/api/v4", "/api/v1")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForgeSettings:
    """Which forge the desk opens merge requests on (the ``forge:`` section of the desk's configuration)."""

    kind: str = ""  # "gitlab", "gitea", or "" (no forge: no merge requests)
    url: str = ""  # the forge's address, e.g. https://git.example.gov.cn (without /api/v4)
    project: str = ""  # GitLab: numeric id or "group/name"; Gitea: "owner/repo"
    token: str = ""  # the desk operator's access token
    timeout: float = DEFAULT_TIMEOUT

    def __repr__(self) -> str:  # the token stays out of logs and tracebacks
        return (f"ForgeSettings(kind={self.kind!r}, url={self.url!r}, project={self.project!r}, token='***', "
                f"timeout={self.timeout!r})")

    @classmethod
    def from_config(cls, data: dict[str, Any] | None) -> ForgeSettings:
        """Read the ``forge:`` section (``None`` or ``{}``: no forge). Raises :class:`GovsiteError` naming the key
        that is unknown, missing or malformed."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise GovsiteError("审签工作台配置中的 forge 应为键值设置（kind: …、url: …、project: …、token: …），"
                               "现在不是。")
        known = ("kind", "url", "project", "token", "timeout")
        for key in data:
            if key not in known:
                raise GovsiteError(f"审签工作台配置中的 forge.{key} 不是可用的设置。可用的设置：{'、'.join(known)}。")
        values: dict[str, str] = {}
        for key in ("kind", "url", "project", "token"):
            value = data.get(key)
            if isinstance(value, bool) or (value is not None and not isinstance(value, str | int)):
                raise GovsiteError(f"审签工作台配置中的 forge.{key} 应为文字。")
            values[key] = "" if value is None else str(value).strip()
        kind = values["kind"].lower()
        if not kind:
            return cls()
        if kind not in KINDS:
            raise GovsiteError(f"审签工作台配置中的 forge.kind 应为 gitlab 或 gitea（不用代码托管平台时留空），"
                               f"现在是“{values['kind']}”。")
        missing = [key for key in ("url", "project", "token") if not values[key]]
        if missing:
            raise GovsiteError(f"审签工作台配置中设置了 forge.kind: {kind}，但缺少 "
                               + "、".join(f"forge.{key}" for key in missing) + "。请补上（令牌由大数据中心在代码托管平台上创建）。")
        url = _base_url(values["url"])
        _check_token(values["token"])
        project = _check_project(kind, values["project"])
        timeout = _timeout(data.get("timeout"))
        return cls(kind=kind, url=url, project=project, token=values["token"], timeout=timeout)


@dataclass(frozen=True)
class MergeRequest:
    """One open merge request (合并请求): its number on the forge (GitLab ``!iid``, Gitea ``#number``) and its page."""

    number: int
    web_url: str


def open_merge_request(settings: ForgeSettings, branch: str, target: str, title: str,
                       description: str) -> MergeRequest | None:
    """Open the merge request (合并请求) for ``branch`` into ``target``, or return the one already open.

    ``None`` when no forge is configured. Raises :class:`GovsiteError` (Chinese) when the forge cannot be reached
    or refuses; the branch itself stays pushed either way."""
    if not settings.kind:
        return None
    client = _Client(settings, branch)
    if settings.kind == "gitlab":
        found = _gitlab(client, branch, target, title, description)
    else:
        found = _gitea(client, branch, target, title, description)
    log.info("合并请求：分支 %s → %s 的合并请求是 %s", branch, target, found.web_url)
    return found


# ---- GitLab ---------------------------------------------------------------------------------------------------

def _gitlab(client: _Client, branch: str, target: str, title: str, description: str) -> MergeRequest:
    path = f"/api/v4/projects/{urllib.parse.quote(client.settings.project, safe='')}/merge_requests"
    query = urllib.parse.urlencode({"source_branch": branch, "target_branch": target, "state": "opened"})

    def existing() -> MergeRequest | None:
        answer = client.call("GET", f"{path}?{query}", "查找已有的合并请求")
        if not isinstance(answer.data, list):
            raise client.malformed()
        for item in answer.data:
            if isinstance(item, dict) and item.get("source_branch", branch) == branch:
                return _merge_request(client, item, "iid", "web_url")
        return None

    body = {"source_branch": branch, "target_branch": target, "title": title, "description": description,
            "remove_source_branch": True}
    # 409: another open merge request for this branch appeared meanwhile
    return _find_or_create(client, existing, path, body, (409,), "iid", "web_url")


def _find_or_create(client: _Client, existing: Callable[[], MergeRequest | None], path: str, body: dict[str, Any],
                    conflicts: tuple[int, ...], number_key: str, url_key: str) -> MergeRequest:
    """The open merge request ``existing()`` finds, else the one created with ``body``; a ``conflicts`` answer
    means one was opened meanwhile, so it is looked for again."""
    found = existing()
    if found is not None:
        return found
    answer = client.call("POST", path, "创建合并请求", body, accept=conflicts)
    if answer.status in conflicts:
        found = existing()
        if found is None:
            raise client.refused(answer)
        return found
    if not isinstance(answer.data, dict):
        raise client.malformed()
    return _merge_request(client, answer.data, number_key, url_key)


# ---- Gitea ----------------------------------------------------------------------------------------------------

def _gitea(client: _Client, branch: str, target: str, title: str, description: str) -> MergeRequest:
    owner, repo = client.settings.project.split("/")
    path = f"/api/v1/repos/{urllib.parse.quote(owner, safe='')}/{urllib.parse.quote(repo, safe='')}/pulls"

    def existing() -> MergeRequest | None:
        for page in range(1, GITEA_PAGES + 1):
            query = urllib.parse.urlencode({"state": "open", "page": page, "limit": GITEA_PAGE})
            answer = client.call("GET", f"{path}?{query}", "查找已有的合并请求")
            if not isinstance(answer.data, list):
                raise client.malformed()
            if not answer.data:
                return None
            for item in answer.data:
                if isinstance(item, dict) and _gitea_matches(item, client.settings.project, branch, target):
                    return _merge_request(client, item, "number", "html_url")
        return None

    body = {"head": branch, "base": target, "title": title, "body": description}
    # 409 (Gitea 1.17 and later) or 422 (earlier): one is open already
    return _find_or_create(client, existing, path, body, (409, 422), "number", "html_url")


def _gitea_matches(item: dict[str, Any], project: str, branch: str, target: str) -> bool:
    """Whether a Gitea pull request is from ``branch`` of this repository into ``target``."""
    head, base = item.get("head"), item.get("base")
    if not isinstance(head, dict) or not isinstance(base, dict):
        return False
    if head.get("ref") != branch or base.get("ref") != target:
        return False
    repo = head.get("repo")
    name = repo.get("full_name") if isinstance(repo, dict) else None
    return not isinstance(name, str) or name.lower() == project.lower()  # not a same-named branch of a fork


# ---- HTTP -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Answer:
    status: int
    data: Any  # the decoded JSON (None when the body was empty)
    text: str  # the body as text, for the forge's own message


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: urllib would send the token on to wherever the forge points."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        return None


class _Client:
    """Requests to one forge on behalf of one branch, turning every failure into a Chinese :class:`GovsiteError`."""

    def __init__(self, settings: ForgeSettings, branch: str) -> None:
        self.settings = settings
        self.branch = branch
        self.name = f"代码托管平台（{KIND_NAMES[settings.kind]}，{_shown(settings.url)}）"
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if (urllib.parse.urlsplit(settings.url).hostname or "").lower() in _LOCAL_HOSTS:
            handlers.append(urllib.request.ProxyHandler({}))  # this machine: never through a proxy
        self.opener = urllib.request.build_opener(*handlers)

    def headers(self) -> dict[str, str]:
        auth = ({"PRIVATE-TOKEN": self.settings.token} if self.settings.kind == "gitlab"
                else {"Authorization": f"token {self.settings.token}"})
        return {"Accept": "application/json", "User-Agent": "govsite-desk", **auth}

    def call(self, method: str, path: str, doing: str, body: dict[str, Any] | None = None,
             accept: tuple[int, ...] = ()) -> _Answer:
        """One request; 2xx and the statuses in ``accept`` are answers, everything else raises."""
        headers = self.headers()
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = urllib.request.Request(self.settings.url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=self.settings.timeout) as response:
                answer = _answer(response.status, response.read())
        except urllib.error.HTTPError as exc:
            try:
                raw = exc.read()
            except (OSError, http.client.HTTPException):
                raw = b""
            finally:
                exc.close()
            answer = _answer(exc.code, raw)
            if answer.status not in accept:
                raise self.failed(answer, doing, exc.headers.get("Location") or "") from None
            return answer
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            raise self.unreachable(exc, doing) from None
        if answer.status >= 300:
            raise self.failed(answer, doing, "")
        if answer.data is None and answer.text.strip():
            raise self.malformed()
        return answer

    def _lead(self, doing: str) -> str:
        return f"为分支“{self.branch}”{doing}时，"

    def _scrub(self, text: str) -> str:
        return text.replace(self.settings.token, "***") if self.settings.token else text

    def error(self, message: str) -> GovsiteError:
        return GovsiteError(self._scrub(message))

    def unreachable(self, exc: BaseException, doing: str) -> GovsiteError:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            why = f"{self.settings.timeout:g} 秒内没有回应"
        else:
            why = f"连接失败（{reason.__class__.__name__}：{_short(str(reason))}）"
        return self.error(f"{self._lead(doing)}连不上{self.name}：{why}。稿件已推送到分支，合并请求没有创建。"
                          "请稍后重试；若一直如此，请大数据中心检查网络和 forge.url。")

    def failed(self, answer: _Answer, doing: str, location: str) -> GovsiteError:
        code, said = answer.status, _said(answer)
        lead = self._lead(doing)
        if code in (401, 403):
            why = "令牌无效或已过期" if code == 401 else "令牌没有这个项目的权限"
            return self.error(f"{lead}代码托管平台拒绝了工作台的访问令牌（HTTP {code}，{why}）。合并请求没有创建，"
                              "请大数据中心检查令牌权限（GitLab 需 api 权限范围和项目的 Developer 以上角色，"
                              "Gitea 需仓库写权限），必要时更换 forge.token。")
        if code == 404:
            return self.error(f"{lead}{self.name}上找不到项目“{self.settings.project}”或分支“{self.branch}”"
                              f"（HTTP 404{'：' + said if said else ''}）。合并请求没有创建，请大数据中心检查 forge.kind、"
                              "forge.url 和 forge.project，以及令牌能否看到这个项目。")
        if 300 <= code < 400:
            where = f"，指向 {_shown(location)}" if location else ""
            return self.error(f"{lead}{self.name}要求跳转到别的地址（HTTP {code}{where}）。工作台不跟随跳转"
                              "（以免把令牌交给别处），合并请求没有创建。请大数据中心把 forge.url 改为跳转后的地址"
                              "（常见的是 http:// 应改为 https://）。")
        if code >= 500:
            return self.error(f"{lead}{self.name}出错了（HTTP {code}{'：' + said if said else ''}）。稿件已推送到分支，"
                              "合并请求没有创建。请稍后重试；若一直如此，请大数据中心检查代码托管平台。")
        return self.refused(answer, lead)

    def refused(self, answer: _Answer, lead: str = "") -> GovsiteError:
        said = _said(answer)
        return self.error(f"{lead or self._lead('创建合并请求')}{self.name}没有接受（HTTP {answer.status}"
                          f"{'：' + said if said else ''}）。合并请求没有创建，请大数据中心查看。")

    def malformed(self) -> GovsiteError:
        return self.error(f"为分支“{self.branch}”处理合并请求时，{self.name}的回答不是预期的格式。"
                          "请大数据中心检查 forge.kind 和 forge.url 是否指向这个平台的地址。")


def _answer(status: int, raw: bytes) -> _Answer:
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if text.strip() else None
    except ValueError:
        data = None
    return _Answer(status=status, data=data, text=text)


def _merge_request(client: _Client, item: dict[str, Any], number_key: str, url_key: str) -> MergeRequest:
    number, web_url = item.get(number_key), item.get(url_key)
    if isinstance(number, bool) or not isinstance(number, int) or not isinstance(web_url, str):
        raise client.malformed()
    return MergeRequest(number=number, web_url=web_url)


def _said(answer: _Answer) -> str:
    """The forge's own words about a refusal (GitLab ``message``/``error``, Gitea ``message``), shortened."""
    data = answer.data
    if isinstance(data, dict):
        message = data.get("message", data.get("error"))
        if isinstance(message, list):
            return _short("；".join(str(m) for m in message))
        if isinstance(message, dict):
            return _short("；".join(f"{k} {v}" for k, v in message.items()))
        if message is not None:
            return _short(str(message))
    return ""


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "……"


def _shown(url: str) -> str:
    """A URL without any user name or password in it."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname is None:
        return _short(url, 80)
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


# ---- checking the configuration -------------------------------------------------------------------------------

def _base_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.query or parts.fragment:
        raise GovsiteError(f"审签工作台配置中的 forge.url 应为代码托管平台的地址，如 https://git.example.gov.cn"
                           f"（不含用户名、密码和 /api/v4），现在是“{_shown(url)}”。")
    base = url.rstrip("/")
    for suffix in _API_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return base


def _check_token(token: str) -> None:
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in token):
        raise GovsiteError("审签工作台配置中的 forge.token 含有空格或控制字符。请重新复制代码托管平台上的访问令牌。")


def _check_project(kind: str, project: str) -> str:
    if kind == "gitlab":
        name = urllib.parse.unquote(project).strip("/")
        if name.isdigit() or ("/" in name and all(name.split("/"))):
            return name
        raise GovsiteError(f"审签工作台配置中的 forge.project 应为 GitLab 项目的编号（如 42）或路径（如 county/site），"
                           f"现在是“{project}”。")
    parts = project.strip("/").split("/")
    if len(parts) != 2 or not all(parts):
        raise GovsiteError(f"审签工作台配置中的 forge.project 应为 Gitea 仓库的“所有者/仓库名”（如 county/site），"
                           f"现在是“{project}”。")
    return "/".join(parts)


def _timeout(value: Any) -> float:
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise GovsiteError(f"审签工作台配置中的 forge.timeout 应为大于 0 的秒数，现在是“{value!r}”。")
    return float(value)
