from govsite.core.units import parse_unit
from tests.conftest import UNIT_YML


def _parse(text, categories=None):
    return parse_unit(text, "units/town.yml", "town", categories)


def test_valid_unit_parses_roster_and_catalogue():
    unit, problems = _parse(UNIT_YML.format(uid="town"), {"news", "notices"})
    assert problems == []
    assert unit.columns["gzdt"].update == "weekly"
    assert unit.people[0].roles == ("editor",)
    assert unit.opened.announcement == "town/tzgg/open.md"


def test_file_name_must_match_id():
    _, problems = parse_unit(UNIT_YML.format(uid="other"), "units/town.yml", "town")
    assert any(p.rule == "schema.unit-id" and "town.yml" in p.message for p in problems)


def test_key_window_longer_than_three_months_is_refused_and_not_usable():
    text = UNIT_YML.format(uid="town") + (
        "    keys:\n      - key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5 liming\n"
        "        valid_from: 2026-01-01\n        valid_until: 2026-06-30\n")
    unit, problems = _parse(text)
    p = next(p for p in problems if p.rule == "schema.key-window")
    assert "第三十八条" in p.message and p.line == text.splitlines().index("        valid_until: 2026-06-30") + 1
    assert unit.people[0].keys == []


def test_departed_person_keys_end_when_they_left():
    text = UNIT_YML.format(uid="town") + (
        "    left: 2026-02-10\n"
        "    keys:\n      - key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5 liming\n"
        "        valid_from: 2026-01-01\n        valid_until: 2026-03-30\n")
    unit, problems = _parse(text)
    assert problems == []
    assert str(unit.people[0].keys[0].valid_until) == "2026-02-10"


def test_bad_role_kind_and_update_class_are_named_with_lines():
    text = UNIT_YML.format(uid="town").replace("kind: township", "kind: village").replace(
        "update: weekly", "update: daily").replace("roles: [editor]", "roles: [boss]")
    _, problems = _parse(text)
    rules = {(p.rule, p.line) for p in problems}
    lines = text.splitlines()
    assert ("schema.choice", lines.index("kind: village") + 1) in rules
    assert any("daily" in p.message for p in problems)
    assert any("boss" in p.message and "信息员" in p.message for p in problems)


def test_missing_opening_record_cites_article_8():
    text = "\n".join(l for l in UNIT_YML.format(uid="town").splitlines()
                     if not l.startswith(("opened", "  approval", "  approved_on", "  announcement", "  date")))
    _, problems = _parse(text)
    assert any("opened" in p.message and "第八条" in p.message for p in problems)


def test_malformed_yaml_is_one_finding_not_a_crash():
    unit, problems = _parse("id: town\nname: [unclosed\n")
    assert unit is None
    assert problems[0].rule == "schema.yaml-syntax"
