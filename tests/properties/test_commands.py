"""Fuzzing the commands (issue 14): random front matter, Markdown and unit files through ``govsite check``,
``govsite build --preview`` and ``govsite audit``, in process. Whatever the county holds, each command ends
with 0, 1 or 2, never with an internal error (3) or a traceback; and no ID number reaches a built page
unless the checks reported it on that page (nothing that reaches the output goes unchecked)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsite.cli.main import main
from tests.checks.detectors.test_privacy import VALID_ID
from tests.conftest import Repo
from tests.govsite.portal.conftest import git
from tests.properties.test_robustness import FRAGMENTS, FRONT_KEYS, UNIT_KEYS, yaml_documents

pytestmark = pytest.mark.slow  # each example builds a site

FRONT = st.one_of(
    yaml_documents(FRONT_KEYS),
    st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("".join),
    st.builds(lambda title, extra: f"title: {json.dumps(title, ensure_ascii=False)}\nformed: 2026-11-20\n{extra}",
              st.text(max_size=30), st.sampled_from(["", f"summary: 身份证{VALID_ID}\n", "major: maybe\n",
                                                     "repost:\n  from: 新华网\n  url: javascript:alert(1)\n",
                                                     "title: 重复\n", "doc_number: <b onclick=x>1</b>\n"])),
)
BODY_PARTS = [*FRAGMENTS, VALID_ID, f"`{VALID_ID}`", f"<!-- {VALID_ID} -->", f"[电话](tel:{VALID_ID})",
              f'<span title="{VALID_ID}">x</span>', "<script>alert(1)</script>", "{onclick=alert(1)}",
              "[x](javascript:alert(1))", "[x](../../../../etc/passwd)", "[x](http://[::1/a)", "\n\n", "## 标题\n"]
SHOWN_ID = re.compile(rf"(?<!\d){VALID_ID}(?!\d)")  # the number as a reader sees it, not inside a longer one
BODY = st.lists(st.sampled_from(BODY_PARTS), max_size=30).map("".join)
PAGES = st.lists(st.tuples(FRONT, BODY), min_size=1, max_size=3)
UNIT = st.one_of(st.just(None), yaml_documents(UNIT_KEYS),
                 st.sampled_from(["id: town\nname: [未闭合\n", "a: &a [*a]\n", "- 列表\n", ""]))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = Repo(tmp_path_factory.mktemp("fuzz") / "county")
    repo.page("town/tzgg/open.md", "本镇网站开设公告。\n")
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "县")
    return repo


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _write(county: Repo, pages: list[tuple[str, str]], unit: str | None) -> list[str]:
    column = county.root / "content" / "town" / "gzdt"
    shutil.rmtree(column, ignore_errors=True)
    column.mkdir(parents=True)
    names = []
    for i, (front, body) in enumerate(pages):
        name = f"2026-11-{20 + i}-page-{i}"
        (column / f"{name}.md").write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
        names.append(name)
    county.unit("town", unit)  # None: the valid unit file
    git(county.root, "add", "-A")
    git(county.root, "commit", "-q", "--allow-empty", "-m", "稿件")
    return names


@settings(max_examples=120)
@given(pages=PAGES, unit=UNIT)
def test_check_build_and_audit_never_crash_and_publish_nothing_unchecked(county: Repo, tmp_path_factory, pages,
                                                                          unit) -> None:
    names = _write(county, pages, unit)
    root = str(county.root)
    code, out, err = _run("--root", root, "check", "--format", "json", "--jobs", "1")
    assert code in (0, 1, 2), err
    assert "Traceback" not in err
    reported: dict[str, set[str]] = {}
    if out.strip():
        for f in json.loads(out)["findings"]:
            reported.setdefault(f["path"], set()).add(f["rule"])

    site = tmp_path_factory.mktemp("site") / "out"
    code, _, err = _run("--root", root, "build", "--preview", "--no-search", "--workers", "1", "-o", str(site))
    assert code in (0, 2), err
    assert "Traceback" not in err and "内部错误" not in err
    if code == 0:
        assert (site / "index.html").is_file()
        for name in names:
            built = site / "town" / "gzdt" / name / "index.html"
            if built.is_file() and SHOWN_ID.search(built.read_text(encoding="utf-8")):
                assert "privacy.id-number" in reported.get(f"content/town/gzdt/{name}.md", set()), name

    code, _, err = _run("--root", root, "audit", "--no-checks", "--format", "json", "-o", str(site.parent / "a.json"))
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "内部错误" not in err
