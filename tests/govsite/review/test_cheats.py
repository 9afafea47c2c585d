"""Cheats from a merge-request branch with push access and a valid key of its own (issue 13), each refused
in principle, with page, tier, reason and article; and the honest variant beside it still passing."""

from __future__ import annotations

import datetime as dt

from govsite.core.units import load_units
from govsite.review.trailers import format_message, parse_message
from tests.govsite.review.conftest import verify_repository

from .conftest import NOW, failures_for

BLOB = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"


# -- 2. trailers are read from the final trailer block only -------------------------------------------------

def test_review_lines_outside_the_final_block_make_the_approval_malformed():
    honest = format_message("2", "dachang", [("content/dachang/gzdt/a.md", BLOB)], ("law", "accuracy", "typo"))
    assert parse_message(honest).problems == []
    subject, _, trailers = honest.partition("\n\n")
    forged = f"{subject}\n\nReview-Blob: content/dachang/gzdt/b.md {BLOB}\n\n{trailers}"
    approval = parse_message(forged)
    assert approval is not None and approval.problems
    assert ("content/dachang/gzdt/b.md", BLOB) not in approval.blobs
    # trailers in the middle, prose at the end: no trailer block at all
    moved = f"{subject}\n\n{trailers}\n附言：已审。\n"
    assert parse_message(moved).problems


def test_an_opinion_cannot_carry_a_trailer():
    note = f"同意。\nReview-Blob: content/dachang/gzdt/b.md {BLOB}"
    approval = parse_message(format_message("2", "dachang", [("content/dachang/gzdt/a.md", BLOB)],
                                            ("law", "accuracy", "typo"), note=note))
    assert approval.problems == [] and approval.blobs == [("content/dachang/gzdt/a.md", BLOB)]


def test_a_forged_block_in_a_signed_approval_counts_for_nothing(county):
    page = county.write_page()
    other = county.write_page("other.md", body="另一篇稿件。")
    county.commit_all("两篇稿件", who="liming")
    county.three_tiers([page])
    forged = county.approval("2", "dachang", [page]).replace(
        "Review-Tier", f"Review-Blob: {other} {county.blob(other)}\n\nReview-Tier", 1)
    county.approve("liming", "1", [other])
    county.sign("zhangke", forged)
    county.approve("zhaozhen", "3", [other])
    report = verify_repository(county.root)
    assert page in report.verified and other not in report.verified
    [reason] = failures_for(report, other, "2")
    assert "缺少二审" in reason and "第十七条" in reason


# -- 3. content/ holds regular files only, in the gate too ------------------------------------------------

def test_a_page_committed_as_a_symlink_or_a_submodule_is_refused(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    county.three_tiers([page])
    (county.root / "content" / "dachang" / "gzdt" / "link.md").symlink_to("fanghuo.md")
    county.git("add", "content/dachang/gzdt/link.md")
    county.git("update-index", "--add", "--cacheinfo", f"160000,{county.git('rev-parse', 'HEAD')},"
               "content/dachang/gzdt/sub")
    county.git("commit", "-q", "-m", "符号链接与子模块")
    report = verify_repository(county.root)
    assert page in report.verified
    [link] = failures_for(report, "content/dachang/gzdt/link.md")
    [sub] = failures_for(report, "content/dachang/gzdt/sub")
    assert "符号链接" in link and "第十七条" in link
    assert "子模块" in sub and "第十七条" in sub
    assert not report.ok


def test_a_file_name_with_a_newline_is_refused(county):
    page = county.write_page()
    odd = county.write_page("a\nReview-Tier: 3.md")
    county.commit_all("稿件", who="liming")
    county.three_tiers([page, odd])
    report = verify_repository(county.root)
    assert page in report.verified and odd not in report.verified
    [reason] = failures_for(report, odd)
    assert "控制字符" in reason and "第十七条" in reason


# -- 3. what a merge commit writes counts like any other change ----------------------------------------------

def _merge_writing(county, who: str, page_body: str) -> str:
    """On branch mr: merge main, and slip a page into the merge commit itself, as ``who``."""
    county.git("checkout", "-q", "main", who=who)
    county.write_page("notice.md", body="主分支上的另一篇。")
    county.commit_all("主分支稿件", who="liming")
    county.git("checkout", "-q", "mr", who=who)
    county.git("merge", "-q", "--no-ff", "--no-commit", "main", who=who)
    page = county.write_page(body=page_body)
    county.git("add", "-A", who=who)
    county.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={county.keys[who]}", "commit", "-S", "-q", "-m",
               "Merge main", who=who)
    return page


