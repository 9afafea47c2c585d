"""A crash or restart of the desk loses no approval that was confirmed to the user (issue 15), with the desk
as a real OS process (`govsite desk serve`) killed with SIGKILL, a real forge (a bare repository) and a real
working clone: an approval the desk confirmed is on the forge and counts for the gate on a fresh clone, and the
restarted desk knows it; an approval prepared but never completed leaves nothing on the forge, and the reviewer
simply signs again on the restarted desk."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from govsite.review import passkey
from govsite.review.policy import CHECKLIST
from govsite.review.status import branch_status
from tests.govsite.desk.conftest import free_port
from tests.govsite.desk.test_app import call, sign_in
from tests.govsite.review.authenticator import Authenticator
from tests.govsite.review.test_passkey import PasskeyCounty, _page, make

pytestmark = pytest.mark.slow

PROXIES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
           "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
ZHANGKE = "zhangke@dachang.gov.cn"
TITLE = "大昌镇召开森林防火工作部署会"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in PROXIES:
        monkeypatch.delenv(name, raising=False)


def git(*args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(["git", *args], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"git {args} failed: {proc.stderr}"
    return proc.stdout.strip()


def _county(tmp_path: Path, keys) -> tuple[PasskeyCounty, str, Path, Path]:
    """A county with one page on ``mr`` signed 一审 by liming; its forge (bare) and the desk's own clone."""
    county = make(tmp_path / "county", keys)
    page = _page(county)
    county.git("checkout", "-q", "main")
    forge = tmp_path / "forge.git"
    git("clone", "-q", "--bare", str(county.root), str(forge))
    clone = tmp_path / "desk-clone"
    git("clone", "-q", str(forge), str(clone))
    return county, page, forge, clone


class DeskProcess:
    """``python -m govsite --root <clone> desk serve`` as a child process in a process group of its own."""

    def __init__(self, clone: Path, state: Path, port: int, log: Path) -> None:
        self.base = f"http://localhost:{port}"
        env = {k: v for k, v in os.environ.items() if k not in PROXIES}
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "govsite", "--root", str(clone), "desk", "serve", "--port", str(port),
                 "--remote", "origin", "--state", str(state)],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
                cwd=str(Path(__file__).resolve().parents[3]))
        self._wait_up()

    def _wait_up(self, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"the desk exited with {self.proc.returncode}:\n{self.log.read_text('utf-8', 'replace')}")
            try:
                status, _h, _b = call(f"{self.base}/signin")
            except OSError:
                time.sleep(0.1)
                continue
            if status == 200:
                return
            time.sleep(0.1)
        raise AssertionError(f"the desk did not answer within {timeout} s:\n{self.log.read_text('utf-8', 'replace')}")

    def kill(self) -> None:
        """SIGKILL to the desk and anything it started (git, builds): no clean shutdown."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(10)


@contextmanager
def desk_process(clone: Path, state: Path, port: int, log: Path) -> Iterator[DeskProcess]:
    desk = DeskProcess(clone, state, port, log)
    try:
        yield desk
    finally:
        desk.kill()


def _session(base: str, who: Authenticator) -> str:
    status, headers, body = sign_in(base, who)
    assert status == 200 and body == {"ok": True, "redirect": "/"}, body
    return headers["set-cookie"].split(";", 1)[0]


def _inbox(base: str, cookie: str, timeout: float = 60.0) -> tuple[str, str]:
    """The inbox page once every branch is judged (no 正在核验 notice), and the session's CSRF token."""
    end = time.monotonic() + timeout
    while True:
        status, headers, raw = call(f"{base}/", headers={"Cookie": cookie})
        page = raw.decode()
        assert status == 200, (status, headers, page)
        assert "我的待办" in page
        if "正在核验" not in page:
            break
        assert time.monotonic() < end, "the inbox still judges branches after 60 s"
        time.sleep(0.3)
    csrf = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    assert csrf
    return page, csrf


def _waiting_link() -> str:
    return 'href="/review?branch=mr&amp;path=content/dachang/gzdt/fanghuo.md"'


def _assert_waits_for_second_review(inbox: str) -> None:
    assert "我的待办 <small>1 项</small>" in inbox
    assert _waiting_link() in inbox
    assert '<span class="tier">二审</span>' in inbox and f'<span class="title">{TITLE}</span>' in inbox


def _assert_nothing_waits(inbox: str) -> None:
    assert "我的待办 <small>0 项</small>" in inbox
    assert "现在没有等你审核或校对的稿件。" in inbox
    assert _waiting_link() not in inbox and TITLE not in inbox


