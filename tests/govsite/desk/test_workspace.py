"""Previews in the desk (排版预览): the first inbox of a fresh desk asks for one per branch at once; they are
built one at a time, and every one is there when a reviewer opens its page."""

from __future__ import annotations

import pytest

from govsite.desk.config import DeskConfig
from govsite.desk.workspace import Workspace
from tests.govsite.review.test_passkey import make

pytestmark = pytest.mark.slow


def test_previews_asked_for_at_once_are_all_built(tmp_path, keys):
    county = make(tmp_path / "county", keys)
    tips = []
    for i in range(3):
        county.git("checkout", "-q", "-B", f"b{i}", "main")
        county.write_page(f"p{i}.md", body=f"大昌镇第{i}次召开森林防火工作部署会。")
        tips.append(county.commit_all(f"稿件 {i}", who="liming"))
    county.git("checkout", "-q", "main")
    ws = Workspace(DeskConfig(root=county.root, state=tmp_path / "state"))
    assert all(ws.digests(tip, wait=False) is None for tip in tips)  # all three started in the background
    for i, tip in enumerate(tips):
        digests = ws.digests(tip)
        assert digests is not None and f"content/dachang/gzdt/p{i}.md" in digests