def test_the_author_of_content_written_in_a_merge_cannot_sign_tier_two(county):
    county.write_page("seed.md", body="分支上的第一篇。")
    county.commit_all("分支稿件", who="liming")
    page = _merge_writing(county, "zhangke", "科长在合并提交里写的内容。")
    county.approve("liming", "1", [page])
    county.approve("zhangke", "2", [page])
    county.approve("zhaozhen", "3", [page])
    reasons = failures_for(verify_repository(county.root), page, "2")
    assert any("是这一版内容的作者" in r and "第十七条" in r for r in reasons), reasons


def test_content_written_in_a_merge_is_dated_by_it(county):
    county.write_page("seed.md", body="分支上的第一篇。")
    county.commit_all("分支稿件", who="liming")
    page = _merge_writing(county, "liming", "合并提交里写的内容。")  # dated NOW
    county.approve("liming", "1", [page], date="2026-11-27T10:00:00+08:00")  # signed "before" it was written
    county.approve("zhangke", "2", [page])
    county.approve("zhaozhen", "3", [page])
    [reason] = failures_for(verify_repository(county.root), page, "1")
    assert "早于被审核内容的提交时间" in reason and "第十九条" in reason


# -- 4. who someone is: one normal form, ASCII roster addresses; authorship from signatures ----------------

def test_authorship_comes_from_the_signature_not_the_author_field(county):
    """A section head writes the page, types the clerk's name as author, and signs 二审 himself."""
    page = county.write_page(body="科长自己写的稿件。")
    county.git("add", "-A")
    county.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={county.keys['zhangke']}", "commit", "-S", "-q",
               "-m", "稿件", who="liming")  # author and committer say liming; the key is zhangke's
    county.three_tiers([page])
    [reason] = failures_for(verify_repository(county.root, base="main"), page, "2")
    assert "zhangke 是这一版内容的作者" in reason and "第十七条" in reason


