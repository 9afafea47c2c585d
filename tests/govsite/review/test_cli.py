"""The commands as a user runs them: editor, section head and leader take a page from branch to verified."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import NOW, PEOPLE
import pytest

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses

REPO = Path(__file__).resolve().parents[3]


def govsite(county, *args: str, who: str = "liming", date: str = NOW, key: bool = False) -> subprocess.CompletedProcess:
    email = PEOPLE[who][0]
    env = {**os.environ, "GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": who,
           "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PYTHONPATH": str(REPO)}
    extra = ["--key", str(county.keys[who])] if key else []
    return subprocess.run([sys.executable, "-m", "govsite", "--root", str(county.root), *args, *extra],
                          env=env, capture_output=True, text=True, cwd=county.root)


def test_walkthrough_editor_section_head_leader(county, tmp_path):
    page = county.write_page()
    county.commit_all("新增稿件：森林防火", who="liming")
    status = govsite(county, "review", "status")
    assert status.returncode == 0 and "一审：缺少" in status.stdout and "三审：缺少" in status.stdout
    for who, tier in (("liming", "1"), ("zhangke", "2"), ("zhaozhen", "3")):
        done = govsite(county, "approve", "--tier", tier, "--all-changed", who=who, key=True)
        assert done.returncode == 0, done.stderr
        assert "已签署审核意见" in done.stdout
    status = govsite(county, "review", "status", "--strict")
    assert status.returncode == 0, status.stdout
    assert "二审：已通过 zhangke" in status.stdout
    county.merge()
    report_file = tmp_path / "verify.json"
    verify = govsite(county, "verify", "--report", str(report_file))
    assert verify.returncode == 0, verify.stderr
    assert "核验通过" in verify.stdout
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["ok"] is True and page in report["verified"] and report["approval_commits"] == 3


def test_approve_refuses_signer_without_role(county):
    county.write_page()
    county.commit_all("稿件", who="liming")
    r = govsite(county, "approve", "--tier", "2", "--all-changed", who="sunli", key=True)
    assert r.returncode == 2
    assert "不是科室负责人" in r.stderr and "第十七条" in r.stderr


def test_approve_refuses_author_on_tier_two(county):
    county.write_page()
    county.commit_all("科长写的稿", who="zhangke")
    r = govsite(county, "approve", "--tier", "2", "--all-changed", who="zhangke", key=True)
    assert r.returncode == 2 and "内容作者" in r.stderr and "第十七条" in r.stderr


def test_approve_refuses_unknown_key_departed_and_expired(county):
    county.write_page()
    county.commit_all("稿件", who="liming")
    r = govsite(county, "approve", "--tier", "2", "--all-changed", who="stranger", key=True)
    assert r.returncode == 2 and "签名密钥不在人员名单中" in r.stderr
    r = govsite(county, "approve", "--tier", "2", "--all-changed", who="gone", key=True)
    assert r.returncode == 2 and "离职" in r.stderr and "第三十七条" in r.stderr
    r = govsite(county, "approve", "--tier", "2", "--all-changed", who="oldkey", key=True)
    assert r.returncode == 2 and "不在有效期内" in r.stderr and "第三十八条" in r.stderr


def test_approve_refuses_uncommitted_edits(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.write_page(body="改了但没提交")
    r = govsite(county, "approve", "--tier", "1", page, who="liming", key=True)
    assert r.returncode == 2 and "未提交的修改" in r.stderr


def test_approve_without_signing_key_configured(county):
    county.write_page()
    county.commit_all("稿件", who="liming")
    r = govsite(county, "approve", "--tier", "1", "--all-changed", who="liming")
    assert r.returncode == 2 and "没有配置签名密钥" in r.stderr


def test_verify_fails_with_exit_one_and_names_the_article(county, tmp_path):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    r = govsite(county, "verify", "--report", str(tmp_path / "v.json"))
    assert r.returncode == 1
    assert "缺少二审" in r.stderr and "第十七条" in r.stderr and "核验未通过" in r.stderr
    data = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    assert {f["tier"] for f in data["failures"] if f["path"] == page} == {"2", "3"}


def test_verify_outside_a_repository_and_on_empty_history(tmp_path):
    plain = tmp_path / "plain"
    (plain / "units").mkdir(parents=True)
    (plain / "content").mkdir()
    r = subprocess.run([sys.executable, "-m", "govsite", "--root", str(plain), "verify"], capture_output=True, text=True,
                       cwd=REPO)
    assert r.returncode == 2 and "不是 git 仓库" in r.stderr and "Traceback" not in r.stderr
    r2 = subprocess.run([sys.executable, "-m", "govsite", "--root", str(plain), "review", "status"], capture_output=True,
                        text=True, cwd=REPO)
    assert r2.returncode == 2 and "不是 git 仓库" in r2.stderr
    subprocess.run(["git", "init", "-q", str(plain)], check=True)
    r = subprocess.run([sys.executable, "-m", "govsite", "--root", str(plain), "verify"], capture_output=True, text=True,
                       cwd=REPO)
    assert r.returncode == 2 and "还没有任何提交" in r.stderr


def test_verify_unknown_revision(county):
    r = govsite(county, "verify", "--rev", "no-such-branch")
    assert r.returncode == 2 and "找不到分支或提交“no-such-branch”" in r.stderr


def test_broken_history_is_a_clear_message(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    sha = county.git("rev-parse", "HEAD~1")
    obj = county.root / ".git" / "objects" / sha[:2] / sha[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"garbage")
    r = govsite(county, "verify")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "git" in r.stderr and ("损坏" in r.stderr or "执行失败" in r.stderr)
    del page


def test_malformed_roster_grants_nothing(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    (county.root / "units" / "dachang.yml").write_text("people: [unclosed\n", encoding="utf-8")
    county.commit_all("弄坏了人员名单", who="liming")
    county.merge()
    county.git("checkout", "-q", "-b", "mr2")
    county.three_tiers([page])
    r = govsite(county, "verify", "--base", "main")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "units/dachang.yml" in r.stderr and "须经县政府办公室分管负责人批准" in r.stderr


def test_allowed_signers_file_verifies_with_git(county, tmp_path):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    out = tmp_path / "allowed_signers"
    r = govsite(county, "allowed-signers", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert f'liming@dachang.gov.cn namespaces="git",valid-after="20261001",valid-before="20270101" {county.pub("liming")}' in text
    assert 'gone@dachang.gov.cn namespaces="git",valid-after="20261001",valid-before="20261121"' in text  # left
    v = subprocess.run(["git", "-C", str(county.root), "-c", f"gpg.ssh.allowedSignersFile={out}", "verify-commit", "HEAD"],
                       capture_output=True, text=True)
    assert v.returncode == 0 and 'Good "git" signature for liming@dachang.gov.cn' in v.stderr


def test_roster_change_and_removal_approved_with_the_cli(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.three_tiers([page])
    county.merge()
    county.git("checkout", "-q", "-b", "mr2")
    county.git("rm", "-q", page, who="liming")
    county.write_units(extra={"dachang": [county.person("stranger", roles=["editor"])]})
    county.commit_all("删除旧稿；登记新信息员", who="liming")
    status = govsite(county, "review", "status")
    assert "（删除）" in status.stdout and "（人员名单/栏目目录）" in status.stdout
    r = govsite(county, "approve", "--tier", "3", page, who="zhaozhen", key=True)
    assert r.returncode == 0, r.stderr
    r = govsite(county, "approve", "--tier", "3", "units/dachang.yml", who="zhaozhen", key=True)
    assert r.returncode == 2 and "office" in r.stderr            # only the office's leader approves rosters
    r = govsite(county, "approve", "--tier", "3", "units/dachang.yml", who="wangoffice", key=True)
    assert r.returncode == 0, r.stderr
    county.merge("mr2")
    r = govsite(county, "verify")
    assert r.returncode == 0, r.stderr


def test_shallow_clone_is_refused_with_advice(county, tmp_path):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.three_tiers([page])
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "mr", f"file://{county.root}", str(shallow)],
                   check=True)
    for command in (["verify"], ["audit", "--no-checks"]):  # the audit would date pages by the last commit fetched
        r = subprocess.run([sys.executable, "-m", "govsite", "--root", str(shallow), *command], capture_output=True,
                           text=True, cwd=REPO)
        assert r.returncode == 2 and "浅克隆" in r.stderr and "GIT_DEPTH" in r.stderr, (command, r.stderr)


def test_proofreads_are_accepted_and_shown(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.three_tiers([page])
    from govsite.review.trailers import format_message

    msg = format_message("proof-1", "dachang", [(page, county.blob(page))], ("typo",), renders=[(page, "ab" * 32)])
    county.sign("liming", msg)
    r = govsite(county, "review", "status")
    assert "一校：已通过 liming" in r.stdout and "渲染摘要 abababababab" in r.stdout
    assert "二校：缺少" in r.stdout
    assert govsite(county, "verify").returncode == 0   # proofreads do not block yet (see govsite/review/README.md)


def test_consent_with_the_cli_and_json_status(county):
    page = county.write_page(co_units="[fgw]")
    county.commit_all("联合发布", who="liming")
    county.three_tiers([page])
    r = govsite(county, "approve", "--tier", "consent", page, who="wufgw", key=True)
    assert r.returncode == 2 and "不是分管负责人" in r.stderr and "第十八条" in r.stderr
    r = govsite(county, "approve", "--tier", "consent", page, who="zhoufgw", key=True)
    assert r.returncode == 0, r.stderr
    r = govsite(county, "review", "status", "--format", "json")
    data = json.loads(r.stdout)
    tiers = {t["tier"]: t for t in data["results"][page]["tiers"]}
    assert data["ok"] and tiers["consent:fgw"]["state"] == "valid" and tiers["consent:fgw"]["signer"].startswith("zhoufgw")


def test_signing_key_from_git_config(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.git("config", "gpg.format", "ssh")
    county.git("config", "user.signingkey", str(county.keys["liming"]))
    r = govsite(county, "approve", "--tier", "1", page, who="liming")
    assert r.returncode == 0, r.stderr
    status = govsite(county, "review", "status")
    assert "一审：已通过 liming" in status.stdout


def test_all_changed_signs_own_unit_and_leaves_roster_to_the_office(county):
    page = county.write_page()
    county.write_units(extra={"dachang": [county.person("stranger", roles=["editor"])]})
    county.commit_all("稿件与人员名单", who="sunli")
    r = govsite(county, "approve", "--tier", "1", "--all-changed", who="liming", key=True)
    assert r.returncode == 0, r.stderr
    assert "未签署 units/dachang.yml" in r.stdout and "已签署审核意见" in r.stdout
    msg = county.git("log", "-1", "--format=%B")
    assert f"Review-Blob: {page} " in msg and "units/dachang.yml" not in msg


def test_unknown_checklist_item_is_refused(county):
    county.write_page()
    county.commit_all("稿件", who="liming")
    r = govsite(county, "approve", "--tier", "1", "--checklist", "secrecy,vibes", who="liming", key=True)
    assert r.returncode == 2 and "审核清单项“vibes”无效" in r.stderr and "secrecy（" in r.stderr


def test_three_people_three_clones_through_a_shared_remote(county, tmp_path):
    """The README walk-through: each person works in their own clone, with their key in git config."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(county.root), str(remote)], check=True)
    clones = {}
    for who in ("liming", "zhangke", "zhaozhen"):
        path = tmp_path / who
        subprocess.run(["git", "clone", "-q", str(remote), str(path)], check=True)
        c = type(county)(path, county.keys)
        c.git("config", "gpg.format", "ssh")
        c.git("config", "user.signingkey", str(county.keys[who]))
        clones[who] = c
    ed = clones["liming"]
    ed.git("switch", "-q", "-c", "fanghuo", "origin/main")
    page = ed.write_page()
    ed.commit_all("新增：森林防火工作部署会", who="liming")
    assert govsite(ed, "approve", "--tier", "1", "--all-changed", who="liming").returncode == 0
    ed.git("push", "-q", "-u", "origin", "fanghuo")
    for who, tier in (("zhangke", "2"), ("zhaozhen", "3")):
        c = clones[who]
        c.git("fetch", "-q")
        c.git("switch", "-q", "fanghuo")
        c.git("pull", "-q", "--ff-only")
        assert "缺少" in govsite(c, "review", "status", who=who).stdout
        r = govsite(c, "approve", "--tier", tier, "--all-changed", who=who)
        assert r.returncode == 0, r.stderr
        c.git("push", "-q")
    lead = clones["zhaozhen"]
    r = govsite(lead, "verify", "--base", "origin/main")
    assert r.returncode == 0, r.stderr
    lead.git("switch", "-q", "main")
    lead.git("merge", "-q", "--no-ff", "fanghuo", "-m", "Merge branch 'fanghuo'", who="zhaozhen")
    lead.git("push", "-q", "origin", "main")
    r = govsite(lead, "verify", "--report", str(tmp_path / "verify.json"))
    assert r.returncode == 0 and "核验通过" in r.stdout, r.stderr
    assert page in json.loads((tmp_path / "verify.json").read_text(encoding="utf-8"))["verified"]
