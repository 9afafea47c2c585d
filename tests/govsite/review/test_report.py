"""The gate's report as JSON (核验结果): ``to_json(details=True)`` and ``from_json`` give the same report back,
which is how the desk keeps verdicts on disk between restarts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govsite.review.report import Failure, PathResult, TierResult, VerifyReport

text = st.text(max_size=12)
sha = st.text(alphabet="0123456789abcdef", min_size=40, max_size=40)
json_value = st.recursive(st.none() | st.booleans() | st.integers() | text,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
                          max_leaves=6)
record = st.dictionaries(text, json_value, max_size=4)
tier = st.builds(TierResult, st.sampled_from(["1", "2", "3", "principal", "proof-1", "consent:jyw"]),
                 st.sampled_from(["valid", "missing", "invalid", "stale"]), text, sha, st.lists(text, max_size=3))
path_result = st.builds(PathResult, text, sha, st.sampled_from(["page", "removed", "units", "site_config"]),
                        st.lists(tier, max_size=4), st.lists(tier, max_size=3), st.booleans(),
                        st.lists(record, max_size=2), st.lists(st.dictionaries(text, text, max_size=3), max_size=2),
                        st.lists(record, max_size=2), st.dictionaries(text, sha, max_size=2))


@st.composite
def reports(draw: st.DrawFn) -> VerifyReport:
    results = draw(st.lists(path_result, max_size=4))
    by_path = {r.path: r for r in results}
    return VerifyReport(ok=draw(st.booleans()),
                        failures=draw(st.lists(st.builds(Failure, text, text, text, text), max_size=3)),
                        verified=draw(st.sets(text, max_size=3)), results=by_path, rev=draw(sha),
                        base=draw(st.none() | sha), approvals=draw(st.integers(0, 50)), proofs=draw(st.booleans()),
                        held=draw(st.dictionaries(text, sha, max_size=2)),
                        held_attachments=draw(st.dictionaries(text, sha, max_size=2)))


@settings(max_examples=200, deadline=None)
@given(reports())
def test_a_report_survives_json(report):
    assert VerifyReport.from_json(report.to_json(details=True)) == report


def test_a_real_gate_report_survives_json(tmp_path, keys):
    """A branch with an approval, judged by the real gate."""
    from govsite.review.status import branch_status
    from tests.govsite.review.test_passkey import make

    pk = make(tmp_path / "county", keys)
    page = pk.write_page()
    pk.commit_all("新增稿件：森林防火", who="liming", date="2026-11-28T09:00:00+08:00")
    pk.approve("liming", "1", [page], date="2026-11-28T09:30:00+08:00")
    report = branch_status(pk.root, "main", "HEAD")
    assert report.results[page].tiers[0].state == "valid"
    assert VerifyReport.from_json(report.to_json(details=True)) == report
