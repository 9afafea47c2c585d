"""The desk's doors (issue 15, reliability and security), over a real uvicorn server: only people in the roster
at the target branch sign in, with a passkey; sessions are server-side in Secure, HttpOnly, SameSite cookies;
every POST must come from the desk's origin and carry the session's CSRF token; failed sign-ins are limited;
actions are logged."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from govsite.review import passkey
from tests.govsite.desk.conftest import running_desk
from tests.govsite.review.authenticator import Authenticator
from tests.govsite.review.test_passkey import make

pytestmark = pytest.mark.slow


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def call(url: str, body: dict[str, Any] | None = None, origin: str = "", headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **({"Origin": origin} if origin else {}),
                                              **(headers or {})})
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def sign_in(base: str, who: Authenticator) -> tuple[int, dict[str, str], dict[str, Any]]:
    status, headers, raw = call(f"{base}/api/signin/options", {}, origin=base)
    start = json.loads(raw)
    if status != 200:
        return status, headers, start
    auth, client, sig = who.make_assertion(passkey.unb64url(start["options"]["challenge"]), base)
    credential = {"id": passkey.b64url(who.credential_id), "rawId": passkey.b64url(who.credential_id),
                  "type": "public-key", "response": {"authenticatorData": passkey.b64url(auth),
                                                     "clientDataJSON": passkey.b64url(client),
                                                     "signature": passkey.b64url(sig)}}
    status, headers, raw = call(f"{base}/api/signin/finish", {"pending": start["pending"], "credential": credential},
                                origin=base)
    return status, headers, json.loads(raw)


def test_only_the_roster_signs_in_and_every_post_is_checked(tmp_path, keys):
    county = make(tmp_path / "county", keys)
    zhangke = county.passkeys["zhangke"]
    state = tmp_path / "state"
    with running_desk(county.root, state, remote=None) as base:
        status, headers, _body = call(f"{base}/")
        assert status == 303 and headers["location"] == "/signin"
        # a request from another site is refused before anything happens
        status, _h, raw = call(f"{base}/api/signin/options", {}, origin="https://attacker.example")
        assert status == 403 and "来源" in json.loads(raw)["error"]
        # a malformed request gets the reason in Chinese, not a server error
        request = urllib.request.Request(f"{base}/api/signin/finish", data=b"{not json", method="POST",
                                         headers={"Origin": base, "Content-Type": "application/json"})
        try:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30)
            status, raw = 200, b"{}"
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        assert status == 400 and "请求格式错误" in json.loads(raw)["error"]
        # a passkey nobody registered does not sign in
        status, _h, body = sign_in(base, Authenticator())
        assert status == 403 and "没有在主分支的人员名单中登记" in body["error"]
        # the section head's passkey does; the cookie is Secure, HttpOnly and SameSite=Strict
        status, headers, body = sign_in(base, zhangke)
        assert status == 200 and body["redirect"] == "/"
        cookie = headers["set-cookie"]
        assert "HttpOnly" in cookie and "Secure" in cookie and "samesite=strict" in cookie.lower()
        session = cookie.split(";", 1)[0]
        status, headers, raw = call(f"{base}/", headers={"Cookie": session})
        page = raw.decode()
        assert status == 200 and "我的待办" in page and "zhangke" in page
        assert "script-src 'self'" in headers["content-security-policy"]
        csrf = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        # a signed-in POST without the CSRF token (another site riding on the cookie) is refused
        status, _h, raw = call(f"{base}/api/prepare", {"action": "return"}, origin=base, headers={"Cookie": session})
        assert status == 403 and "冒用" in json.loads(raw)["error"]
        # with it, the desk answers in Chinese what is wrong with the request
        status, _h, raw = call(f"{base}/api/prepare", {"action": "return", "branch": "mr",
                                                       "path": "content/dachang/gzdt/x.md", "opinion": ""},
                               origin=base, headers={"Cookie": session, "X-CSRF-Token": csrf})
        assert status == 409 and "退回须写明意见" in json.loads(raw)["error"]
        # too many failed sign-ins from one place are stopped
        for _ in range(10):
            sign_in(base, Authenticator())
        status, _h, body = sign_in(base, zhangke)
        assert status == 429 and "10 分钟后再试" in body["error"]
    log = [json.loads(line) for line in (state / "actions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["action"] for e in log].count("signin") == 1
    assert any(e["action"] == "signin-refused" for e in log)


def test_a_copied_passkey_is_refused_by_its_counter(tmp_path, keys):
    """WebAuthn's signature counter: a copy of a passkey (same credential, same private key) signs with a counter
    that does not go up from the last one the desk saw; it is refused, and the owner's own device still works.
    Authenticators that always report 0 are not counted."""
    county = make(tmp_path / "county", keys)
    zhangke = county.passkeys["zhangke"]
    with running_desk(county.root, tmp_path / "state", remote=None) as base:
        for _ in range(2):
            status, _h, _body = sign_in(base, zhangke)
            assert status == 200
        copy = Authenticator(credential_id=zhangke.credential_id, key=zhangke.key, counter=0)
        status, _h, body = sign_in(base, copy)
        assert status == 403 and "签名计数没有增加" in body["error"] and "停用" in body["error"]
        status, _h, _body = sign_in(base, zhangke)  # counter 3: the owner's device goes on
        assert status == 200
    synced = Authenticator(credential_id=zhangke.credential_id, key=zhangke.key)
    with running_desk(county.root, tmp_path / "other-state", remote=None) as base:
        for _ in range(2):
            synced.counter = -1  # reports 0 every time, as many synced passkeys do
            status, _h, _body = sign_in(base, synced)
            assert status == 200
