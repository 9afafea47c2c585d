"""Parallel rendering (one process per core inside MkDocs' build): same bytes, failures reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govsite.core.errors import GovsiteError
from govsite.portal.build import build_site
from govsite.portal.verdict import Verdict as GateResult

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_one_and_several_processes_build_the_same_bytes(county: Path, tmp_path: Path) -> None:
    gate = GateResult(ok=False)
    one = build_site(county, tmp_path / "one", preview=True, gate=gate, workers=1)
    three = build_site(county, tmp_path / "three", preview=True, gate=gate, workers=3)
    assert (one.articles, one.pages) == (three.articles, three.pages)
    a, b = _tree(tmp_path / "one"), _tree(tmp_path / "three")
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []
    assert any(k.startswith("pagefind/") for k in a) and (tmp_path / "one" / "render-digests.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one", "three"]  # scratch index folders removed


def test_a_failing_worker_fails_the_build_and_leaves_the_site(county: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from govsite.portal import pagecontext

    first = os.getpid()
    real = pagecontext.accessibility_warnings

    def broken(src_uri: str, html: str) -> None:
        if os.getpid() != first:
            raise RuntimeError("模拟的渲染故障")
        real(src_uri, html)

    monkeypatch.setattr(pagecontext, "accessibility_warnings", broken)
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("旧网站", encoding="utf-8")
    (out / "render-digests.json").write_text("{}", encoding="utf-8")  # an earlier build's mark
    with pytest.raises(GovsiteError) as failed:
        build_site(county, out, preview=True, gate=GateResult(ok=False), workers=2)
    assert "并行渲染的第 2 个进程失败" in str(failed.value) and "模拟的渲染故障" in str(failed.value)
    assert "已发布的网站未被改动" in str(failed.value)
    assert (out / "index.html").read_text(encoding="utf-8") == "旧网站"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _prepare(x: int) -> int:
    return x * 10


def _finish(state: int, y: int) -> tuple[int, int]:
    return state, y


def _prepare_fails(x: int) -> int:
    raise ValueError("准备阶段出错")


def test_a_staged_process_prepares_at_once_and_finishes_when_told() -> None:
    from govsite.portal.parallel import WorkerFailed, run_staged

    staged = run_staged("测试任务", _prepare, _finish, 4)
    staged.go(7)
    assert staged.join() == (40, 7)
    failing = run_staged("测试任务", _prepare_fails, _finish, 4)
    failing.go(7)
    with pytest.raises(WorkerFailed, match="测试任务失败.*准备阶段出错"):
        failing.join()


def test_a_staged_process_is_stopped_when_the_build_ends_early() -> None:
    from govsite.portal.parallel import run_staged

    staged = run_staged("测试任务", _prepare, _finish, 4)
    staged.abort()
    with pytest.raises(ChildProcessError):  # reaped: no process left behind
        os.waitpid(staged.pid, 0)


def test_the_dashboard_checks_links_of_pages_every_process_wrote(county: Path, tmp_path: Path) -> None:
    """Pages hand their links to the dashboard as they are written, in whichever process writes them."""
    from tests.govsite.portal.conftest import git, make_county

    root = make_county(tmp_path / "county")
    pages = sorted((root / "content").rglob("*.md"))
    for k, page in enumerate(pages[:: max(1, len(pages) // 6)]):  # spread over folders, so over processes
        page.write_text(page.read_text(encoding="utf-8") + f"\n\n[旧链接](../gone-{k}/)\n", encoding="utf-8")
    git(root, "commit", "-qam", "坏链接")
    out = tmp_path / "site"
    from govsite.cli.services import portal_services

    build_site(root, out, preview=True, gate=GateResult(ok=False), search=False, workers=3, services=portal_services())
    card = (tmp_path / "site-internal" / "index.html").read_text(encoding="utf-8")
    broken = {int(m) for m in __import__("re").findall(r"gone-(\d+)/", card)}
    assert broken == set(range(len(pages[:: max(1, len(pages) // 6)])))
    one = tmp_path / "one"
    build_site(root, one, preview=True, gate=GateResult(ok=False), search=False, workers=1, services=portal_services())
    assert (tmp_path / "one-internal" / "index.html").read_text(encoding="utf-8") == card
