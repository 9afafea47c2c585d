"""The review desk end to end (issue 15), in real headless Chromium with its virtual authenticator, over a real
uvicorn server, a real forge (a bare repository) and real git histories:

three people enrol passkeys and the office approves; the section head opens a waiting page, sees a highlighted
finding and an exemption, corrects the typo and signs 二审; the leader signs 三审 on a phone, withdraws and
signs again; the three proofs are signed on the rendered page; another page is returned with an opinion; then
a fresh clone verifies offline (`govsite verify`) and the published build contains the page.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.govsite.portal.browser import DESKTOP, MOBILE, browser
from tests.govsite.desk.conftest import running_desk
from tests.govsite.review.authenticator import Authenticator
from tests.govsite.review.conftest import County, make_county

pytestmark = [pytest.mark.slow, pytest.mark.browser]

BODY = ("大昌镇召开森林防火工作部署会。各村要再接再励，守住森林防火底线。\n\n"
        "<!-- govsite: allow privacy.mobile 本人同意公开 -->\n联系人：张三，电话 13812345678。")
OTHER = "大昌镇开展秋季征兵宣传。"


def govsite(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govsite", *args], cwd=cwd, capture_output=True, text=True)


def invite(clone: Path, state: Path, base: str, unit: str, email: str) -> str:
    from govsite.desk.config import DeskConfig
    from govsite.desk.decisions import roster_entry
    from govsite.desk.store import Store
    from govsite.desk.workspace import Workspace

    config = DeskConfig(root=clone, state=state, remote="origin")
    unit_, person = roster_entry(Workspace(config), unit, email)
    return f"{base}/enrol/{Store(state).invite(unit_.id, person.email).token}"


def register_office_passkey(county: County) -> Authenticator:
    """At installation the big-data centre registers the office leader's first passkey in units/office.yml and
    the leader approves that change with the SSH key the roster already lists (nobody else could approve it)."""
    import datetime as dt

    from govsite.desk.decisions import add_key

    key = Authenticator()
    path = county.root / "units" / "office.yml"
    today = dt.datetime.now(dt.UTC).date()
    path.write_text(add_key(path.read_text(encoding="utf-8"), "wang@office.gov.cn", key.roster_key,
                            today - dt.timedelta(days=30), today + dt.timedelta(days=60)), encoding="utf-8")
    county.commit_all("人员名单：县政府办公室 王某 登记通行密钥", who="liming", date=stamp())
    county.approve("wangoffice", "3", ["units/office.yml"], unit="office", date=stamp())
    county.merge("mr", who="wangoffice", date=stamp())
    return key


class Person:
    """One person's browser tab with a passkey authenticator of its own (a phone or a security key)."""

    def __init__(self, chromium: object, viewport: dict[str, int]) -> None:
        self.context = chromium.new_context(viewport=viewport, locale="zh-CN")  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("WebAuthn.enable", {"enableUI": False})
        self.authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
            "isUserVerified": True, "automaticPresenceSimulation": True}})["authenticatorId"]
        self.cdp = cdp

    def hold(self, key: Authenticator, email: str = "wang@office.gov.cn", sign_count: int = 0) -> None:
        """Put an existing passkey (one registered in the roster outside the browser) on this authenticator."""
        import base64

        from cryptography.hazmat.primitives import serialization

        pkcs8 = key.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
        self.cdp.send("WebAuthn.addCredential", {"authenticatorId": self.authenticator, "credential": {
            "credentialId": base64.b64encode(key.credential_id).decode(), "isResidentCredential": True,
            "rpId": "localhost", "privateKey": base64.b64encode(pkcs8).decode(),
            "userHandle": base64.b64encode(email.encode()).decode(), "signCount": sign_count}})

    def notice(self, expect: str, timeout: float = 90.0) -> str:
        """The desk's message once it says ``expect`` (or an error: then the test fails with the message)."""
        box = self.page.locator("#notice")
        end = time.monotonic() + timeout
        text = ""
        while time.monotonic() < end:
            if box.count() and box.is_visible():
                text = box.inner_text()
                if expect in text:
                    return text
                if box.get_attribute("class") == "error":
                    raise AssertionError(f"the desk said: {text}")
            self.page.wait_for_timeout(200)
        raise AssertionError(f"no message with {expect!r}; last: {text!r}")

    def tick_checklist(self) -> None:
        """Tick every Art. 16 item, one by one, as a reviewer does after checking each."""
        boxes = self.page.locator('#approve input[name="checklist"]')
        for i in range(boxes.count()):
            boxes.nth(i).check()

    def sign_in(self, base: str) -> None:
        self.page.goto(f"{base}/signin")
        self.page.get_by_role("button", name="用通行密钥登录").click()
        self.page.wait_for_url(f"{base}/", timeout=30000)