def test_content_written_in_unsigned_commits_cannot_pass_the_higher_tiers(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming", signed=False)
    county.three_tiers([page])
    report = verify_repository(county.root, base="main")
    assert not failures_for(report, page, "1")
    [reason] = failures_for(report, page, "2")
    assert "没有有效签名" in reason and "无法确认是谁写的" in reason and "第十九条" in reason
    assert "从目标分支新建分支，用签名提交重新提交" in reason
    county.git("checkout", "-q", "-b", "again", "main")
    county.write_page()
    county.commit_all("签名提交", who="liming")
    county.three_tiers([page])
    assert page in verify_repository(county.root, base="main").verified


def _county_with_roster(tmp_path, keys, people):
    """A county whose first commit's dachang roster is ``people(county)`` (fgw and office as usual)."""
    from .conftest import County, unit_yaml

    c = County(tmp_path / "custom", keys)
    c.root.mkdir()
    c.git("init", "-q", "-b", "main")
    c.write_units()
    (c.root / "units" / "dachang.yml").write_text(unit_yaml("dachang", "巫山县大昌镇人民政府", people(c)),
                                                  encoding="utf-8")
    (c.root / "site_config").mkdir()
    (c.root / "site_config" / "site.yml").write_text("name: 巫山县人民政府\nreview:\n  require_proofs: false\n",
                                                     encoding="utf-8")
    c.commit_all("初始化", who="wangoffice", date="2026-10-02T09:00:00+08:00")
    c.git("checkout", "-q", "-b", "mr")
    return c


def test_one_person_under_two_spellings_of_an_address_is_one_person(tmp_path, keys):
    """Before: ``Dup@`` and ``dup@`` were two people to the three-different-people rule, one to the author rule."""
    c = _county_with_roster(tmp_path, keys, lambda c: [
        c.person("liming"), c.person("zhaozhen"),
        c.person("sunli", name="dup", email="Dup@dachang.gov.cn", roles=["editor"]),
        c.person("zhangke", name="dup", email="dup@dachang.gov.cn", roles=["section_head"])])
    page = c.write_page()
    c.commit_all("稿件", who="liming")
    c.approve("sunli", "1", [page])
    c.approve("zhangke", "2", [page])
    c.approve("zhaozhen", "3", [page])
    report = verify_repository(c.root)
    assert page not in report.verified
    assert any("出现了两次" in r for r in failures_for(report, page, "2")), failures_for(report, page, "2")


def test_a_look_alike_address_cannot_sign(tmp_path, keys):
    c = _county_with_roster(tmp_path, keys, lambda c: [
        c.person("liming"), c.person("zhaozhen"), c.person("zhangke", email="zh\u0430ngke@dachang.gov.cn")])  # Cyrillic а
    page = c.write_page()
    c.commit_all("稿件", who="liming")
    c.three_tiers([page])
    [reason] = failures_for(verify_repository(c.root), page, "2")
    assert "不是规范的英文邮箱地址" in reason and "第十九条" in reason


# -- 9. a key belongs to one person; nobody grants themselves a role ---------------------------------------

def test_a_key_registered_to_two_people_signs_as_neither(tmp_path, keys):
    c = _county_with_roster(tmp_path, keys, lambda c: [
        c.person("liming"), c.person("zhaozhen"), c.person("zhangke"),
        c.person("sunli", key=c.pub("zhangke"), roles=["section_head"])])
    page = c.write_page()
    c.commit_all("稿件", who="liming")
    c.three_tiers([page])
    report = verify_repository(c.root)
    assert page in report.verified  # the first holder keeps the key; the second entry is refused
    problems = [p.message for p in load_units(c.root).problems]
    assert any("已登记给 zhangke" in m for m in problems)
    # across two unit files, the same key under two people signs for nobody
    fgw = c.root / "units" / "fgw.yml"
    fgw.write_text(fgw.read_text(encoding="utf-8").replace(c.pub("zhoufgw"), c.pub("zhangke")), encoding="utf-8")
    c.commit_all("fgw 登记了同一把密钥", who="wangoffice")
    c.approve("wangoffice", "3", ["units/fgw.yml"], unit="office")
    c.merge()
    c.git("checkout", "-q", "-b", "mr2")
    page2 = c.write_page("second.md", body="第二篇。")
    c.commit_all("第二篇", who="liming")
    c.three_tiers([page2])
    [reason] = failures_for(verify_repository(c.root), page2, "2")
    assert "同时登记给了" in reason and "第十九条" in reason


def test_nobody_approves_a_roster_change_that_grants_themselves_a_role(county):
    roster = county.root / "units" / "dachang.yml"
    county.write_units(grant={"wangoffice": ["leader"]}, extra={"dachang": [county.person("wangoffice",
                                                                                          roles=["leader"])]})
    county.commit_all("办公室领导把自己加为大昌镇分管负责人", who="liming")
    county.approve("wangoffice", "3", ["units/dachang.yml"], unit="office")
    report = verify_repository(county.root)
    assert "units/dachang.yml" not in report.verified
    [reason] = failures_for(report, "units/dachang.yml")
    assert "给了自己新的角色（分管负责人）" in reason and "第十七条" in reason
    assert roster.is_file()


# -- 5. a withdrawal takes effect at once, also for branches made before it ----------------------------------

def _withdraw_on_main(county, change):
    """On main: the office changes dachang's roster (``change(county)`` rewrites it), approved and merged."""
    county.git("checkout", "-q", "-b", "withdraw", "main")
    change(county)
    county.commit_all("撤销", who="liming")
    county.approve("wangoffice", "3", ["units/dachang.yml"], unit="office")
    county.merge("withdraw", who="wangoffice")
    county.git("checkout", "-q", "mr")


def _branch_with_page(county):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    return page


def test_a_key_withdrawn_on_main_no_longer_signs_on_an_older_branch(county):
    page = _branch_with_page(county)
    county.approve("liming", "1", [page])
    honest = verify_repository(county.root, base="main")
    _withdraw_on_main(county, lambda c: c.write_units(extra=None) or _drop_key(c, "zhangke"))
    county.approve("zhangke", "2", [page])
    county.approve("zhaozhen", "3", [page])
    report = verify_repository(county.root, base="main")
    [reason] = failures_for(report, page, "2")
    assert "已从单位“dachang”的人员名单中撤销" in reason and "第十九条" in reason
    assert not failures_for(honest, page, "1")
    county.merge()  # merged anyway: main judges the change by main as it stood at the merge
    assert page not in verify_repository(county.root).verified


def test_a_demoted_reviewer_no_longer_signs_on_an_older_branch(county):
    page = _branch_with_page(county)
    _withdraw_on_main(county, lambda c: c.write_units(grant={"zhangke": ["editor"]}))
    county.three_tiers([page])
    [reason] = failures_for(verify_repository(county.root, base="main"), page, "2")
    assert "不是科室负责人" in reason and "现行人员名单" in reason and "第十七条" in reason


def test_a_reviewer_promoted_on_main_signs_only_after_the_branch_is_rebuilt_on_it(county):
    page = _branch_with_page(county)
    _withdraw_on_main(county, lambda c: c.write_units(grant={"sunli": ["editor", "section_head"]}))
    county.approve("liming", "1", [page])
    county.approve("sunli", "2", [page])
    county.approve("zhaozhen", "3", [page])
    [reason] = failures_for(verify_repository(county.root, base="main"), page, "2")
    assert "不是科室负责人" in reason  # judged at the base too: promotion after merge
    county.git("merge", "-q", "--no-ff", "main", "-m", "合并主分支", who="liming")
    county.approve("sunli", "2", [page])
    county.approve("zhaozhen", "3", [page])
    assert page in verify_repository(county.root, base="main").verified


def _drop_key(county, who: str) -> None:
    path = county.root / "units" / "dachang.yml"
    text = path.read_text(encoding="utf-8")
    key = county.pub(who)
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if key in line)
    del lines[i - 1:i + 3]  # "keys:", the key, its two dates
    path.write_text("\n".join(lines), encoding="utf-8")


