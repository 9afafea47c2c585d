"""Merge requests on the forge (合并请求), against small local stand-ins for the GitLab v4 and Gitea v1 APIs.

No forge runs here, so each stand-in (:mod:`tests.govsite.desk.forge_standin`) is an http.server on 127.0.0.1
that records what it was sent and answers as the real forge does (201 with the new merge request, 409/422 when
one is open already, 401 for a wrong token, 404 for an unknown project). The forge is the one part of the world
stood in for: it is not ours."""

from __future__ import annotations

import logging
import socket
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from govsite.core.errors import GovsiteError
from govsite.desk.forge import ForgeSettings, MergeRequest, open_merge_request
from tests.govsite.desk.forge_standin import TOKEN, StandIn, serve

BRANCH = "desk/town-gzdt-20240501-forest-fire"
TARGET = "main"
TITLE = "大昌镇召开森林防火工作部署会"
DESCRIPTION = "由审签工作台提交。\n\n单位：大昌镇"


@pytest.fixture
def gitlab() -> Iterator[StandIn]:
    with serve("gitlab") as state:
        yield state


@pytest.fixture
def gitea() -> Iterator[StandIn]:
    with serve("gitea") as state:
        yield state


def settings(state: StandIn, **changes: Any) -> ForgeSettings:
    data = {"kind": state.kind, "url": state.url, "project": "county/site", "token": TOKEN, "timeout": 5, **changes}
    return ForgeSettings.from_config(data)


def open_mr(forge: ForgeSettings) -> MergeRequest | None:
    return open_merge_request(forge, BRANCH, TARGET, TITLE, DESCRIPTION)


def failure(forge: ForgeSettings) -> str:
    with pytest.raises(GovsiteError) as caught:
        open_mr(forge)
    message = str(caught.value)
    assert TOKEN not in message and TOKEN not in repr(caught.value)
    assert caught.value.__cause__ is None  # raised "from None": no urllib traceback behind it
    return message


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- GitLab ---------------------------------------------------------------------------------------------------

def test_gitlab_opens_a_merge_request(gitlab: StandIn) -> None:
    found = open_mr(settings(gitlab))
    assert found == MergeRequest(number=1, web_url=f"{gitlab.url}/county/site/-/merge_requests/1")
    look, post = gitlab.seen
    query = urllib.parse.urlencode({"source_branch": BRANCH, "target_branch": TARGET, "state": "opened"})
    assert (look.method, look.path) == ("GET", f"/api/v4/projects/county%2Fsite/merge_requests?{query}")
    assert (post.method, post.path) == ("POST", "/api/v4/projects/county%2Fsite/merge_requests")
    for seen in gitlab.seen:
        assert seen.headers["private-token"] == TOKEN
        assert "authorization" not in seen.headers
        assert seen.headers["accept"] == "application/json"
    assert post.headers["content-type"] == "application/json; charset=utf-8"
    assert post.body == {"source_branch": BRANCH, "target_branch": TARGET, "title": TITLE,
                         "description": DESCRIPTION, "remove_source_branch": True}


def test_gitlab_returns_the_open_one_instead_of_a_duplicate(gitlab: StandIn) -> None:
    forge = settings(gitlab)
    first = open_mr(forge)
    second = open_mr(forge)
    assert second == first
    assert len(gitlab.posts) == 1 and len(gitlab.open) == 1
    assert [s.method for s in gitlab.seen] == ["GET", "POST", "GET"]


def test_gitlab_409_when_one_was_opened_meanwhile(gitlab: StandIn) -> None:
    forge = settings(gitlab)
    first = open_mr(forge)
    gitlab.hide_once = True  # the lookup misses it; the forge answers 409 to the creation; the desk looks again
    assert open_mr(forge) == first
    assert [s.method for s in gitlab.seen] == ["GET", "POST", "GET", "POST", "GET"]
    assert len(gitlab.open) == 1


def test_gitlab_numeric_project_and_encoded_path(gitlab: StandIn) -> None:
    assert settings(gitlab, project="county%2Fsite").project == "county/site"  # not encoded twice
    assert open_mr(settings(gitlab, project="county%2Fsite")) is not None
    numeric = settings(gitlab, project=42)
    assert numeric.project == "42"
    message = failure(numeric)
    assert gitlab.seen[-1].path.startswith("/api/v4/projects/42/merge_requests?")
    assert "找不到项目“42”" in message


