"""The publish gate: happy paths and every cheat, each rejected with its reason and article."""

from __future__ import annotations

from tests.govsite.review.conftest import verify_repository
from govsite.git.objects import NULL_BLOB

from .conftest import failures_for


def test_normal_page_three_tiers_verifies(county):
    page = county.write_page()
    county.commit_all("新增稿件：森林防火", who="liming")
    county.three_tiers([page])
    county.merge()
    report = verify_repository(county.root)
    assert report.ok, report.failures
    assert page in report.verified
    assert "units/dachang.yml" in report.verified  # first roster is the root of trust


def test_major_page_needs_principal(county):
    page = county.write_page(major="true")
    county.commit_all("重大信息", who="liming")
    county.three_tiers([page])
    report = verify_repository(county.root)
    assert not report.ok
    [reason] = failures_for(report, page, "principal")
    assert "缺少主要负责人签发" in reason and "第十七条" in reason
    county.approve("qianshu", "principal", [page])
    assert verify_repository(county.root).ok


def test_joint_page_needs_consent_of_co_unit_leader(county):
    page = county.write_page(co_units="[fgw]")
    county.commit_all("联合发布", who="liming")
    county.three_tiers([page])
    report = verify_repository(county.root)
    [reason] = failures_for(report, page, "consent:fgw")
    assert "会签" in reason and "第十八条" in reason
    county.approve("wufgw", "consent", [page], unit="fgw")  # fgw editor is not its leader
    reason = failures_for(verify_repository(county.root), page, "consent:fgw")[0]
    assert "不是分管负责人" in reason and "第十八条" in reason
    county.approve("zhoufgw", "consent", [page], unit="fgw")
    report = verify_repository(county.root)
    assert report.ok, report.failures


