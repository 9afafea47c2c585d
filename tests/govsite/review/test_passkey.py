"""Approvals signed with passkeys (issue 15): the gate verifies the assertion offline against the roster —
challenge (the exact record), origin and RP id (from the first commit), user presence and verification, the
signature — with the same verdicts as for SSH signatures, and an attacker with push access and a passkey of
their own gets nothing counted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from govsite.review import passkey
from tests.govsite.review.authenticator import UP, Authenticator
from tests.govsite.review.conftest import NOW, County, failures_for, verify_repository

WHEN = dt.datetime.fromisoformat(NOW)


@dataclass
class PasskeyCounty(County):
    """A county whose section head zhangke signs with a passkey registered in the first commit's roster."""

    passkeys: dict[str, Authenticator] = field(default_factory=dict)

    def pub(self, who: str) -> str:
        if who in self.passkeys:
            return self.passkeys[who].roster_key
        return super().pub(who)

    def sign_with_passkey(self, who: str, tier: str, paths: list[str], when: dt.datetime = WHEN,
                          committed: dt.datetime | None = None, **kw) -> str:
        message = self.passkeys[who].sign_record(self.approval(tier, "dachang", paths), when, **kw)
        return self.sign(who, message, date=(committed or when).isoformat(), signed=False)


def make(root, keys, site_extra: str = "", holders: tuple[str, ...] = ("zhangke",)) -> PasskeyCounty:
    """A county whose ``holders`` sign with passkeys registered in the first commit's roster."""
    root.mkdir()
    c = PasskeyCounty(root, keys, passkeys={who: Authenticator() for who in holders})
    c.git("init", "-q", "-b", "main")
    c.write_units()
    (root / "content").mkdir()
    (root / "content" / ".keep").write_text("")
    (root / "site_config").mkdir()
    (root / "site_config" / "site.yml").write_text(
        "name: 巫山县人民政府\nreview:\n  require_proofs: false\n" + site_extra, encoding="utf-8")
    c.commit_all("初始化人员名单", who="wangoffice", date="2026-10-02T09:00:00+08:00")
    c.git("checkout", "-q", "-b", "mr")
    return c


@pytest.fixture()
def pk(tmp_path, keys) -> PasskeyCounty:
    return make(tmp_path / "county", keys)


def _page(c: PasskeyCounty) -> str:
    page = c.write_page()
    c.commit_all("新增稿件：森林防火", who="liming", date="2026-11-28T09:00:00+08:00")
    c.approve("liming", "1", [page], date="2026-11-28T09:30:00+08:00")
    return page


def test_a_passkey_approval_counts_like_an_ssh_one(pk):
    page = _page(pk)
    pk.sign_with_passkey("zhangke", "2", [page])
    pk.approve("zhaozhen", "3", [page])
    report = verify_repository(pk.root)
    assert report.ok, report.failures
    pk.merge()
    assert verify_repository(pk.root).ok


def test_the_roster_lists_a_passkey_and_gits_allowed_signers_leave_it_out(pk):
    from govsite.core.units import parse_unit
    from govsite.review.signers import allowed_signers

    path = pk.root / "units" / "dachang.yml"
    unit, problems = parse_unit(path.read_text(encoding="utf-8"), "units/dachang.yml")
    assert not problems
    zhang = next(p for p in unit.people if p.name == "zhangke")
    assert zhang.keys[0].key.startswith("webauthn ")
    assert "zhangke@" not in allowed_signers([unit])


@pytest.mark.parametrize("cheat, words", [
    ({"origin": "https://desk.attacker.example"}, "未登记的审签工作台地址"),
    ({"flags": UP}, "没有验证本人"),
    ({"rp_id": "attacker.example"}, "RP ID"),
    ({"kind": "webauthn.create"}, "类型"),
])
def test_an_assertion_made_elsewhere_or_without_the_person_is_refused(pk, cheat, words):
    page = _page(pk)
    pk.sign_with_passkey("zhangke", "2", [page], **cheat)
    pk.approve("zhaozhen", "3", [page])
    [reason] = failures_for(verify_repository(pk.root), page, "2")
    assert "通行密钥签名无效" in reason and words in reason and "第十九条" in reason


def test_an_assertion_moved_onto_other_content_does_not_count(pk):
    page = _page(pk)
    good = pk.passkeys["zhangke"].sign_record(pk.approval("2", "dachang", [page]), WHEN)
    pk.write_page(body="大昌镇召开森林防火工作部署会，另行改动。")
    pk.commit_all("改稿", who="liming", date="2026-11-28T09:40:00+08:00")
    pk.approve("liming", "1", [page], date="2026-11-28T09:45:00+08:00")
    record, _assertion = passkey.split(good)
    forged = good.replace(record.split("Review-Blob: ")[1].split("\n")[0],
                          f"{page} {pk.blob(page)}")  # the new blob under the old assertion
    pk.sign("zhangke", forged, date=NOW, signed=False)
    pk.approve("zhaozhen", "3", [page])
    [reason] = failures_for(verify_repository(pk.root), page, "2")
    assert "签名与审核内容不符" in reason


def test_a_re_dated_approval_is_refused(pk):
    page = _page(pk)
    pk.sign_with_passkey("zhangke", "2", [page], committed=WHEN + dt.timedelta(hours=3))
    pk.approve("zhaozhen", "3", [page], date="2026-11-28T14:00:00+08:00")
    [reason] = failures_for(verify_repository(pk.root, now=WHEN + dt.timedelta(hours=4)), page, "2")
    assert "签署时间被改动" in reason


