"""``govsite check`` reports attachments (issue 19): in a whole-repository check, when the attachment itself is
given or changed (pre-commit passes staged paths), in every report format, from the result cache the same."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.checks.attachments import files
from tests.checks.detectors.test_privacy import VALID_ID


@pytest.fixture
def county(repo):
    repo.page("town/tzgg/gongshi.md", "附件：[救助名单](files/名单.xlsx)\n\n![走访](files/zoufang.jpg)\n")
    folder = repo.root / "content" / "town" / "tzgg" / "files"
    folder.mkdir()
    (folder / "名单.xlsx").write_bytes(files.xlsx({"名单": [["姓名", "身份证号"], ["张大山", VALID_ID]]}))
    (folder / "zoufang.jpg").write_bytes(files.jpeg((31.0747, 109.8786)))
    (folder / "video.mp4").write_bytes(b"\0" * 1000)  # no text to read: not checked
    return repo


@pytest.mark.slow
def test_a_whole_repository_check_reports_attachments(county):
    code, found = county.check_json()
    assert code == 1
    where = {(f["path"], f["rule"], f["line"], f["column"]) for f in found}
    xlsx = "content/town/tzgg/files/名单.xlsx"
    assert {(xlsx, "privacy.id-number", 2, 2), (xlsx, "privacy.name-with-number", 2, 1),
            ("content/town/tzgg/files/zoufang.jpg", "privacy.image-gps", 1, 1)} <= where, where
    assert not [f for f in found if f["path"].endswith(".mp4")]
    text = county.govsite("check", "--no-cache").stdout
    assert "content/town/tzgg/files/名单.xlsx:2:2: 错误 [privacy.id-number·个人隐私] 附件 files/名单.xlsx 工作表“名单” B2 单元格：" in text


@pytest.mark.slow
def test_an_attachment_given_or_its_folder_is_checked_alone(county):
    code, found = county.check_json("content/town/tzgg/files/zoufang.jpg")
    assert code == 0 and [f["rule"] for f in found] == ["privacy.image-gps"]  # a warning does not block
    code, found = county.check_json("content/town/tzgg/files")
    assert code == 1 and {f["path"] for f in found} == {"content/town/tzgg/files/名单.xlsx",
                                                      "content/town/tzgg/files/zoufang.jpg"}
    code, found = county.check_json("content/town/tzgg/gongshi.md")
    assert code == 0 and not found


@pytest.mark.slow
def test_sarif_names_the_attachment(county):
    proc = county.govsite("check", "--no-cache", "--format", "sarif")
    sarif = json.loads(proc.stdout)
    results = sarif["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert any(u.endswith("zoufang.jpg") for u in uris) and any("xlsx" in u for u in uris)


@pytest.mark.slow
def test_cached_results_are_the_results(county, tmp_path):
    import os

    from tests.conftest import REPO
    from tests.govsite.compliance.test_caches import _cache_root

    env = dict(os.environ, GOVSITE_CACHE_DIR=str(_cache_root(tmp_path / "cache")), PYTHONPATH=str(REPO))

    def run(*args: str) -> dict:
        proc = subprocess.run([sys.executable, "-m", "govsite", "--root", str(county.root), *args, "check", "--format",
                               "json"], capture_output=True, text=True, env=env)
        return json.loads(proc.stdout)

    cold, warm, bare = run(), run(), run("--no-cache")
    assert cold == warm == bare
    assert any(f["rule"] == "privacy.image-gps" for f in cold["findings"])
