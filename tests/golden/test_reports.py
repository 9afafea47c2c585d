"""Golden files of the four report formats of ``govsite check --no-cache`` on a small repository.

The pages produce findings of several categories and levels: an error (a valid resident ID number), warnings
(half-width punctuation, 文号 brackets), infos (date forms, casual slang), a suppressed error with its reason, a
suppression without a reason, a page without ``formed`` and a unit file with an invalid ``kind``. Reports name
files relative to the repository; absolute paths are replaced by ``<TMP0>`` should one ever appear (none does
today).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import UNIT_YML, Repo
from tests.golden.conftest import check_bytes, normalise

pytestmark = pytest.mark.slow

FORMATS = ("text", "json", "sarif", "codequality")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_id_number(first17: str) -> str:
    """A resident ID number with the right ISO 7064 check digit (as in tests/commands/test_precommit.py)."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


ID_NUMBER = valid_id_number("50023719850612123")

PAGE_MIXED = f"""\
困难群众张某，身份证号{ID_NUMBER}，已纳入救助。

会议强调,要压实责任(含列席人员)。

会议于2026.11.20召开，11月20号前报送，为志愿者点赞。

联系人：王某，电话13812345678。<!-- govsite: allow privacy.mobile 本人同意公开的志愿者电话 -->

详见巫山府办发[2026]12号文件。
"""


@pytest.fixture(scope="module")
def report_repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = Repo(tmp_path_factory.mktemp("reports") / "site")
    repo.unit("badkind", UNIT_YML.format(uid="badkind").replace("kind: township", "kind: village"))
    repo.page("town/gzdt/2026-11-20-jiuzhu.md", PAGE_MIXED)
    repo.page("town/gzdt/2026-11-22-kongbai.md", "豁免没有理由。<!-- govsite: allow norm -->\n")
    repo.page("town/tzgg/2026-11-21-tongzhi.md", "本镇将于下周开展安全检查。\n", front="title: 安全检查通知\n")
    return repo


@pytest.fixture(scope="module")
def reports(report_repo: Repo) -> dict[str, bytes]:
    out = {}
    for fmt in FORMATS:
        proc = report_repo.govsite("check", "--no-cache", "--format", fmt)
        assert proc.returncode == 1, proc.stderr  # error-level findings
        assert proc.stderr == ""
        out[fmt] = normalise(proc.stdout.encode("utf-8"), report_repo.root)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_report_is_unchanged(fmt, reports, file_regression):
    check_bytes(file_regression, reports[fmt], f"check_{fmt}", ".txt" if fmt == "text" else ".json")


def test_the_fixture_covers_every_level_a_suppression_and_schema_problems(reports):
    """Guard the fixture: the goldens above stay meaningful only while it produces these findings."""
    findings = json.loads(reports["json"])["findings"]
    by_rule = {f["rule"]: f for f in findings}
    assert {f["severity"] for f in findings} == {"error", "warning", "info"}
    assert by_rule["privacy.id-number"]["severity"] == "error" and ID_NUMBER in by_rule["privacy.id-number"]["message"]
    assert by_rule["privacy.mobile"]["suppressed"] is True
    assert by_rule["privacy.mobile"]["suppression_reason"] == "本人同意公开的志愿者电话"
    assert "formed" in by_rule["schema.missing"]["message"]
    assert by_rule["schema.suppression-reason"]["path"] == "content/town/gzdt/2026-11-22-kongbai.md"
    assert by_rule["schema.choice"]["path"] == "units/badkind.yml"
    assert {"norm", "privacy", "schema", "emotion"} <= {f["category"] for f in findings}
    assert all(not Path(f["path"]).is_absolute() for f in findings)
