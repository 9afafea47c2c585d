"""Point 8 of issue 18: every finding says by when and who in the unit should act, in the words of the job."""

from __future__ import annotations

import datetime as dt

from govsite.audit.run import run_audit
from govsite.core import workdays
from tests.govsite.audit.repo import Repo, page, unit_yml

PEOPLE = """people:
  - {name: 李明, email: liming@example.gov.cn, roles: [editor]}
  - {name: 王芳, email: wangfang@example.gov.cn, roles: [leader]}
  - {name: 赵强, email: zhaoqiang@example.gov.cn, roles: [editor], left: 2026-10-01}
new_media:
  - {platform: 新浪微博, name: 巫山测试镇, account: wb1, opened: 2026-01-05, last_post: 2026-11-01}
"""


def test_deadline_and_the_person_to_act(tmp_path):
    repo = Repo(tmp_path / "county")
    units = unit_yml(extra=PEOPLE, columns=[("gzdt", "工作动态", "news", "weekly"), ("tzgg", "通知公告", "notice", "realtime")])
    units = units.replace("{id: gzdt, title: 工作动态, category: news, update: weekly}",
                          "{id: gzdt, title: 工作动态, category: news, update: weekly, owner: 张丽}")
    repo.commit("2026-11-02", {"units/ceshi.yml": units, "content/ceshi/gzdt/a.md": page("动态", "2026-11-02"),
                               "content/ceshi/tzgg/late.md": page("迟发的通知", "2026-06-01")})
    as_of = dt.date(2026, 11, 27)
    report = run_audit(repo.root, as_of, run_checks=False)
    by_rule = {f.rule: f for f in report.findings if f.unit == "ceshi"}
    stale = by_rule["audit.freshness.stale"]
    assert stale.responsible == "栏目责任人 张丽"  # the column's owner
    assert stale.due == workdays.add_working_days(as_of, 5).isoformat()
    late = by_rule["audit.timeliness.late"]
    assert late.responsible == "信息员 李明"  # 赵强 left in October
    assert late.due == ""  # already happened: recorded, no deadline
    media = by_rule["audit.new-media.stale"]
    assert media.responsible == "分管负责人 王芳" and media.due
