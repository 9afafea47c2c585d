"""A page's life in the desk as its editor sees it (写稿, issue 16), on a real repository with real passkey
signatures: submitted on a branch of its own, returned by the section head with an opinion, corrected on the
same branch (the reviewers see what changed), merged, then listed as published on the day it reached the
target; a published page opens again for correction."""

from __future__ import annotations

import datetime as dt

import pytest

from govsite.core.errors import GovsiteError
from govsite.desk import decisions, drafting, signing, views
from govsite.desk.config import DeskConfig
from govsite.desk.drafting import Draft
from govsite.desk.store import Store
from govsite.desk.workspace import Workspace
from tests.govsite.desk.test_signing import _credential
from tests.govsite.review.test_passkey import make

pytestmark = pytest.mark.slow
EDITOR, HEAD = "liming@dachang.gov.cn", "zhangke@dachang.gov.cn"


def _land(ws, county, who: str, email: str, prepared: signing.Prepared) -> signing.Landed:
    return signing.sign_and_land(ws, prepared, _credential(county.passkeys[who], prepared), ws.passkeys(email),
                                 who, email)


@pytest.fixture()
def desk(tmp_path, keys):
    county = make(tmp_path / "county", keys, holders=("zhangke", "liming"))
    county.git("checkout", "-q", "main")
    return county, Workspace(DeskConfig(root=county.root, state=tmp_path / "state")), Store(tmp_path / "store")


def test_a_returned_page_is_corrected_on_its_branch_and_listed_as_published_once_merged(desk):
    county, ws, store = desk
    draft = Draft(unit="dachang", column="gzdt", name="2026-12-07-fanghuo", title="大昌镇召开森林防火会议",
                  formed="2026-12-07", body="大昌镇召开森林防火会议，部署今冬明春工作。")
    submitted = _land(ws, county, "liming", EDITOR, drafting.submit(ws, EDITOR, draft))
    store.add_submission(EDITOR, draft.path, submitted.branch)
    _land(ws, county, "zhangke", HEAD, decisions.give_back(ws, HEAD, submitted.branch, draft.path, "请写明会议时间"))

    opened = drafting.open_page(ws, EDITOR, draft.path, submitted.branch)
    assert (opened.branch, opened.title, opened.body) == (submitted.branch, draft.title, draft.body)
    with pytest.raises(GovsiteError, match="没有改动"):
        drafting.submit(ws, EDITOR, opened)
    opened.body = "12月7日，大昌镇召开森林防火会议，部署今冬明春工作。"
    again = drafting.submit(ws, EDITOR, opened)
    assert (again.kind, again.branch, again.parent) == ("resubmit", submitted.branch, ws.branch(submitted.branch).tip)
    landed = _land(ws, county, "liming", EDITOR, again)
    assert landed.branch == submitted.branch
    log = county.git("log", "--format=%s", f"main..{submitted.branch}").splitlines()
    assert log[0] == "修改退回的稿件：大昌镇召开森林防火会议" and len(log) == 3  # submit, return, correction
    assert county.git("show", f"{submitted.branch}:{draft.path}").endswith("12月7日，大昌镇召开森林防火会议，部署今冬明春工作。")

    assert views.my_published(ws, store.submissions(EDITOR)) == []  # still under review
    county.git("merge", "-q", "--no-ff", "-m", "合并", submitted.branch, date="2026-12-09T10:00:00+08:00")
    county.git("branch", "-q", "-D", submitted.branch)
    shown = views.my_published(ws, store.submissions(EDITOR))
    assert [(m.path, m.title, m.state, m.published) for m in shown] == [
        (draft.path, "大昌镇召开森林防火会议", "已发布 2026-12-09", dt.date(2026, 12, 9))]

    # a published page opens for correction, and the submission is a new branch from the target
    fix = drafting.open_page(ws, EDITOR, draft.path)
    assert fix.branch == "" and fix.body.startswith("12月7日")
    assert [p for p, _t in drafting.recent_pages(ws, EDITOR)] == [draft.path]
    fix.body += "\n\n（本文有更正）"
    assert drafting.submit(ws, EDITOR, fix).kind == "submit"


def test_a_page_opens_only_for_the_editor_of_its_unit(desk):
    _county, ws, _store = desk
    with pytest.raises(GovsiteError, match="稿件地址不正确"):
        drafting.open_page(ws, EDITOR, "units/dachang.yml")
    with pytest.raises(GovsiteError, match="找不到稿件"):
        drafting.open_page(ws, EDITOR, "content/dachang/gzdt/none.md")
    with pytest.raises(GovsiteError, match="找不到待审分支"):
        drafting.open_page(ws, EDITOR, "content/dachang/gzdt/none.md", "desk/gone")


def test_the_county_office_sets_the_photo_limits_and_the_operator_caps_them(tmp_path, keys):
    """site_config/site.yml ``desk: uploads:`` (the office's rule for the portal's photos) applies, never above
    the desk's own configuration; a broken setting falls back to the desk's, with a warning, not a failure."""
    from govsite.desk.app import Desk
    from govsite.desk.uploads import MB, UploadLimits

    county = make(tmp_path / "county", keys, site_extra="desk:\n  uploads:\n    max_side: 800\n    max_attachment: 100 MB\n")
    county.git("checkout", "-q", "main")
    desk = Desk(DeskConfig(root=county.root, state=tmp_path / "state"))
    assert desk.upload_limits() == UploadLimits(max_side=800, max_attachment=20 * MB)
    broken = make(tmp_path / "broken", keys, site_extra="desk:\n  uploads:\n    max_side: 一千\n")
    broken.git("checkout", "-q", "main")
    assert Desk(DeskConfig(root=broken.root, state=tmp_path / "state2")).upload_limits() == UploadLimits()