def test_gitlab_wrong_token(gitlab: StandIn) -> None:
    message = failure(settings(gitlab, token="glpat-wrong"))
    assert "代码托管平台拒绝了工作台的访问令牌（HTTP 401" in message
    assert "请大数据中心检查令牌权限" in message and BRANCH in message
    assert "glpat-wrong" not in message


def test_gitlab_unknown_project(gitlab: StandIn) -> None:
    message = failure(settings(gitlab, project="county/other"))
    assert "找不到项目“county/other”" in message and "HTTP 404：404 Project Not Found" in message
    assert "forge.project" in message


def test_gitlab_server_error(gitlab: StandIn) -> None:
    gitlab.force = 500
    message = failure(settings(gitlab))
    assert "出错了（HTTP 500" in message and "请稍后重试" in message and "稿件已推送到分支" in message


def test_gitlab_forbidden(gitlab: StandIn) -> None:
    gitlab.force = 403
    message = failure(settings(gitlab))
    assert "代码托管平台拒绝了工作台的访问令牌（HTTP 403，令牌没有这个项目的权限）" in message


def test_redirects_are_not_followed(gitlab: StandIn) -> None:
    gitlab.redirect = "https://elsewhere.example/api/v4/projects"
    message = failure(settings(gitlab))
    assert "HTTP 301" in message and "https://elsewhere.example/api/v4/projects" in message and "forge.url" in message
    assert len(gitlab.seen) == 1


# ---- Gitea ----------------------------------------------------------------------------------------------------

def test_gitea_opens_a_pull_request(gitea: StandIn) -> None:
    found = open_mr(settings(gitea))
    assert found == MergeRequest(number=1, web_url=f"{gitea.url}/county/site/pulls/1")
    look, post = gitea.seen
    assert (look.method, look.path) == ("GET", "/api/v1/repos/county/site/pulls?state=open&page=1&limit=50")
    assert (post.method, post.path) == ("POST", "/api/v1/repos/county/site/pulls")
    for seen in gitea.seen:
        assert seen.headers["authorization"] == f"token {TOKEN}"
        assert "private-token" not in seen.headers
    assert post.headers["content-type"] == "application/json; charset=utf-8"
    assert post.body == {"head": BRANCH, "base": TARGET, "title": TITLE, "body": DESCRIPTION}


def test_gitea_returns_the_open_one_instead_of_a_duplicate(gitea: StandIn) -> None:
    forge = settings(gitea)
    first = open_mr(forge)
    assert open_mr(forge) == first
    assert len(gitea.posts) == 1 and len(gitea.open) == 1
    assert [s.method for s in gitea.seen] == ["GET", "POST", "GET"]


def test_gitea_skips_other_branches_and_forks_and_pages_on(gitea: StandIn) -> None:
    def pr(number: int, head: str, repo: str = "county/site", base: str = TARGET) -> dict[str, Any]:
        return {"number": number, "html_url": f"{gitea.url}/county/site/pulls/{number}",
                "head": {"ref": head, "repo": {"full_name": repo}}, "base": {"ref": base}}

    gitea.open = [pr(n, f"desk/other-{n}") for n in range(1, 51)]
    gitea.open += [pr(51, BRANCH, repo="someone/site"), pr(52, BRANCH, base="release"), pr(53, BRANCH)]
    assert open_mr(settings(gitea)) == MergeRequest(53, f"{gitea.url}/county/site/pulls/53")
    assert [s.path.split("page=")[1] for s in gitea.seen] == ["1&limit=50", "2&limit=50"]
    assert not gitea.posts


@pytest.mark.parametrize("status", [409, 422])
def test_gitea_conflict_when_one_was_opened_meanwhile(gitea: StandIn, status: int) -> None:
    gitea.conflict = status
    forge = settings(gitea)
    first = open_mr(forge)
    gitea.hide_once = True
    assert open_mr(forge) == first
    assert len(gitea.open) == 1 and len(gitea.posts) == 2


def test_gitea_422_for_another_reason(gitea: StandIn) -> None:
    gitea.force = 422
    message = failure(settings(gitea))
    assert "没有接受（HTTP 422：422 stand-in）" in message and "请大数据中心查看" in message


def test_gitea_wrong_token(gitea: StandIn) -> None:
    message = failure(settings(gitea, token="wrong-token"))
    assert "代码托管平台拒绝了工作台的访问令牌（HTTP 401" in message and "请大数据中心检查令牌权限" in message
    assert "wrong-token" not in message


def test_gitea_unknown_repository(gitea: StandIn) -> None:
    message = failure(settings(gitea, project="county/other"))
    assert "找不到项目“county/other”" in message and "HTTP 404" in message