def test_an_attacker_with_a_passkey_of_their_own_gets_nothing(pk):
    page = _page(pk)
    mallory = Authenticator()
    message = mallory.sign_record(pk.approval("2", "dachang", [page]), WHEN)
    pk.sign("zhangke", message, date=NOW, signed=False)  # named as zhangke in git, signed by mallory's key
    pk.approve("zhaozhen", "3", [page])
    [reason] = failures_for(verify_repository(pk.root), page, "2")
    assert "不在人员名单中" in reason and "通行密钥" in reason


def test_an_attacker_cannot_claim_a_roster_passkey_with_another_signature(pk):
    page = _page(pk)
    mallory = Authenticator()
    message = mallory.sign_record(pk.approval("2", "dachang", [page]), WHEN)
    message = message.replace(mallory.roster_key, pk.passkeys["zhangke"].roster_key)
    pk.sign("zhangke", message, date=NOW, signed=False)
    pk.approve("zhaozhen", "3", [page])
    [reason] = failures_for(verify_repository(pk.root), page, "2")
    assert "通行密钥签名无效" in reason


def test_a_branch_cannot_register_its_own_desk_address(pk):
    page = _page(pk)
    site = pk.root / "site_config" / "site.yml"
    site.write_text(site.read_text(encoding="utf-8") + "  desk:\n    rp_id: localhost\n"
                    "    origins: [https://desk.attacker.example]\n", encoding="utf-8")
    pk.commit_all("改审签工作台地址", who="liming", date="2026-11-28T09:50:00+08:00")
    pk.sign_with_passkey("zhangke", "2", [page], origin="https://desk.attacker.example")
    [reason] = failures_for(verify_repository(pk.root), page, "2")
    assert "未登记的审签工作台地址" in reason


def test_the_first_commit_names_the_desk(tmp_path, keys):
    c = make(tmp_path / "c", keys, site_extra="  desk:\n    rp_id: localhost\n    origins: [https://localhost:9443]\n")
    page = _page(c)
    c.sign_with_passkey("zhangke", "2", [page], origin="http://localhost:8765")  # not the registered one
    c.approve("zhaozhen", "3", [page])
    assert "未登记的审签工作台地址" in failures_for(verify_repository(c.root), page, "2")[0]
    c.sign_with_passkey("zhangke", "2", [page], origin="https://localhost:9443")
    c.approve("zhaozhen", "3", [page])
    assert verify_repository(c.root).ok


def test_an_assertion_that_is_not_the_last_line_is_malformed():
    msg = "审核\n\nReview-Tier: 2\nReview-Passkey: webauthn a:b c d e\nReview-Unit: dachang\n"
    got = passkey.check(msg, WHEN, passkey.DeskSettings())
    assert not got.good and "最后一行" in got.problem


def test_an_approval_copied_into_a_content_commit_does_not_make_its_signer_the_author(pk):
    """An attacker who copies a reviewer's passkey approval into the message of their own content change gains
    nothing: a commit that writes files must name its tree and parent in the signed record (Art. 19)."""
    page = _page(pk)
    approval = pk.passkeys["zhangke"].sign_record(pk.approval("2", "dachang", [page]), WHEN)
    pk.write_page(body="大昌镇召开森林防火工作部署会。攻击者加入的内容。")
    pk.git("add", "-A", who="stranger")
    pk.git("commit", "-q", "-m", approval, who="stranger", date=NOW)
    pk.sign_with_passkey("zhangke", "2", [page])
    pk.approve("zhaozhen", "3", [page])
    reasons = " ".join(failures_for(verify_repository(pk.root), page))
    assert "没有有效签名" in reasons and "第十九条" in reasons


def test_a_revision_signed_with_a_passkey_is_written_by_the_reviewer(pk):
    """修改 in the desk: a content commit whose signed record binds its tree and parent counts as written by the
    reviewer, and the earlier tier carries over (Art. 17)."""
    from govsite.git.plumbing import make_commit, move_branch, tree_of, write_tree

    page = _page(pk)
    tip = pk.git("rev-parse", "HEAD")
    text = (pk.root / page).read_text(encoding="utf-8").replace("部署会。", "部署会，全镇干部参加。")
    tree = write_tree(pk.root, tip, {page: text.encode()})
    assert tree != tree_of(pk.root, tip)
    when = WHEN + dt.timedelta(minutes=5)
    record = passkey.record_for_commit("修改：fanghuo.md\n", tree, tip, when)
    auth, client, sig = pk.passkeys["zhangke"].make_assertion(passkey.challenge(record), "http://localhost:8765")
    message = passkey.signed_message(record, pk.passkeys["zhangke"].roster_key, auth, client, sig)
    commit = make_commit(pk.root, tree, tip, message, when, "zhangke", "zhangke@dachang.gov.cn")
    assert move_branch(pk.root, "refs/heads/mr", commit, tip)
    assert not move_branch(pk.root, "refs/heads/mr", tip, tip)  # compare-and-swap: the branch moved
    pk.git("reset", "-q", "--hard", "mr")
    pk.sign_with_passkey("zhangke", "2", [page], when=WHEN + dt.timedelta(minutes=6))
    pk.approve("zhaozhen", "3", [page], date=(WHEN + dt.timedelta(minutes=7)).isoformat())
    report = verify_repository(pk.root, now=WHEN + dt.timedelta(minutes=8))
    assert report.ok, report.failures
    # the same record on another parent proves nothing
    assert passkey.binding_problem(message, tree, ("0" * 40,), tree_of(pk.root, tip))
