"""Every shipped rule's own examples: each bad example is found by that rule, each good one is not.

This is how a county editing a pack learns whether the rule does what its examples say.
"""

from __future__ import annotations

import pytest

from govsite.compliance.context import checker_for
from govsite.compliance.run import check_snippet as check_text
from checks.findings import CATEGORIES
from govsite.core.county import PACKS_DIR, County
from checks.rules import load_rules

RULESET = load_rules(None)
CASES = [(r.id, kind, text, (r.examples.get("column") or [None])[0]) for r in RULESET.rules.values()
         for kind in ("bad", "good") for text in r.examples.get(kind, [])]


def test_packs_load_without_problems():
    assert RULESET.problems == [], [p.message for p in RULESET.problems]


def test_every_category_has_rules_and_every_rule_explains_itself():
    categories = {r.category for r in RULESET.rules.values()}
    assert categories == set(CATEGORIES)
    for rule in RULESET.rules.values():
        assert rule.message and rule.explain, rule.id
        assert rule.id.startswith(rule.category + "."), rule.id


def test_every_data_rule_has_examples():
    for rule in RULESET.rules.values():
        if rule.kind != "code":
            assert len(rule.examples.get("bad", [])) >= 1 and len(rule.examples.get("good", [])) >= 1, rule.id


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    """The county the examples run in: a township with a policy column holding one document (测试府发〔2026〕1号,
    which the examples of the policy rules name) and a 政策解读 column."""
    from tests.conftest import UNIT_YML, Repo

    repo = Repo(tmp_path_factory.mktemp("packs") / "site")
    repo.unit("town", UNIT_YML.format(uid="town").replace(
        "people:", "  - {id: zcwj, title: 政策文件, category: policy, update: semiannual}\n"
                   "  - {id: zcjd, title: 政策解读, category: interpretation, update: realtime}\npeople:"))
    repo.page("town/zcwj/example.md", "正文。\n", "title: 测试镇关于某某事项的通知\nformed: 2026-01-05\n"
              "doc_number: 测试府发〔2026〕1号\nvalidity: 有效\n")
    return checker_for(County(repo.root))


@pytest.mark.parametrize("rule_id,kind,text,column", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_rule_examples(checker, rule_id, kind, text, column):
    hits = [f for f in check_text(text + "\n", checker, column) if f.rule == rule_id]
    if kind == "bad":
        assert hits, f"{rule_id} should flag: {text}"
        assert all(h.message and "{" not in h.message for h in hits)
    else:
        assert not hits, f"{rule_id} should not flag: {text} ({[h.message for h in hits]})"


def test_pack_files_are_all_loaded():
    names = {p.stem for p in PACKS_DIR.glob("*.yml")}
    assert {"secrecy", "privacy", "political", "sensitive", "typo", "norm", "ad", "emotion", "source",
            "schema", "link"} <= names


def test_a_code_rule_naming_no_detector_is_a_pack_problem():
    from checks.rules import parse_pack

    text = ("category: privacy\nrules:\n  - id: privacy.x\n    kind: code\n    detector: privacy.idnumber\n"
            "    level: error\n    message: 有身份证号。\n    explain: 第十六条。\n")
    rules, problems = parse_pack(text, "site_config/rules/mine.yml")
    assert rules == [] and len(problems) == 1
    assert "privacy.idnumber" in problems[0].message and "privacy.id_number" in problems[0].message
