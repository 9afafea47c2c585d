"""Git work in the desk is serialised and nothing is lost (issue 15): two approvals of one branch landing at
the same moment both land, one re-placed after the other; an approval of a page changed meanwhile is refused
with the reason, and nothing of it lands."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from govsite.core.errors import GovsiteError
from govsite.desk import decisions, signing
from govsite.desk.config import DeskConfig
from govsite.desk.workspace import Workspace
from govsite.review import passkey
from govsite.review.policy import CHECKLIST
from tests.govsite.review.conftest import verify_repository
from tests.govsite.review.test_passkey import make

pytestmark = pytest.mark.slow
NOW = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _credential(authenticator, prepared: signing.Prepared) -> dict:
    auth, client, sig = authenticator.make_assertion(prepared.challenge, "http://localhost:8765")
    return {"id": passkey.b64url(authenticator.credential_id),
            "response": {"authenticatorData": passkey.b64url(auth), "clientDataJSON": passkey.b64url(client),
                         "signature": passkey.b64url(sig)}}


def _county(tmp_path, keys, pages: int):
    county = make(tmp_path / "county", keys)
    paths = [county.write_page(f"p{i}.md", body=f"大昌镇第{i}次召开森林防火工作部署会。") for i in range(pages)]
    county.commit_all("稿件", who="liming", date=NOW)
    for p in paths:
        county.approve("liming", "1", [p], date=NOW)
    county.git("checkout", "-q", "main")  # the desk works on branches nobody has checked out
    return county, paths, Workspace(DeskConfig(root=county.root, state=tmp_path / "state"))


def _land(ws, county, prepared):
    message, _key = signing.assertion_message(prepared, _credential(county.passkeys["zhangke"], prepared),
                                              ws.passkeys("zhangke@dachang.gov.cn"))
    signing.check_assertion(ws, message, dt.datetime.fromisoformat(prepared.when))
    return signing.land(ws, prepared, message, "zhangke", "zhangke@dachang.gov.cn")


def test_two_approvals_at_once_both_land(tmp_path, keys):
    county, paths, ws = _county(tmp_path, keys, 2)
    prepared = [decisions.approve(ws, "zhangke@dachang.gov.cn", "mr", p, "2", tuple(CHECKLIST), False) for p in paths]
    landed: list[signing.Landed] = []
    errors: list[Exception] = []
    start = threading.Barrier(2)

    def run(p: signing.Prepared) -> None:
        start.wait()
        try:
            landed.append(_land(ws, county, p))
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in prepared]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(landed) == 2
    log = county.git("log", "--format=%H", "mr").split()
    assert {x.commit for x in landed} <= set(log)
    report = verify_repository(county.root, "mr", "main", proofs=False)
    for p in paths:
        assert next(t for t in report.results[p].tiers if t.tier == "2").state == "valid"


def test_an_approval_of_a_page_changed_meanwhile_is_refused_and_nothing_lands(tmp_path, keys):
    county, [page], ws = _county(tmp_path, keys, 1)
    prepared = decisions.approve(ws, "zhangke@dachang.gov.cn", "mr", page, "2", tuple(CHECKLIST), False)
    county.git("checkout", "-q", "mr")
    county.write_page("p0.md", body="大昌镇召开森林防火工作部署会（改）。")
    county.commit_all("改稿", who="liming", date=NOW)
    county.git("checkout", "-q", "main")
    before = county.git("rev-parse", "mr")
    with pytest.raises(GovsiteError, match="有人改动了以下稿件"):
        _land(ws, county, prepared)
    assert county.git("rev-parse", "mr") == before


def test_the_checklist_is_never_ticked_for_the_reviewer(tmp_path, keys):
    county, [page], ws = _county(tmp_path, keys, 1)
    with pytest.raises(GovsiteError, match="还没有勾选") as refused:
        decisions.approve(ws, "zhangke@dachang.gov.cn", "mr", page, "2", (), False)
    assert "第十六条" in str(refused.value)


def test_the_office_leader_approves_an_enrolment_in_the_desk(tmp_path, keys):
    """Art. 38: a new passkey counts once the office leader has approved the roster change; the leader does it
    in the desk, with a passkey of their own, on the enrolment branch the desk made."""
    from tests.govsite.review.authenticator import Authenticator

    from govsite.desk import views

    root = tmp_path / "county"
    county = make(root, keys, holders=("zhangke", "wangoffice"))
    county.git("checkout", "-q", "main")
    office_key, new_key = county.passkeys["wangoffice"], Authenticator()
    ws = Workspace(DeskConfig(root=root, state=tmp_path / "state"))

    enrolment = decisions.enrol(ws, "dachang", "liming@dachang.gov.cn", new_key.roster_key)
    signing.sign_and_land(ws, enrolment, _credential(new_key, enrolment), [new_key.roster_key], "liming",
                          "liming@dachang.gov.cn")
    assert ws.holder(passkey.b64url(new_key.credential_id)) is None  # not before the office approves

    office = "wang@office.gov.cn"
    [waiting] = views.inbox(ws, office)
    assert (waiting.branch, waiting.path, waiting.tier, waiting.column) == (
        enrolment.branch, "units/dachang.yml", "3", "人员名单")
    view = views.page_view(ws, office, enrolment.branch, "units/dachang.yml")
    assert view.mine and any(kind == "added" and new_key.roster_key.split()[1][:20] in row
                             for kind, row in view.diff), view.diff
    prepared = decisions.approve(ws, office, enrolment.branch, "units/dachang.yml", "3", tuple(CHECKLIST), False)
    signing.sign_and_land(ws, prepared, _credential(office_key, prepared), ws.passkeys(office), "wangoffice", office)
    result = ws.status(ws.branch(enrolment.branch)).results["units/dachang.yml"]
    assert [(t.tier, t.state) for t in result.tiers] == [("3", "valid")]
    assert views.inbox(ws, office) == []


def test_a_signature_from_a_copied_passkey_does_not_land(tmp_path, keys):
    from govsite.desk.store import Store

    county, [path], ws = _county(tmp_path, keys, 1)
    store = Store(tmp_path / "state")
    store.advance_counter(passkey.b64url(county.passkeys["zhangke"].credential_id), 50)  # seen at 50 before
    prepared = decisions.approve(ws, "zhangke@dachang.gov.cn", "mr", path, "2", tuple(CHECKLIST), False)
    before = ws.branch("mr").tip
    with pytest.raises(GovsiteError, match="签名计数没有增加"):
        signing.sign_and_land(ws, prepared, _credential(county.passkeys["zhangke"], prepared),
                              ws.passkeys("zhangke@dachang.gov.cn"), "zhangke", "zhangke@dachang.gov.cn",
                              store.advance_counter)
    assert ws.branch("mr").tip == before
    forged = _credential(county.passkeys["zhangke"], prepared)
    forged["response"]["authenticatorData"] = passkey.b64url(b"\0" * 33 + (10**6).to_bytes(4, "big"))
    with pytest.raises(GovsiteError):
        signing.sign_and_land(ws, prepared, forged, ws.passkeys("zhangke@dachang.gov.cn"), "zhangke",
                              "zhangke@dachang.gov.cn", store.advance_counter)
    assert store.advance_counter(passkey.b64url(county.passkeys["zhangke"].credential_id), 51)  # not moved by it