def test_gitea_server_error(gitea: StandIn) -> None:
    gitea.force = 502
    message = failure(settings(gitea))
    assert "出错了（HTTP 502" in message and "请稍后重试" in message


# ---- both -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["gitlab", "gitea"])
def test_unreachable_port(kind: str) -> None:
    forge = ForgeSettings.from_config({"kind": kind, "url": f"http://127.0.0.1:{_closed_port()}",
                                       "project": "county/site", "token": TOKEN, "timeout": 2})
    message = failure(forge)
    assert message.startswith(f"为分支“{BRANCH}”查找已有的合并请求时，连不上代码托管平台")
    assert "稿件已推送到分支，合并请求没有创建" in message and "forge.url" in message


def test_timeout() -> None:
    with socket.socket() as sock:  # listens, never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        forge = ForgeSettings.from_config({"kind": "gitlab", "url": f"http://127.0.0.1:{sock.getsockname()[1]}",
                                           "project": "1", "token": TOKEN, "timeout": 0.3})
        assert "0.3 秒内没有回应" in failure(forge)


def test_localhost_is_never_proxied(gitlab: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}"
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, dead)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert open_mr(settings(gitlab)) is not None


def test_token_stays_out_of_logs(gitlab: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    forge = settings(gitlab)
    open_mr(forge)
    gitlab.force = 401
    failure(forge)
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(forge) and TOKEN not in str(forge)


def test_no_forge() -> None:
    assert ForgeSettings.from_config(None) == ForgeSettings()
    assert ForgeSettings.from_config({}) == ForgeSettings()
    assert ForgeSettings.from_config({"kind": ""}).kind == ""
    assert open_merge_request(ForgeSettings(), BRANCH, TARGET, TITLE, DESCRIPTION) is None


# ---- configuration --------------------------------------------------------------------------------------------

def test_settings_are_read_and_tidied() -> None:
    forge = ForgeSettings.from_config({"kind": "GitLab", "url": "https://git.example.gov.cn/api/v4/",
                                       "project": "county/site", "token": f" {TOKEN} "})
    assert forge == ForgeSettings("gitlab", "https://git.example.gov.cn", "county/site", TOKEN, 15.0)
    gitea = ForgeSettings.from_config({"kind": "gitea", "url": "http://10.1.2.3:3000/", "project": "/county/site/",
                                       "token": TOKEN, "timeout": 30})
    assert (gitea.url, gitea.project, gitea.timeout) == ("http://10.1.2.3:3000", "county/site", 30.0)


@pytest.mark.parametrize(("data", "expected"), [
    ({"kind": "github", "url": "https://x", "project": "a/b", "token": "t"},
     "forge.kind 应为 gitlab 或 gitea（不用代码托管平台时留空），现在是“github”"),
    ({"kind": "gitlab", "project": "a/b"}, "缺少 forge.url、forge.token"),
    ({"kind": "gitea", "url": "https://x", "token": "t"}, "缺少 forge.project"),
    ({"kind": "gitlab", "url": "git.example.gov.cn", "project": "a/b", "token": "t"}, "forge.url 应为代码托管平台的地址"),
    ({"kind": "gitlab", "url": "https://me:pw@git.example", "project": "a/b", "token": "t"},
     "现在是“https://git.example”"),
    ({"kind": "gitea", "url": "https://x", "project": "county", "token": "t"}, "“所有者/仓库名”"),
    ({"kind": "gitea", "url": "https://x", "project": "a/b/c", "token": "t"}, "“所有者/仓库名”"),
    ({"kind": "gitlab", "url": "https://x", "project": "site", "token": "t"}, "GitLab 项目的编号（如 42）或路径"),
    ({"kind": "gitlab", "url": "https://x", "project": "a/b", "token": "t", "timeout": 0}, "forge.timeout 应为大于 0"),
    ({"kind": "gitlab", "url": "https://x", "project": "a/b", "token": "t", "timeout": True}, "forge.timeout"),
    ({"kind": "gitlab", "url": "https://x", "project": "a/b", "token": "ab\ncd"}, "forge.token 含有空格或控制字符"),
    ({"kind": "gitlab", "url": "https://x", "project": "a/b", "secret": "t"}, "forge.secret 不是可用的设置"),
    ({"kind": ["gitlab"]}, "forge.kind 应为文字"),
    ("gitlab", "forge 应为键值设置"),
])
def test_settings_refused(data: Any, expected: str) -> None:
    with pytest.raises(GovsiteError) as caught:
        ForgeSettings.from_config(data)
    assert expected in str(caught.value)
    assert "pw" not in str(caught.value)