# -- 6. the signer does not choose the time --------------------------------------------------------------

def _branch_after_main_moved(county, when="2026-11-25T09:00:00+08:00"):
    """main gets a commit on ``when``; a new branch grows from it."""
    county.git("checkout", "-q", "main")
    county.git("commit", "-q", "--allow-empty", "-m", "主分支的提交", who="wangoffice", date=when)
    county.git("checkout", "-q", "-b", "late")


def test_an_approval_dated_before_the_point_its_branch_was_made_on_is_refused(county):
    """A reviewer who left on 11-20 backdates a tier-2 approval (and the content) to before the departure."""
    _branch_after_main_moved(county)
    page = county.write_page()
    county.commit_all("稿件", who="liming", date="2026-11-18T09:00:00+08:00")
    county.approve("liming", "1", [page], date="2026-11-18T10:00:00+08:00")
    county.approve("gone", "2", [page], date="2026-11-19T10:00:00+08:00")
    county.approve("zhaozhen", "3", [page])
    report = verify_repository(county.root, base="main")
    [reason] = failures_for(report, page, "2")
    assert "早于它所在分支的起点" in reason and "倒填" in reason and "第十九条" in reason
    assert "2026-11-19 10:00" in reason


def test_an_approval_dated_in_the_future_is_refused_under_review_and_after_merge(county):
    page = _branch_with_page(county)
    county.approve("liming", "1", [page])
    county.approve("zhangke", "2", [page], date="2026-12-20T09:00:00+08:00")  # inside the key window, not yet
    county.approve("zhaozhen", "3", [page], date="2026-12-20T10:00:00+08:00")
    now = dt.datetime.fromisoformat("2026-11-28T12:00:00+08:00")
    [reason] = failures_for(verify_repository(county.root, base="main", now=now), page, "2")
    assert "晚于核验的当前时间" in reason and "预填" in reason and "第十九条" in reason
    county.merge(date="2026-11-28T12:00:00+08:00")
    reasons = failures_for(verify_repository(county.root, now=now), page, "2")
    assert len(reasons) == 1 and "晚于把它合并进主分支的提交" in reasons[0]


def test_an_honest_approval_a_few_minutes_ahead_of_the_server_counts(county):
    page = _branch_with_page(county)
    county.three_tiers([page])
    now = dt.datetime.fromisoformat(NOW) - dt.timedelta(minutes=10)  # the signer's clock runs 10 minutes fast
    assert page in verify_repository(county.root, base="main", now=now).verified


def test_an_approval_is_spent_when_the_content_is_changed_and_changed_back(county):
    page = _branch_with_page(county)
    county.three_tiers([page])
    county.merge()
    county.git("checkout", "-q", "-b", "change", "main")
    county.write_page(body="大昌镇召开森林防火工作部署会，全镇干部参加。")
    county.commit_all("修改", who="liming")
    county.three_tiers([page])
    county.merge("change")
    assert page in verify_repository(county.root).verified
    county.git("checkout", "-q", "-b", "revert", "main")
    county.write_page()  # the first version again, with no new approvals
    county.commit_all("改回", who="sunli")
    report = verify_repository(county.root, base="main")
    reasons = failures_for(report, page, "1")
    assert reasons and "内容在审核后被改动又改回" in reasons[0] and "第十九条" in reasons[0]
    county.three_tiers([page])  # reviewed again: it counts
    assert page in verify_repository(county.root, base="main").verified


