"""``govsite approve`` says no to what the gate would refuse (issue 13, point 12), and ``--push`` handles a
reviewer who pushed first, in Chinese, with a real shared (bare) repository and two clones."""

from __future__ import annotations

import subprocess

from .conftest import County
from .test_cheats import _drop_key, _withdraw_on_main
from .test_cli import govsite


def _page_with_tier_one(county, **front) -> str:
    page = county.write_page(**front)
    county.commit_all("稿件", who="liming")
    assert govsite(county, "approve", "--tier", "1", "--all-changed", who="liming", key=True).returncode == 0
    return page


def test_approve_refuses_to_sign_a_tier_before_the_one_it_follows(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    head = county.git("rev-parse", "HEAD")
    two = govsite(county, "approve", "--tier", "2", "--all-changed", who="zhangke", key=True)
    assert two.returncode == 2
    assert f"{page}：一审尚未通过，不能先签二审" in two.stderr and "第十七条" in two.stderr
    assert "已撤回本次签署（没有留下提交）" in two.stderr and "Traceback" not in two.stderr
    assert county.git("rev-parse", "HEAD") == head
    assert govsite(county, "approve", "--tier", "1", "--all-changed", who="liming", key=True).returncode == 0
    three = govsite(county, "approve", "--tier", "3", "--all-changed", who="zhaozhen", key=True)
    assert three.returncode == 2 and "三审（签发）之前没有有效的二审，签发无效" in three.stderr
    assert "第十七条" in three.stderr


def test_approve_refuses_what_only_the_gate_knows_a_key_withdrawn_on_the_target_branch(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    assert govsite(county, "approve", "--tier", "1", "--all-changed", who="liming", key=True).returncode == 0
    _withdraw_on_main(county, lambda c: c.write_units() or _drop_key(c, "zhangke"))
    head = county.git("rev-parse", "HEAD")
    two = govsite(county, "approve", "--tier", "2", "--all-changed", who="zhangke", key=True)
    assert two.returncode == 2, two.stdout
    assert f"{page}：" in two.stderr and "已从单位“dachang”的人员名单中撤销" in two.stderr
    assert county.git("rev-parse", "HEAD") == head


# -- two reviewers pushing at once --------------------------------------------------------------------------

def _shared(county, tmp_path) -> tuple[County, County]:
    """The county pushed to a bare repository, and two reviewers' clones of the branch ``mr``."""
    bare = tmp_path / "shared.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    county.git("remote", "add", "origin", str(bare))
    county.git("push", "-q", "origin", "main", "mr")
    clones = []
    for name in ("a", "b"):
        subprocess.run(["git", "clone", "-q", "-b", "mr", str(bare), str(tmp_path / name)], check=True)
        clone = County(tmp_path / name, county.keys)
        clone.git("branch", "-q", "main", "origin/main")
        clones.append(clone)
    return clones[0], clones[1]


def test_a_reviewer_who_pushed_first_is_taken_in_and_the_approval_signed_after(county, tmp_path):
    _page_with_tier_one(county, co_units="[fgw]")
    a, b = _shared(county, tmp_path)
    first = govsite(b, "approve", "--tier", "consent", "--all-changed", "--push", who="zhoufgw", key=True)
    assert first.returncode == 0, first.stderr
    assert "已推送到 origin/mr" in first.stdout
    second = govsite(a, "approve", "--tier", "2", "--all-changed", "--push", who="zhangke", key=True)
    assert second.returncode == 0, second.stderr
    assert "推送时发现其他人刚刚推送了新的提交" in second.stdout and "fatal" not in second.stdout + second.stderr
    subjects = a.git("log", "--format=%s", "origin/mr").splitlines()
    assert subjects[0].startswith("审核：二审") and subjects[1].startswith("审核：会签同意")
    status = govsite(a, "review", "status")
    assert "二审：已通过 zhangke" in status.stdout and "会签（fgw）：已通过 zhoufgw" in status.stdout


def test_a_change_pushed_meanwhile_withdraws_the_approval_and_says_so(county, tmp_path):
    page = _page_with_tier_one(county)
    a, b = _shared(county, tmp_path)
    b.write_page(body="大昌镇召开森林防火工作部署会，全镇干部参加。")
    b.commit_all("修改", who="sunli")
    b.git("push", "-q", "origin", "mr")
    signed = govsite(a, "approve", "--tier", "2", "--all-changed", "--push", who="zhangke", key=True)
    assert signed.returncode == 2
    assert f"你签署之后，其他人推送了对以下稿件的修改：\n  {page}" in signed.stderr
    assert "本次签署已撤回" in signed.stderr and "请查看修改后重新审核签署" in signed.stderr
    assert a.git("rev-parse", "HEAD") == a.git("rev-parse", "origin/mr")  # they now have the new version
    assert "全镇干部参加" in (a.root / page).read_text(encoding="utf-8")
    assert a.git("log", "-1", "--format=%s") == "修改"


def test_no_permission_to_push_is_said_in_chinese_and_nothing_is_left_signed(county, tmp_path):
    _page_with_tier_one(county)
    a, _b = _shared(county, tmp_path)
    hook = tmp_path / "shared.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'GitLab: You are not allowed to push code to protected branches on this project.' >&2\n"
                    "exit 1\n")
    hook.chmod(0o755)
    head = a.git("rev-parse", "HEAD")
    signed = govsite(a, "approve", "--tier", "2", "--all-changed", "--push", who="zhangke", key=True)
    assert signed.returncode == 2
    assert "没有推送到 origin/mr 的权限" in signed.stderr and "本次签署已撤回，没有推送" in signed.stderr
    assert a.git("rev-parse", "HEAD") == head