def _prepare(base: str, cookie: str, csrf: str, page: str, who: Authenticator) -> dict[str, Any]:
    status, _h, raw = call(f"{base}/api/prepare",
                           {"action": "approve", "branch": "mr", "path": page, "tier": "2",
                            "checklist": list(CHECKLIST), "accept_exemptions": False, "note": ""},
                           origin=base, headers={"Cookie": cookie, "X-CSRF-Token": csrf})
    prepared = json.loads(raw)
    assert status == 200, prepared
    assert set(prepared) == {"pending", "options", "record"}
    record = prepared["record"]
    assert "Review-Tier: 2" in record and "Review-Unit: dachang" in record and page in record
    options = prepared["options"]
    assert options["challenge"] == passkey.b64url(passkey.challenge(record))
    assert options["rpId"] == "localhost" and options["userVerification"] == "required"
    assert options["allowCredentials"] == [{"id": passkey.b64url(who.credential_id), "type": "public-key"}]
    return prepared


def _complete(base: str, cookie: str, csrf: str, prepared: dict[str, Any], who: Authenticator, page: str) -> str:
    auth, client, sig = who.make_assertion(passkey.unb64url(prepared["options"]["challenge"]), base)
    credential = {"id": passkey.b64url(who.credential_id), "rawId": passkey.b64url(who.credential_id),
                  "type": "public-key", "response": {"authenticatorData": passkey.b64url(auth),
                                                     "clientDataJSON": passkey.b64url(client),
                                                     "signature": passkey.b64url(sig)}}
    status, _h, raw = call(f"{base}/api/complete", {"pending": prepared["pending"], "credential": credential},
                           origin=base, headers={"Cookie": cookie, "X-CSRF-Token": csrf})
    done = json.loads(raw)
    assert status == 200, done
    assert done["ok"] is True and done["redirect"] == "/"
    assert done["message"] == f"已签署并保存（二审 {page}）。"
    assert re.fullmatch(r"[0-9a-f]{40}", done["commit"])
    return str(done["commit"])


def _assert_on_forge(forge: Path, commit: str, before: str, record: str, tmp_path: Path, page: str) -> None:
    """``commit`` is the forge's ``mr``, one commit on top of ``before``, carrying the signed 二审 record; a fresh
    clone of the forge judges 二审 valid (zhangke), 三审 still missing."""
    assert git("--git-dir", str(forge), "rev-parse", "refs/heads/mr") == commit
    assert git("--git-dir", str(forge), "rev-list", f"{before}..{commit}").split() == [commit]
    assert git("--git-dir", str(forge), "rev-parse", f"{commit}^") == before
    message = git("--git-dir", str(forge), "log", "-1", "--format=%B", commit)
    assert message.startswith(record.rstrip("\n"))
    assert "Review-Tier: 2" in message and "Review-Passkey: webauthn " in message
    assert git("--git-dir", str(forge), "log", "-1", "--format=%an <%ae>", commit) == f"zhangke <{ZHANGKE}>"
    fresh = tmp_path / f"fresh-{commit[:8]}"
    git("clone", "-q", str(forge), str(fresh))
    report = branch_status(fresh, "origin/main", "origin/mr")
    assert set(report.results) == {page}
    tiers = {t.tier: t for t in report.results[page].tiers}
    assert tiers["1"].state == "valid" and tiers["1"].signer == "liming <liming@dachang.gov.cn>"
    assert tiers["2"].state == "valid" and tiers["2"].signer == f"zhangke <{ZHANGKE}>" and tiers["2"].commit == commit
    assert tiers["3"].state == "missing"


def _log(state: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (state / "actions.jsonl").read_text(encoding="utf-8").splitlines()]


def _signed_in_again(base: str, cookie: str, who: Authenticator) -> str:
    """The old session if the restarted desk still knows it, else a new one (either is fine)."""
    status, headers, _raw = call(f"{base}/", headers={"Cookie": cookie})
    if status == 200:
        return cookie
    assert status == 303 and headers["location"] == "/signin"
    return _session(base, who)