# -- 7. one root of trust -------------------------------------------------------------------------------

def _foreign_history(county, page_body="大昌镇召开森林防火工作部署会。", proofs_off=True):
    """An unrelated history (own first commit, own settings, honest-looking approvals by real reviewers),
    merged into the branch under review."""
    county.git("checkout", "-q", "--orphan", "foreign")
    county.git("rm", "-rq", "--cached", ".")
    if proofs_off:
        (county.root / "site_config" / "site.yml").write_text(
            "name: 巫山县人民政府\nregion_code: \"500237\"\nreview:\n  require_proofs: false\n", encoding="utf-8")
    county.write_units()
    page = county.write_page(body=page_body)
    county.commit_all("另一个仓库的首个提交", who="wangoffice", date="2026-10-01T09:00:00+08:00")
    county.three_tiers([page])
    county.git("checkout", "-q", "-f", "mr")
    county.git("merge", "-q", "--allow-unrelated-histories", "-X", "theirs", "foreign", "-m", "合并", who="liming")
    return page


def test_approvals_from_an_unrelated_history_count_for_nothing(county):
    page = _foreign_history(county)
    report = verify_repository(county.root, base="main")
    assert page not in report.verified
    reasons = failures_for(report, page, "1")
    assert reasons and "与本仓库无关的历史" in reasons[0] and "第十九条" in reasons[0]


def test_the_settings_of_an_unrelated_first_commit_do_not_count(proof_county):
    _foreign_history(proof_county)
    assert verify_repository(proof_county.root, base="main").proofs is True
    proof_county.merge()
    assert verify_repository(proof_county.root).proofs is True


# -- 1. what judges and lays out the branch is not the branch's to change -------------------------------------

EVIL_TEMPLATE = ('{% extends "base.html" %}\n{% block content %}'
                 "{{ ''.__class__.__mro__[1].__subclasses__() }}{{ super() }}{% endblock %}\n")


def test_templates_rules_and_settings_a_branch_changes_need_the_office_leader(county):
    page = _branch_with_page(county)
    (county.root / "site_config" / "theme").mkdir()
    (county.root / "site_config" / "theme" / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    (county.root / "site_config" / "rules").mkdir()
    (county.root / "site_config" / "rules" / "local.yml").write_text("category: typo\nrules: []\n", encoding="utf-8")
    county.commit_all("模板和规则", who="liming")
    county.three_tiers([page])
    county.approve("zhaozhen", "3", ["site_config/theme/main.html"])  # the unit's leader is not the office's
    report = verify_repository(county.root, base="main")
    assert page in report.verified
    for path in ("site_config/theme/main.html", "site_config/rules/local.yml"):
        reasons = failures_for(report, path)
        assert reasons and "网站设置、页面模板和本县规则的变更须经县政府办公室分管负责人批准" in reasons[0], path
        assert report.results[path].kind == "site_config"
    county.approve("wangoffice", "3", ["site_config/theme/main.html", "site_config/rules/local.yml"], unit="office")
    assert verify_repository(county.root, base="main").ok


def test_an_unapproved_template_on_main_stops_the_published_build(county, tmp_path):
    from .test_cli import govsite
    from .test_held_back import _openings

    _openings(county)
    page = _branch_with_page(county)
    county.three_tiers([page])
    county.merge()
    county.git("checkout", "-q", "-b", "theme", "main")
    (county.root / "site_config" / "theme").mkdir()
    (county.root / "site_config" / "theme" / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    county.commit_all("模板", who="liming")
    county.merge("theme")
    built = govsite(county, "build", "--no-search", "-o", str(tmp_path / "site"))
    assert built.returncode == 1 and "site_config/theme/main.html" in built.stderr
    assert not (tmp_path / "site").exists()


def test_a_county_template_sees_the_page_context_not_python(county, tmp_path):
    from .test_cli import govsite

    county.write_page()
    (county.root / "site_config" / "theme").mkdir()
    (county.root / "site_config" / "theme" / "main.html").write_text(EVIL_TEMPLATE, encoding="utf-8")
    county.commit_all("模板", who="liming")
    built = govsite(county, "build", "--preview", "--no-search", "-o", str(tmp_path / "site"))
    assert built.returncode == 2, built.stderr
    assert "本县的页面模板（site_config/theme/）试图访问页面数据以外的内容" in built.stderr
    assert "Traceback" not in built.stderr
    assert not (tmp_path / "site").exists()
