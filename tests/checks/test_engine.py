import pickle

from checks.engine import blob_id, find_suppressions
from govsite.compliance.context import checker_for
from govsite.compliance.run import check_paths
from govsite.core.county import County
from tests.conftest import findings_for

SECRET = "本文件为机密★1年，请妥善保管。\n"


def test_blob_id_matches_git():
    assert blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_finding_positions_are_code_points_and_end_exclusive(repo):
    found = [f for f in findings_for(repo, "会议强调,要抓好落实。\n") if f.rule == "norm.halfwidth-punctuation"]
    f = found[0]
    line = (repo.root / "content/town/gzdt/a.md").read_text(encoding="utf-8").splitlines()[f.line - 1]
    fixed = line[:f.column - 1] + f.suggestion + line[f.end_column - 1:]
    assert fixed == "会议强调，要抓好落实。"


def test_suppression_with_reason_silences_but_keeps_the_finding(repo):
    found = findings_for(repo, "机密★1年 <!-- govsite: allow secrecy.classification-mark 历史档案影印件说明 -->\n")
    f = next(f for f in found if f.category == "secrecy")
    assert f.suppressed and f.suppression_reason == "历史档案影印件说明"


def test_suppression_on_its_own_line_applies_to_the_next_line(repo):
    found = findings_for(repo, "<!-- govsite: allow secrecy 引用法规条文 -->\n\n机密★1年\n")
    assert all(f.suppressed for f in found if f.category == "secrecy")
    assert any(f.category == "secrecy" for f in found)


def test_suppression_without_reason_does_not_apply_and_is_an_error(repo):
    found = findings_for(repo, "机密★1年 <!-- govsite: allow secrecy -->\n")
    assert any(f.rule == "schema.suppression-reason" and f.severity == "error" for f in found)
    assert any(f.category == "secrecy" and not f.suppressed for f in found)


def test_find_suppressions_parses_rule_and_reason():
    sups = find_suppressions("a\n<!-- govsite: allow privacy.mobile 单位公开热线 -->\nb\n")
    assert (sups[0].rule, sups[0].reason, sups[0].line) == ("privacy.mobile", "单位公开热线", 3)


def test_result_cache_is_used_and_invalidated_by_rule_changes(repo):
    page = repo.page("town/gzdt/a.md", SECRET)
    project = County(repo.root)
    first = check_paths(project, [page])
    assert first.cached == 0 and first.errors == 1
    second = check_paths(County(repo.root), [page])
    assert second.cached == 1 and [f.rule for f in second.findings] == [f.rule for f in first.findings]
    from govsite.compliance.cache import cache_file

    cache = cache_file(repo.root)  # in the one cache root, one file per repository
    assert pickle.loads(cache.read_bytes())[1]["content/town/gzdt/a.md"][0] == blob_id(page.read_bytes())
    # a county rule change must invalidate cached results
    (repo.root / "site_config" / "rules").mkdir()
    (repo.root / "site_config" / "rules" / "local.yml").write_text(
        "category: secrecy\nrules:\n  - {id: secrecy.classification-mark, kind: existence, level: off, tokens: [x]}\n",
        encoding="utf-8")
    third = check_paths(County(repo.root), [page])
    assert third.cached == 0 and third.errors == 0


def test_cached_run_still_rechecks_cross_file_links(repo):
    page = repo.page("town/gzdt/a.md", "见[通知](../tzgg/b.md)。\n")
    target = repo.page("town/tzgg/b.md", "通知。\n")
    assert check_paths(County(repo.root), [page]).errors == 0
    target.unlink()
    run = check_paths(County(repo.root), [page])
    assert run.cached == 1 and [f.rule for f in run.findings] == ["link.internal-missing"]


def test_parallel_and_serial_runs_agree(repo):
    pages = [repo.page(f"town/gzdt/p{i:03d}.md", SECRET if i % 7 == 0 else "本镇召开会议。\n") for i in range(120)]
    serial = check_paths(County(repo.root), pages, use_cache=False, jobs=1)
    parallel = check_paths(County(repo.root), pages, use_cache=False, jobs=2)
    assert [(f.path, f.rule) for f in serial.findings] == [(f.path, f.rule) for f in parallel.findings]
    assert serial.errors == 18


def test_county_rule_overrides_level(repo):
    (repo.root / "site_config" / "rules").mkdir()
    (repo.root / "site_config" / "rules" / "local.yml").write_text(
        "category: sensitive\nrules:\n  - id: sensitive.local-term\n    kind: existence\n    level: warning\n"
        "    tokens: [某某传销]\n    message: 本县禁用词“{match}”。\n", encoding="utf-8")
    found = [f for f in checker_for(County(repo.root)).check_raw(
        "content/town/gzdt/a.md", repo.page("town/gzdt/a.md", "打击某某传销活动。\n").read_bytes())
        if f.rule == "sensitive.local-term"]
    assert found[0].message == "本县禁用词“某某传销”。" and found[0].severity == "warning"


def test_engine_typo_inside_an_explained_rule_is_not_reported_twice(repo):
    found = [f for f in findings_for(repo, "对下一阶段工作进行布署。\n") if f.category == "typo"]
    assert [f.rule for f in found] == ["typo.bushu"]
    assert found[0].suggestion == "部署"


def test_a_suppression_naming_no_rule_is_an_error_and_silences_nothing(repo):
    from tests.checks.detectors.test_privacy import VALID_ID

    found = findings_for(repo, f"<!-- govsite: allow privacy.idnumber 写错了规则名 -->\n身份证号{VALID_ID}。\n")
    assert any(f.rule == "schema.suppression-rule" and "privacy.idnumber" in f.message for f in found)
    assert any(f.rule == "privacy.id-number" and not f.suppressed for f in found)


def test_an_unclosed_comment_hides_nothing_from_the_checks(repo):
    from tests.checks.detectors.test_privacy import VALID_ID

    found = findings_for(repo, f"正文。<!-- 备注没有结束\n申请人身份证号{VALID_ID}。\n")
    assert any(f.rule == "schema.unclosed-comment" and f.line == 5 for f in found)  # the body starts on line 5
    assert any(f.rule == "privacy.id-number" for f in found)  # the text after it is checked