def test_a_confirmed_approval_survives_a_kill_and_a_restart(tmp_path, keys):
    county, page, forge, clone = _county(tmp_path, keys)
    zhangke = county.passkeys["zhangke"]
    state, port, log = tmp_path / "state", free_port(), tmp_path / "desk.log"
    before = git("--git-dir", str(forge), "rev-parse", "refs/heads/mr")

    with desk_process(clone, state, port, log) as desk:
        cookie = _session(desk.base, zhangke)
        inbox, csrf = _inbox(desk.base, cookie)
        _assert_waits_for_second_review(inbox)
        prepared = _prepare(desk.base, cookie, csrf, page, zhangke)
        started = time.monotonic()
        commit = _complete(desk.base, cookie, csrf, prepared, zhangke, page)
        desk.kill()  # right after the confirmation: no clean shutdown
        assert desk.proc.returncode == -signal.SIGKILL
        assert time.monotonic() - started < 30

    _assert_on_forge(forge, commit, before, prepared["record"], tmp_path, page)
    [approved] = [e for e in _log(state) if e["action"] == "approve"]
    assert approved["who"] == ZHANGKE and approved["commit"] == commit
    actions = [e["action"] for e in _log(state)]
    assert actions.index("signing") < actions.index("approve")  # the attempt is logged before the push
    assert approved["branch"] == "mr" and approved["path"] == page and approved["tier"] == "2"

    with desk_process(clone, state, port, log) as desk:
        cookie = _signed_in_again(desk.base, cookie, zhangke)
        inbox, _csrf = _inbox(desk.base, cookie)
        _assert_nothing_waits(inbox)
        status, _h, raw = call(f"{desk.base}/review?branch=mr&path={quote(page, safe='')}", headers={"Cookie": cookie})
        view = raw.decode()
        assert status == 200
        assert f"已通过（zhangke &lt;{ZHANGKE}&gt;）" in view and "已通过（liming &lt;liming@dachang.gov.cn&gt;）" in view
        assert f'data-action="withdraw" data-branch="mr" data-path="{page}" data-commit="{commit}"' in view
        assert "待：<strong>三审（签发）</strong>" in view
        assert git("-C", str(clone), "rev-parse", "refs/remotes/origin/mr") == commit
        log_after = _log(state)
        assert [e for e in log_after if e["action"] == "approve"] == [approved]
        assert [e["who"] for e in log_after if e["action"] == "open"] == [ZHANGKE]
    assert git("--git-dir", str(forge), "rev-parse", "refs/heads/mr") == commit


def test_an_approval_killed_before_it_was_confirmed_leaves_nothing_and_is_signed_again(tmp_path, keys):
    county, page, forge, clone = _county(tmp_path, keys)
    zhangke = county.passkeys["zhangke"]
    state, port, log = tmp_path / "state", free_port(), tmp_path / "desk.log"
    before = git("--git-dir", str(forge), "rev-parse", "refs/heads/mr")
    refs_before = git("--git-dir", str(forge), "for-each-ref", "--format=%(refname) %(objectname)")

    with desk_process(clone, state, port, log) as desk:
        cookie = _session(desk.base, zhangke)
        _inbox_page, csrf = _inbox(desk.base, cookie)
        first = _prepare(desk.base, cookie, csrf, page, zhangke)
        desk.kill()  # the reviewer never confirmed: no /api/complete
        assert desk.proc.returncode == -signal.SIGKILL

    # nothing half-done on the forge, and the gate still waits for 二审
    assert git("--git-dir", str(forge), "rev-parse", "refs/heads/mr") == before
    assert git("--git-dir", str(forge), "for-each-ref", "--format=%(refname) %(objectname)") == refs_before
    fresh = tmp_path / "fresh-before"
    git("clone", "-q", str(forge), str(fresh))
    tiers = {t.tier: t for t in branch_status(fresh, "origin/main", "origin/mr").results[page].tiers}
    assert tiers["1"].state == "valid" and tiers["2"].state == "missing"
    assert not [e for e in _log(state) if e["action"] == "approve"]

    with desk_process(clone, state, port, log) as desk:
        cookie = _signed_in_again(desk.base, cookie, zhangke)
        inbox, csrf = _inbox(desk.base, cookie)
        _assert_waits_for_second_review(inbox)
        second = _prepare(desk.base, cookie, csrf, page, zhangke)
        assert second["pending"] != first["pending"]
        commit = _complete(desk.base, cookie, csrf, second, zhangke, page)
        inbox, _csrf = _inbox(desk.base, cookie)
        _assert_nothing_waits(inbox)

    _assert_on_forge(forge, commit, before, second["record"], tmp_path, page)
    [approved] = [e for e in _log(state) if e["action"] == "approve"]
    assert approved["who"] == ZHANGKE and approved["commit"] == commit and approved["tier"] == "2"