def test_author_cannot_sign_tier_two(county):
    page = county.write_page()
    county.commit_all("科长自己写的稿件", who="zhangke")
    county.three_tiers([page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("是这一版内容的作者" in r and "第十七条" in r for r in reasons)


def test_signer_without_role(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.approve("sunli", "2", [page])          # an editor signing tier 2
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("不是科室负责人" in r and "第十七条" in r for r in reasons)


def test_signer_from_another_unit(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.approve("zhangke", "2", [page])
    county.approve("zhoufgw", "3", [page])        # fgw's leader claiming dachang's tier 3
    reasons = failures_for(verify_repository(county.root), page, "3")
    assert any("属于单位“fgw”" in r and "不在单位“dachang”" in r and "第十七条" in r for r in reasons)
    county.approve("zhoufgw", "3", [page], unit="fgw")   # declaring its own unit does not help either
    reasons = failures_for(verify_repository(county.root), page, "3")
    assert any("与应审核的单位“dachang”不符" in r for r in reasons)


def test_same_person_on_two_tiers(county):
    page = county.write_page()
    county.commit_all("稿件", who="sunli")
    county.approve("both", "1", [page])
    county.approve("both", "2", [page])
    county.approve("zhaozhen", "3", [page])
    report = verify_repository(county.root)
    reasons = failures_for(report, page, "1-3")
    assert reasons and "三名不同人员" in reasons[0] and "both 同时签署了一审和二审" in reasons[0]
    assert "第十七条" in reasons[0]


def test_unsigned_trailer_counts_for_nothing(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.sign("zhangke", county.approval("2", "dachang", [page]), signed=False)
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("没有签名" in r and "第十九条" in r for r in reasons)


def test_key_not_in_roster(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.approve("stranger", "2", [page])
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("签名密钥" in r and "不在人员名单中" in r and "第十九条" in r for r in reasons)


def test_key_outside_its_window(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.approve("oldkey", "2", [page])  # window ended 2026-10-31, signed 2026-11-28
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("密钥有效期为 2026-08-01 至 2026-10-31，不含签署日期 2026-11-28" in r and "第三十八条" in r for r in reasons)


def test_person_who_had_left(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.approve("gone", "2", [page])  # left 2026-11-20
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("已于 2026-11-20 离职" in r and "第三十七条" in r for r in reasons)


def test_approval_of_older_version_is_stale(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.three_tiers([page])
    county.write_page(body="大昌镇召开森林防火工作部署会。会后补充一段未经审核的话。")
    county.commit_all("审核后又改了", who="liming")
    report = verify_repository(county.root)
    assert not report.ok
    for tier in ("1", "2", "3"):
        [reason] = failures_for(report, page, tier)
        assert "另一版本内容" in reason and "重新审核" in reason and "第十七条" in reason
    assert report.results[page].tiers[0].state == "stale"


def test_approval_copied_from_another_branch(county):
    page = county.write_page()
    county.commit_all("稿件（甲版）", who="liming")
    county.three_tiers([page])
    approved = county.git("log", "--format=%H", "-3")  # the three approvals on branch mr
    county.git("checkout", "-q", "-b", "other", "main")
    county.write_page(body="另一个分支上的不同内容。")
    county.commit_all("稿件（乙版）", who="liming")
    for sha in reversed(approved.split()):
        county.git("cherry-pick", "--allow-empty", "--keep-redundant-commits", sha, who="liming")
    report = verify_repository(county.root)
    for tier in ("1", "2", "3"):
        [reason] = failures_for(report, page, tier)
        assert "针对的是该稿件的另一版本内容" in reason and "第十七条" in reason
    # merging the other branch's signed approvals intact does not help either: they name the other blob
    county.git("checkout", "-q", "-b", "third", "main")
    county.write_page(body="第三个分支的内容。")
    county.commit_all("稿件（丙版）", who="liming")
    county.git("merge", "-q", "--no-ff", "mr", "-X", "ours", "-m", "合并甲版的审核", who="liming")
    report = verify_repository(county.root)
    assert not report.ok and page not in report.verified


def test_tier_three_without_tier_two(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.approve("zhaozhen", "3", [page])
    report = verify_repository(county.root)
    assert any("缺少二审" in r and "第十七条" in r for r in failures_for(report, page, "2"))
    assert any("之前没有有效的二审" in r for r in failures_for(report, page, "3"))


def test_tier_three_before_tier_two_is_out_of_order(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.approve("zhaozhen", "3", [page])
    county.approve("zhangke", "2", [page])
    reasons = failures_for(verify_repository(county.root), page, "1-3")
    assert reasons and "三审不能先于二审" in reasons[0]


def test_removed_page_needs_leader_approval(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.three_tiers([page])
    county.merge()
    county.git("checkout", "-q", "-b", "remove")
    county.git("rm", "-q", page)
    county.commit_all("删除稿件", who="liming")
    report = verify_repository(county.root)
    [reason] = failures_for(report, page, "remove")
    assert "删除稿件须经分管负责人批准" in reason and "第十七条" in reason
    county.approve("zhaozhen", "3", [page], blobs=[NULL_BLOB])
    report = verify_repository(county.root)
    assert report.ok, report.failures


def test_roster_change_in_same_mr_cannot_grant_role(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.write_units(grant={"sunli": ["editor", "section_head"]})   # the author's colleague promotes himself
    county.commit_all("人员名单：给孙立加科室负责人", who="sunli")
    county.approve("liming", "1", [page])
    county.approve("sunli", "2", [page])
    county.approve("zhaozhen", "3", [page])
    county.merge()
    report = verify_repository(county.root)
    assert any("不是科室负责人" in r for r in failures_for(report, page, "2"))
    [units] = failures_for(report, "units/dachang.yml")
    assert "须经县政府办公室分管负责人批准" in units and "第十七条" in units
    # the same judgement in merge-request mode, before merging
    county.git("checkout", "-q", "mr")
    report = verify_repository(county.root, "HEAD", "main~1")
    assert any("不是科室负责人" in r for r in failures_for(report, page, "2"))


def test_new_member_in_same_mr_is_unknown_at_the_base(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.write_units(extra={"dachang": [county.person("stranger", roles=["section_head"])]})
    county.commit_all("人员名单：新增科长", who="liming")
    county.approve("wangoffice", "3", ["units/dachang.yml", "units/fgw.yml", "units/office.yml"], unit="office")
    county.approve("liming", "1", [page])
    county.approve("stranger", "2", [page])
    county.approve("zhaozhen", "3", [page])
    report = verify_repository(county.root, "HEAD", "main")
    reasons = failures_for(report, page, "2")
    assert any("同一合并请求中修改的人员名单不能授予角色" in r for r in reasons)
    assert "units/dachang.yml" in report.verified  # the roster change itself is approved by the office
    # after merging, a later merge request may use the new section head
    county.merge()
    county.git("checkout", "-q", "-b", "mr2")
    page2 = county.write_page("second.md")
    county.commit_all("第二篇", who="liming")
    county.approve("liming", "1", [page2])
    county.approve("stranger", "2", [page2])
    county.approve("zhaozhen", "3", [page2])
    report = verify_repository(county.root, "HEAD", "main")
    assert page2 in report.verified, failures_for(report, page2)


def test_tampered_approval_signature_is_invalid(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    raw = county.git("cat-file", "commit", "HEAD")
    forged = raw.replace("Review-Tier: 1", "Review-Tier: 2") + "\n"
    sha = subprocess_hash(county, forged)
    county.git("reset", "-q", "--hard", sha)
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("签名无效" in r and "第十九条" in r for r in reasons)


def subprocess_hash(county, text: str) -> str:
    import subprocess

    proc = subprocess.run(["git", "-C", str(county.root), "hash-object", "-t", "commit", "-w", "--stdin"],
                          input=text.encode(), capture_output=True, check=True)
    return proc.stdout.decode().strip()


def test_missing_checklist_item(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.approve("zhangke", "2", [page])
    from govsite.review.trailers import format_message

    county.sign("zhaozhen", format_message("3", "dachang", [(page, county.blob(page))], ("typo",)))
    reasons = failures_for(verify_repository(county.root), page, "3")
    assert any("审核清单" in r and "political" in r for r in reasons)



def test_backdated_approval_is_not_trusted(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming", date="2026-11-28T10:00:00+08:00")
    county.approve("liming", "1", [page])
    county.approve("oldkey", "2", [page], date="2026-10-15T10:00:00+08:00")  # date moved into the old key's window
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("早于被审核内容的提交时间" in r and "第十九条" in r for r in reasons)


def test_office_unit_comes_from_site_yml_of_the_first_commit(tmp_path, keys):
    from .conftest import County

    c = County(tmp_path / "c2", keys)
    c.root.mkdir()
    c.git("init", "-q", "-b", "main")
    c.write_units()
    (c.root / "site_config").mkdir()
    (c.root / "site_config" / "site.yml").write_text("office_unit: fgw\n", encoding="utf-8")
    c.commit_all("初始化", who="wangoffice")
    c.git("checkout", "-q", "-b", "mr")
    c.write_units(grant={"sunli": ["editor", "section_head"]})
    c.commit_all("人员名单变更", who="liming")
    c.approve("wangoffice", "3", ["units/dachang.yml"], unit="office")   # not the office per site.yml
    report = verify_repository(c.root)
    [reason] = failures_for(report, "units/dachang.yml")
    assert "不能跨单位审核" in reason or "不在单位“fgw”" in reason
    c.approve("zhoufgw", "3", ["units/dachang.yml"], unit="fgw")
    assert "units/dachang.yml" in verify_repository(c.root).verified


def test_co_author_of_the_change_cannot_sign_tier_two(county):
    page = county.write_page()
    county.commit_all("信息员初稿", who="liming")
    county.write_page(body="科长大幅改写的正文。")
    county.commit_all("科长改写", who="zhangke")
    county.write_page(body="科长大幅改写的正文。信息员改了个标点。")
    county.commit_all("信息员定稿", who="liming")
    county.approve("liming", "1", [page])
    county.approve("zhangke", "2", [page])
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root, "HEAD", "main"), page, "2")   # merge-request pipeline
    assert any("zhangke 是这一版内容的作者" in r for r in reasons)
    county.merge()
    reasons = failures_for(verify_repository(county.root), page, "2")                    # main after the merge
    assert any("zhangke 是这一版内容的作者" in r for r in reasons)


def test_approval_that_also_changes_files_counts_for_nothing(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    (county.root / "content" / "dachang" / "gzdt" / "extra.md").write_text("---\ntitle: x\nformed: 2026-11-20\n---\n")
    county.git("add", "-A")
    county.sign("zhangke", county.approval("2", "dachang", [page]))   # signed approval smuggling a new file
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("不是空提交" in r and "第十九条" in r for r in reasons)


def test_threaded_signature_checks_give_the_same_verdicts(county, monkeypatch):
    from govsite.review.judge import Gate

    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.approve("liming", "1", [page])
    county.sign("zhangke", county.approval("2", "dachang", [page]), signed=False)
    county.approve("zhangke", "2", [page])
    county.approve("zhaozhen", "3", [page])
    lazy = verify_repository(county.root)
    monkeypatch.setattr(Gate, "THREADED_FROM", 0)
    threaded = verify_repository(county.root)
    assert lazy.ok and threaded.ok and lazy.verified == threaded.verified


def test_key_with_a_window_longer_than_three_months_is_not_accepted(tmp_path, keys):
    from .conftest import County

    c = County(tmp_path / "c3", keys)
    c.root.mkdir()
    c.git("init", "-q", "-b", "main")
    c.write_units(extra={"dachang": [c.person("stranger", roles=["section_head"], window=("2026-06-01", "2026-12-31"))]})
    c.commit_all("初始化", who="wangoffice")
    c.git("checkout", "-q", "-b", "mr")
    page = c.write_page()
    c.commit_all("稿件", who="liming")
    c.approve("liming", "1", [page])
    c.approve("stranger", "2", [page])
    c.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(c.root), page, "2")
    assert any("超过 3 个月" in r and "第三十八条" in r for r in reasons), reasons


def test_major_as_the_content_model_reads_it_whatever_the_spelling(county):
    """One reader of front matter: a quoted "是" or a CRLF page with a trailing-space fence is major for the
    check, the portal and the gate alike, so the principal must sign (Art. 17)."""
    from govsite.core.pages import parse_page

    page = county.write_page(major="'是'")
    text = (county.root / page).read_text(encoding="utf-8").replace("---\n", "--- \n", 1).replace("\n", "\r\n")
    (county.root / page).write_bytes(text.encode("utf-8"))
    county.commit_all("重大信息（写法不规范）", who="liming")
    county.three_tiers([page])
    report = verify_repository(county.root)
    [reason] = failures_for(report, page, "principal")
    assert "缺少主要负责人签发" in reason
    from checks.textio import decode_text

    parsed, problems = parse_page(page, decode_text((county.root / page).read_bytes()).text, None)
    assert parsed.major and any(p.rule == "schema.type" and "major" in p.message for p in problems)


def test_major_spelt_as_a_yaml_escape_still_needs_the_principal(county):
    """The gate reads the page as the check and the portal do: "\\u006dajor" is the key major."""
    page = county.write_page(**{'"\\u006dajor"': "true"})
    county.commit_all("重大信息（转义写法）", who="liming")
    county.three_tiers([page])
    [reason] = failures_for(verify_repository(county.root), page, "principal")
    assert "缺少主要负责人签发" in reason