def stamp() -> str:
    """Now, for commits made by hand in the test (the desk and the CLI sign at the real time)."""
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def test_review_desk_end_to_end(tmp_path, keys, robot, monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    county = make_county(tmp_path / "county", keys, proofs=True)
    office_key = register_office_passkey(county)
    county.git("checkout", "-q", "main")
    county.git("branch", "-q", "-D", "mr")
    forge = tmp_path / "forge.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(county.root), str(forge)], check=True)
    clone = tmp_path / "desk-clone"
    subprocess.run(["git", "clone", "-q", str(forge), str(clone)], check=True)
    office = County(tmp_path / "office", keys)  # the office's and the editor's own clone (they use the CLI)
    subprocess.run(["git", "clone", "-q", str(forge), str(office.root)], check=True)
    state = tmp_path / "state"

    with running_desk(clone, state, webhook=robot.url) as base, browser() as chromium:
        people = {who: Person(chromium, MOBILE if who == "zhaozhen" else DESKTOP)
                  for who in ("liming", "zhangke", "zhaozhen")}
        def enrolment_branch(unit: str, who: str) -> str:
            office.git("fetch", "-q", "origin")
            [ref] = [b for b in office.git("branch", "-r", "--format=%(refname:short)").split()
                     if f"/desk/enrol-{unit}-{who}-" in b]
            return ref.split("/", 1)[1]

        def merge(name: str) -> None:  # what the forge does once the gate passes
            office.git("checkout", "-q", "main", who="wangoffice")
            office.git("pull", "-q", "--ff-only", who="wangoffice")
            office.git("merge", "-q", "--no-ff", f"origin/{name}", "-m", f"Merge {name}", who="wangoffice",
                       date=stamp())
            office.git("push", "-q", "origin", "main", who="wangoffice")

        # 1. the office leader signs in with the passkey registered at installation
        chief = Person(chromium, DESKTOP)
        chief.hold(office_key)
        chief.sign_in(base)

        # 2. three people enrol a passkey each, from the link their unit sends them; the office leader approves
        # each enrolment in the desk, and the forge merges it
        for who, person in people.items():
            person.page.goto(invite(clone, state, base, "dachang", f"{who}@dachang.gov.cn"))
            person.page.get_by_role("button", name="登记").click()
            person.notice("已提交县政府办公室分管负责人批准")
            if who == "liming":  # nobody signs in before the office approves
                person.page.goto(f"{base}/signin")
                person.page.get_by_role("button", name="用通行密钥登录").click()
                person.notice("没有在主分支的人员名单中登记")
            name = enrolment_branch("dachang", who)
            chief.page.goto(f"{base}/")
            waiting = chief.page.locator(".inbox .item", has_text="人员名单")
            expect(waiting).to_have_count(1, timeout=60000)
            waiting.locator("a").click()
            assert "三审" in chief.page.locator("#decide h2").inner_text()
            assert chief.page.locator(".diff .added").count() >= 1  # the key line the enrolment adds
            chief.tick_checklist()
            chief.page.get_by_role("button", name="同意并签署").click()
            chief.notice("已签署并保存")
            chief.page.wait_for_url(f"{base}/", timeout=30000)
            merge(name)
        verified = govsite("verify", cwd=office.root)
        assert verified.returncode == 0, verified.stdout + verified.stderr

        # 3. the editor writes two pages on two branches and signs 一审 with the CLI
        for branch, name, body in (("fanghuo", "fanghuo.md", BODY), ("zhengbing", "zhengbing.md", OTHER)):
            office.git("checkout", "-q", "-B", branch, "origin/main", who="liming")
            editor = County(office.root, keys)
            page = editor.write_page(name, body=body)
            editor.commit_all(f"新增：{name}", who="liming", date=stamp())
            done = govsite("approve", "--tier", "1", "--all-changed", "--base", "origin/main",
                           "--key", str(keys["liming"]), cwd=office.root)
            assert done.returncode == 0, done.stdout + done.stderr
            office.git("push", "-q", "origin", branch, who="liming")
        page, other = "content/dachang/gzdt/fanghuo.md", "content/dachang/gzdt/zhengbing.md"

        # 4. the section head signs in, sees both pages waiting for 二审
        head = people["zhangke"]
        head.sign_in(base)
        inbox = head.page.locator(".inbox .item")
        # a branch the desk has not judged yet is counted as being judged and the page reloads itself
        expect(inbox).to_have_count(2, timeout=60000)
        assert head.page.locator(".notice").count() == 0
        head.page.screenshot(path=str(tmp_path / "desk-inbox-desktop.png"), full_page=True)
        assert "二审" in inbox.first.inner_text() and "发布期限" in inbox.first.inner_text()
        head.page.get_by_text("大昌镇召开森林防火工作部署会").first.click()
        # ... the finding is marked in the rendered page, the exemption with its reason
        findings = head.page.locator(".findings")
        assert "再接再励" in findings.inner_text() and "再接再厉" in findings.inner_text()
        assert "本人同意公开" in head.page.locator(".exemption").inner_text()
        frame = head.page.frame_locator("iframe.preview")
        frame.locator("mark.finding.warning").first.wait_for(timeout=120000)
        assert frame.locator("mark.finding.warning").first.inner_text() == "再接再励"
        assert frame.locator("mark.finding.exempt").first.inner_text() == "13812345678"
        head.page.screenshot(path=str(tmp_path / "desk-review-desktop.png"), full_page=True)
        boxes = head.page.locator('#approve input[name="checklist"]')
        assert boxes.count() == 11 and all(not boxes.nth(i).is_checked() for i in range(11))
        # ... corrects the typo in place (Art. 17), signed with the passkey
        head.page.get_by_text("修改稿件").click()
        text = head.page.locator('#revise textarea[name="text"]')
        text.fill(text.input_value().replace("再接再励", "再接再厉"))
        head.page.get_by_role("button", name="保存修改并签名").click()
        head.notice("已签署并保存")
        head.page.wait_for_load_state("networkidle")
        head.page.wait_for_timeout(1000)
        assert "再接再励" not in head.page.locator(".findings").inner_text()
        # ... refusing what the gate refuses: signing without ticking the checklist
        head.page.get_by_role("button", name="同意并签署").click()
        head.notice("还没有勾选")
        head.tick_checklist()
        head.page.locator('input[name="accept_exemptions"]').check()
        head.page.get_by_role("button", name="同意并签署").click()
        head.notice("已签署并保存")
        head.page.wait_for_url(f"{base}/", timeout=30000)
        # ... and the leader is told, through the group robot
        for _ in range(100):
            if any("待你三审（签发）：大昌镇召开森林防火" in post["markdown"]["content"] for post in robot.posts):
                break
            time.sleep(0.1)
        told = [post["markdown"]["content"] for post in robot.posts
                if "待你三审（签发）：大昌镇召开森林防火" in post["markdown"]["content"]]
        assert told and "/review?branch=fanghuo&path=content%2Fdachang%2Fgzdt%2Ffanghuo.md" in told[0]

        # 5. the leader signs 三审 on a phone; withdraws it; signs again
        leader = people["zhaozhen"]
        leader.sign_in(base)
        leader.page.get_by_text("大昌镇召开森林防火工作部署会").first.click()
        assert leader.page.evaluate("document.documentElement.scrollWidth") <= 390
        leader.page.frame_locator("iframe.preview").locator("article").first.wait_for(timeout=120000)
        leader.page.screenshot(path=str(tmp_path / "desk-review-mobile.png"), full_page=True)
        leader.tick_checklist()
        leader.page.locator('input[name="accept_exemptions"]').check()
        leader.page.get_by_role("button", name="同意并签署").click()
        leader.notice("已签署并保存")
        leader.page.wait_for_url(f"{base}/", timeout=30000)
        leader.page.goto(f"{base}/review?branch=fanghuo&path={page}")
        leader.page.once("dialog", lambda d: d.accept())
        leader.page.get_by_role("button", name="撤回").click()
        leader.notice("已签署并保存")
        leader.page.wait_for_timeout(1500)
        leader.page.goto(f"{base}/review?branch=fanghuo&path={page}")
        leader.tick_checklist()
        leader.page.locator('input[name="accept_exemptions"]').check()
        leader.page.get_by_role("button", name="同意并签署").click()
        leader.notice("已签署并保存")
        leader.page.wait_for_url(f"{base}/", timeout=30000)

        # 6. the three proofs on the rendered page: editor, section head, leader
        for who in ("liming", "zhangke", "zhaozhen"):
            person = people[who]
            if who == "liming":
                person.sign_in(base)
            person.page.goto(f"{base}/review?branch=fanghuo&path={page}")
            person.page.frame_locator("iframe.preview").locator("article").first.wait_for(timeout=120000)
            person.page.goto(f"{base}/review?branch=fanghuo&path={page}")
            assert re.search("[一二三]校", person.page.locator("#decide h2").inner_text())
            person.tick_checklist()
            person.page.get_by_role("button", name="同意并签署").click()
            person.notice("已签署并保存")
            person.page.wait_for_url(f"{base}/", timeout=30000)

        # 7. the other page is returned with an opinion; the desk shows it
        head.page.goto(f"{base}/review?branch=zhengbing&path={other}")
        head.page.get_by_text("退回", exact=True).click()
        head.page.locator('#return textarea[name="opinion"]').fill("请补充征兵报名时间和地点。")
        head.page.get_by_role("button", name="退回并签名").click()
        head.notice("已签署并保存")
        head.page.wait_for_timeout(1500)
        head.page.goto(f"{base}/review?branch=zhengbing&path={other}")
        assert "请补充征兵报名时间和地点" in head.page.locator(".returned").inner_text()

    # 8. the forge merges the branch; on a fresh clone the gate passes offline and the build has the page
    office.git("fetch", "-q", "origin")
    office.git("checkout", "-q", "main", who="zhaozhen")
    office.git("pull", "-q", "--ff-only", who="zhaozhen")
    office.git("merge", "-q", "--no-ff", "origin/fanghuo", "-m", "Merge fanghuo", who="zhaozhen", date=stamp())
    office.git("push", "-q", "origin", "main", who="zhaozhen")
    fresh = tmp_path / "fresh"
    subprocess.run(["git", "clone", "-q", str(forge), str(fresh)], check=True)
    verified = govsite("verify", cwd=fresh)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # the units' opening announcements (Art. 8) must exist for a build; unapproved, they stay out of it
    published = County(fresh, keys)
    for unit in ("dachang", "fgw", "office"):
        (fresh / "content" / unit / "tzgg").mkdir(parents=True)
        (fresh / "content" / unit / "tzgg" / "kaitong.md").write_text(
            "---\ntitle: 网站开通公告\nformed: 2026-10-01\n---\n\n网站开通公告。\n", encoding="utf-8")
    published.commit_all("开通公告", who="wangoffice", date=stamp())
    built = govsite("build", "--no-search", "-o", str(tmp_path / "site"), cwd=fresh)
    assert built.returncode == 0, built.stdout + built.stderr
    html = (tmp_path / "site" / "dachang" / "gzdt" / "fanghuo" / "index.html").read_text(encoding="utf-8")
    assert "再接再厉" in html and "再接再励" not in html
