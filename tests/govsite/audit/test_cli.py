"""The command: exit codes, JSON, HTML scorecard, Chinese errors, and the build's dashboard hook."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from govsite.audit.dashboard import write_dashboard
from tests.govsite.audit.repo import Repo, page, unit_yml

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses

REPO = Path(__file__).resolve().parents[3]


def govsite(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GOVSITE_ROOT"}  # keep HOME: the shared typo-model cache
    return subprocess.run([sys.executable, "-m", "govsite", *args], cwd=cwd, capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(REPO)})


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = Repo(tmp_path_factory.mktemp("cli"))
    cols = [("gzdt", "工作动态", "news", "weekly"), ("kong", "年报", "statistics", "yearly")]
    r.commit("2026-11-01", {"units/ceshi.yml": unit_yml(columns=cols),
                            "content/ceshi/gzdt/a.md": page("动态一", "2026-10-30")})
    r.commit("2026-11-20", {"content/ceshi/gzdt/b.md": page("动态二", "2026-11-19")})
    return r


def test_json_output_and_exit_1_on_findings(repo):
    p = govsite("audit", "--as-of", "2026-11-21", "--format", "json", "--no-checks", cwd=repo.root)
    assert p.returncode == 1, p.stderr
    data = json.loads(p.stdout)
    assert data["as_of"] == "2026-11-21" and data["pages"] == 2
    empty = [f for f in data["findings"] if f["rule"] == "audit.freshness.empty"]
    assert empty and empty[0]["column"] == "kong" and empty[0]["article"] and empty[0]["fix"]
    assert "审计完成" in p.stderr


def test_text_names_article_and_fix(repo):
    p = govsite("audit", "--as-of", "2026-11-10", "--no-checks", cwd=repo.root)
    assert p.returncode == 1
    assert "工作动态" in p.stdout and "第二十三条第（一）项" in p.stdout and "整改：" in p.stdout


def test_clean_repository_exits_0(tmp_path):
    r = Repo(tmp_path)
    cols = [("gzdt", "工作动态", "news", "weekly"), ("jgzn", "机构职能", "organization", "yearly"),
            ("czyjs", "财政预决算", "budget", "yearly")]
    r.commit("2026-11-18", {"units/ceshi.yml": unit_yml(columns=cols),
                            **{f"content/ceshi/{c}/a.md": page(t, "2026-11-17") for c, t, _, _ in cols}})
    p = govsite("audit", "--as-of", "2026-11-19", cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "单项否决：未触发" in p.stdout


@pytest.mark.parametrize("args, needle", [
    (["--as-of", "2026-02-30"], "无法识别"),
    (["--as-of", "2020-01-01"], "早于仓库的第一个提交"),
    (["--site", "nowhere"], "站点目录"),
])
def test_bad_input_is_exit_2_in_chinese(repo, args, needle):
    p = govsite("audit", *args, cwd=repo.root)
    assert p.returncode == 2 and needle in p.stderr and "Traceback" not in p.stderr


def test_not_a_repository_is_exit_2(tmp_path):
    (tmp_path / "units").mkdir()
    (tmp_path / "content").mkdir()
    p = govsite("audit", cwd=tmp_path)
    assert p.returncode == 2 and "git" in p.stderr and "Traceback" not in p.stderr


def test_html_scorecard_links_every_deduction(repo, tmp_path):
    out = tmp_path / "card.html"
    p = govsite("audit", "--as-of", "2026-11-10", "--format", "html", "--output", str(out), "--no-checks",
                cwd=repo.root)
    assert p.returncode == 1 and "报告已写入" in p.stderr
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "单项否决" in html and 'href="https://www.cqws.gov.cn/ceshi/kong/"' in html
    assert 'href="https://www.cqws.gov.cn/ceshi/gzdt/"' in html  # base_url from site.yml; --link-base overrides


def test_dashboard_is_self_contained(repo, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<a href='https://www.cqws.gov.cn/hdjl/ldxx/'>互动</a>", encoding="utf-8")
    internal = tmp_path / "site-internal"
    write_dashboard(repo.root, site, internal, base="https://www.cqws.gov.cn/")
    html = (internal / "index.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<style>" in html
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", html)  # nothing from a CDN
    assert 'href="https://www.cqws.gov.cn/ceshi/kong/"' in html  # deductions link to the public portal
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]  # nothing written into the site


def test_dashboard_without_history_does_not_break_the_build(tmp_path):
    (tmp_path / "units").mkdir()
    (tmp_path / "content").mkdir()
    site = tmp_path / "site"
    write_dashboard(tmp_path, site, tmp_path / "internal")
    assert "读网审计暂不可用" in (tmp_path / "internal" / "index.html").read_text(encoding="utf-8")


def test_progress_bar_goes_to_its_stream_only_when_enabled():
    import io

    from govsite.audit.run import Progress

    quiet = io.StringIO()
    Progress(enabled=False, stream=quiet)("检查站点链接", 5, 10)
    assert quiet.getvalue() == ""
    out = io.StringIO()
    bar = Progress(enabled=True, stream=out)
    bar("读取 git 历史")                  # nothing during the first half second: short runs stay silent
    assert out.getvalue() == ""
    bar.start -= 1.0
    bar("检查站点链接", 5, 10)
    bar.finish()
    assert "检查站点链接 5/10" in out.getvalue() and out.getvalue().endswith("\r\033[K")
