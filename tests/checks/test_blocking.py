"""The hard violations of Art. 16/24/39 that must block a commit, each with a message that says what to do."""

import pytest

from tests.conftest import findings_for
from tests.checks.detectors.test_privacy import VALID_ID

CASES = [
    ("secrecy", "本通知为机密★1年，请妥善保管。\n", None),
    ("privacy", f"申请人身份证号码{VALID_ID}。\n", None),
    ("ad", "活动详情请见[链接](https://promo.example.com/sale)。\n", None),
    ("political", "全面推进一带一路战略，深化合作。\n", "“一带一路”倡议"),
    ("political", "中共巫山县县委书记出席会议。\n", "中共巫山县委"),
    ("source", "本文转载自某某生活号。\n", None),
]


@pytest.mark.parametrize("category,body,expected_suggestion", CASES)
def test_hard_violation_is_an_error_with_advice(repo, category, body, expected_suggestion):
    errors = [f for f in findings_for(repo, body) if f.category == category and f.severity == "error"]
    assert errors, f"{category} should block: {body}"
    f = errors[0]
    assert f.line == 5 and f.message
    if expected_suggestion:
        assert any(expected_suggestion in (e.suggestion or "") for e in errors)


def test_warnings_do_not_block_but_suggest(repo):
    found = findings_for(repo, "会议强调,要抓好落实。\n")
    assert found and all(f.severity != "error" for f in found)
    assert found[0].suggestion == "，"
