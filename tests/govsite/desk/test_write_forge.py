"""An editor's submission in the desk opens the merge request (合并请求) on the county's forge: the write page's
requests (/api/prepare "submit", /api/complete, then 一审 via /api/prepare "approve" and /api/complete) against
a desk served in this process, its git remote a bare repository and its forge the GitLab or Gitea stand-in of
:mod:`tests.govsite.desk.forge_standin`. Without a forge, or with the forge down, the signed branch is on the
remote all the same and waits for review there."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from govsite.desk.forge import ForgeSettings
from govsite.desk.store import Session, Store
from govsite.desk.workspace import now
from govsite.review import passkey
from govsite.review.policy import CHECKLIST
from govsite.review.status import branch_status
from tests.govsite.desk.conftest import running_desk
from tests.govsite.desk.forge_standin import TOKEN, serve
from tests.govsite.desk.test_app import call
from tests.govsite.review.authenticator import Authenticator
from tests.govsite.review.test_passkey import PasskeyCounty, make

pytestmark = pytest.mark.slow

EDITOR = "liming@dachang.gov.cn"
TITLE = "大昌镇召开森林防火工作部署会"
BODY = "大昌镇召开森林防火工作部署会，部署今冬明春森林防火工作。"
NAME = "2026-12-07-fanghuo"
PATH = f"content/dachang/gzdt/{NAME}.md"
MR_TITLE = f"新增稿件：{TITLE}"  # the commit subject: the page by its title
MR_DESCRIPTION = f"{PATH}\n\n由信息员 {EDITOR} 在审签工作台提交，一审随后签署。审核记录以签名提交为准。"
BRANCH = re.compile(rf"desk/dachang-{NAME}-\d{{14}}")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class Setup:
    county: PasskeyCounty
    remote: Path  # the desk's git remote "origin" (a bare repository)
    clone: Path  # the desk's working clone
    state: Path


@pytest.fixture()
def setup(tmp_path: Path, keys: Any) -> Setup:
    county = make(tmp_path / "county", keys, holders=("liming", "zhangke"))
    county.git("checkout", "-q", "main")
    remote, clone = tmp_path / "remote.git", tmp_path / "desk-clone"
    subprocess.run(["git", "clone", "-q", "--bare", str(county.root), str(remote)], check=True)
    subprocess.run(["git", "clone", "-q", str(remote), str(clone)], check=True)
    return Setup(county, remote, clone, tmp_path / "state")


def desk(setup: Setup, forge: ForgeSettings) -> contextlib.AbstractContextManager[str]:
    """``govsite desk`` over the clone (remote "origin", target "main") with ``forge``; yields its origin."""
    return running_desk(setup.clone, setup.state, forge=forge)


def forge_of(kind: str, url: str) -> ForgeSettings:
    return ForgeSettings.from_config({"kind": kind, "url": url, "project": "county/site", "token": TOKEN,
                                      "timeout": 5})


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(base: str, session: Session, path: str, body: dict[str, Any]) -> dict[str, Any]:
    status, _h, raw = call(f"{base}{path}", body, origin=base,
                           headers={"Cookie": f"govsite_desk={session.id}", "X-CSRF-Token": session.csrf})
    answer = json.loads(raw)
    assert status == 200, (path, status, answer)
    assert TOKEN not in raw.decode("utf-8")
    return dict(answer)


def _sign(base: str, session: Session, who: Authenticator, prepared: dict[str, Any], **extra: Any) -> dict[str, Any]:
    auth, client, sig = who.make_assertion(passkey.unb64url(prepared["options"]["challenge"]), base)
    credential = {"id": passkey.b64url(who.credential_id), "rawId": passkey.b64url(who.credential_id),
                  "type": "public-key", "response": {"authenticatorData": passkey.b64url(auth),
                                                     "clientDataJSON": passkey.b64url(client),
                                                     "signature": passkey.b64url(sig)}}
    return _post(base, session, "/api/complete", {"pending": prepared["pending"], "credential": credential, **extra})


@dataclass
class Submitted:
    landed: dict[str, Any]  # /api/complete's answer to the submission
    first: dict[str, Any]  # /api/complete's answer to the 一审
    pages: str  # the editor's inbox and write page afterwards


def submit_and_approve(base: str, setup: Setup) -> Submitted:
    """What desk-write.js does on 提交并签署一审: save, prepare "submit", sign, prepare 一审, sign."""
    liming = setup.county.passkeys["liming"]
    session = Store(setup.state).open_session(EDITOR)
    draft = {"unit": "dachang", "column": "gzdt", "name": NAME, "title": TITLE,
             "formed": now().date().isoformat(), "body": BODY}
    draft_id = _post(base, session, "/api/draft", {"draft": draft, "draft_id": ""})["draft_id"]
    prepared = _post(base, session, "/api/prepare", {"action": "submit", "draft": draft, "draft_id": draft_id})
    landed = _sign(base, session, liming, prepared, draft_id=draft_id)
    assert landed["ok"] is True and landed["path"] == PATH, landed
    assert BRANCH.fullmatch(landed["branch"]), landed
    assert landed["message"].startswith(f"已签署并保存（提交稿件 {PATH}）。")
    prepared = _post(base, session, "/api/prepare", {"action": "approve", "branch": landed["branch"], "path": PATH,
                                                     "tier": "1", "checklist": list(CHECKLIST),
                                                     "accept_exemptions": False, "note": ""})
    first = _sign(base, session, liming, prepared)
    assert first["ok"] is True and first["branch"] == landed["branch"], first
    assert first["message"] == f"已签署并保存（一审 {PATH}）。"
    assert first["merge_request"] == ""  # only the submission opens one
    pages = ""
    for page in ("/", "/write"):
        status, _h, raw = call(f"{base}{page}", headers={"Cookie": f"govsite_desk={session.id}"})
        assert status == 200, (page, status)
        pages += raw.decode("utf-8")
    return Submitted(landed, first, pages)


def assert_waits_for_review(setup: Setup, branch: str, tmp_path: Path) -> None:
    """The remote's only desk branch is ``branch``: the target plus the signed submission and the signed 一审, the
    page as written, 一审 valid and 二审 still to come on a fresh clone."""
    git = ["git", "--git-dir", str(setup.remote)]
    refs = subprocess.run([*git, "for-each-ref", "--format=%(refname)", "refs/heads/desk/"], capture_output=True,
                          text=True, check=True).stdout.split()
    assert refs == [f"refs/heads/{branch}"]
    subjects = subprocess.run([*git, "log", "--format=%s", f"main..{branch}"], capture_output=True, text=True,
                              check=True).stdout.splitlines()
    assert len(subjects) == 2 and subjects[1] == f"新增稿件：{TITLE}", subjects
    fresh = tmp_path / "fresh"
    subprocess.run(["git", "clone", "-q", str(setup.remote), str(fresh)], check=True)
    subprocess.run(["git", "-C", str(fresh), "checkout", "-q", branch], check=True)
    text = (fresh / PATH).read_text(encoding="utf-8")
    assert f"title: {TITLE}" in text and BODY in text
    result = branch_status(fresh, "origin/main", "HEAD").results[PATH]
    assert [(t.tier, t.state) for t in result.tiers][:2] == [("1", "valid"), ("2", "missing")], result.tiers


def actions(setup: Setup) -> list[dict[str, Any]]:
    raw = (setup.state / "actions.jsonl").read_text(encoding="utf-8")
    assert TOKEN not in raw
    return [json.loads(line) for line in raw.splitlines()]


def assert_token_kept(caplog: pytest.LogCaptureFixture, done: Submitted, setup: Setup) -> None:
    assert TOKEN not in caplog.text
    assert TOKEN not in done.pages
    assert TOKEN not in json.dumps([done.landed, done.first])
    for found in setup.state.rglob("*"):
        if found.is_file():
            assert TOKEN.encode() not in found.read_bytes(), found


# ---- a forge configured and up --------------------------------------------------------------------------------

def test_gitlab_merge_request_opened_on_submission(setup: Setup, tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with serve("gitlab") as gitlab, desk(setup, forge_of("gitlab", gitlab.url)) as base:
        done = submit_and_approve(base, setup)
    branch = done.landed["branch"]
    web_url = f"{gitlab.url}/county/site/-/merge_requests/1"
    assert done.landed["merge_request"] == web_url
    # one lookup, one creation, nothing for the 一审
    [post] = gitlab.posts
    assert [(s.method, s.path.split("?")[0]) for s in gitlab.seen] == [
        ("GET", "/api/v4/projects/county%2Fsite/merge_requests"), ("POST", "/api/v4/projects/county%2Fsite/merge_requests")]
    assert "source_branch=" + branch.replace("/", "%2F") in gitlab.seen[0].path
    assert post.body == {"source_branch": branch, "target_branch": "main", "title": MR_TITLE,
                         "description": MR_DESCRIPTION, "remove_source_branch": True}
    assert [(mr["source_branch"], mr["target_branch"], mr["title"]) for mr in gitlab.open] == [
        (branch, "main", MR_TITLE)]
    for seen in gitlab.seen:
        assert seen.headers["private-token"] == TOKEN and "authorization" not in seen.headers
        assert TOKEN not in seen.path and TOKEN not in json.dumps(seen.body or {})
    logged = [e for e in actions(setup) if e["action"] in ("merge-request", "forge-refused")]
    assert [(e["action"], e["who"], e["branch"], e["url"]) for e in logged] == [
        ("merge-request", EDITOR, branch, web_url)]
    assert_token_kept(caplog, done, setup)
    assert_waits_for_review(setup, branch, tmp_path)


def test_gitea_pull_request_opened_on_submission(setup: Setup, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with serve("gitea") as gitea, desk(setup, forge_of("gitea", gitea.url)) as base:
        done = submit_and_approve(base, setup)
    branch = done.landed["branch"]
    web_url = f"{gitea.url}/county/site/pulls/1"
    assert done.landed["merge_request"] == web_url
    [post] = gitea.posts
    assert [(s.method, s.path) for s in gitea.seen] == [
        ("GET", "/api/v1/repos/county/site/pulls?state=open&page=1&limit=50"), ("POST", "/api/v1/repos/county/site/pulls")]
    assert post.body == {"head": branch, "base": "main", "title": MR_TITLE, "body": MR_DESCRIPTION}
    assert [(pr["head"]["ref"], pr["base"]["ref"], pr["title"]) for pr in gitea.open] == [(branch, "main", MR_TITLE)]
    for seen in gitea.seen:
        assert seen.headers["authorization"] == f"token {TOKEN}" and "private-token" not in seen.headers
    logged = [e for e in actions(setup) if e["action"] in ("merge-request", "forge-refused")]
    assert [(e["action"], e["branch"], e["url"]) for e in logged] == [("merge-request", branch, web_url)]
    assert_token_kept(caplog, done, setup)
    assert_waits_for_review(setup, branch, tmp_path)


# ---- a forge configured but down ------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "down", "said"), [
    ("gitlab", "closed", "查找已有的合并请求时，连不上代码托管平台（GitLab，http://127.0.0.1:"),
    ("gitea", "500", "查找已有的合并请求时，代码托管平台（Gitea，http://127.0.0.1:"),
], ids=["gitlab-port-closed", "gitea-http-500"])
def test_forge_down_the_submission_still_lands(setup: Setup, tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                               kind: str, down: str, said: str) -> None:
    caplog.set_level(logging.DEBUG)
    with serve(kind) as stand_in:
        if down == "500":
            stand_in.force = 500
        url = stand_in.url if down == "500" else f"http://127.0.0.1:{_closed_port()}"
        with desk(setup, forge_of(kind, url)) as base:
            done = submit_and_approve(base, setup)
    branch = done.landed["branch"]
    assert done.landed["merge_request"] == ""
    assert not stand_in.posts  # nothing was created (500: the lookup failed; closed: nothing reached)
    assert len(stand_in.seen) == (1 if down == "500" else 0)
    [refused] = [e for e in actions(setup) if e["action"] in ("merge-request", "forge-refused")]
    assert refused["action"] == "forge-refused" and refused["who"] == EDITOR and refused["branch"] == branch
    reason = refused["reason"]
    assert reason.startswith(f"为分支“{branch}”{said}"), reason
    assert "稿件已推送到分支，合并请求没有创建" in reason and "请稍后重试" in reason
    # nothing lost: the draft is gone only because its page is on the remote, signed and 一审 valid
    assert Store(setup.state).drafts(EDITOR) == []
    assert_token_kept(caplog, done, setup)
    assert_waits_for_review(setup, branch, tmp_path)


def test_forge_down_the_editor_is_told_the_branch_waits(setup: Setup) -> None:
    with desk(setup, forge_of("gitlab", f"http://127.0.0.1:{_closed_port()}")) as base:
        done = submit_and_approve(base, setup)
    assert "合并请求没有创建" in done.landed["message"] and "等待审核" in done.landed["message"], done.landed
    assert done.landed["merge_request_note"].startswith(f"稿件已签名保存在分支 {done.landed['branch']}，等待审核")


# ---- no forge -------------------------------------------------------------------------------------------------

def test_without_a_forge_the_branch_is_left_for_review(setup: Setup, tmp_path: Path) -> None:
    with desk(setup, ForgeSettings.from_config({})) as base:
        done = submit_and_approve(base, setup)
    assert done.landed["merge_request"] == "" and done.first["merge_request"] == ""
    logged = actions(setup)
    assert not [e for e in logged if e["action"] in ("merge-request", "forge-refused")]
    assert [e["action"] for e in logged if e["action"] in ("submit", "approve")] == ["submit", "approve"]
    assert_waits_for_review(setup, done.landed["branch"], tmp_path)
