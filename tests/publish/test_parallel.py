"""Parallel rendering (one process per core inside MkDocs' build): same bytes, failures reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checks.errors import GovsiteError
from checks.publish.runner import build_site
from checks.publish.sources import GateResult


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
    from checks.publish import hooks

    first = os.getpid()
    real = hooks._accessibility_warnings

    def broken(src_uri: str, html: str) -> None:
        if os.getpid() != first:
            raise RuntimeError("模拟的渲染故障")
        real(src_uri, html)

    monkeypatch.setattr(hooks, "_accessibility_warnings", broken)
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("旧网站", encoding="utf-8")
    with pytest.raises(GovsiteError) as failed:
        build_site(county, out, preview=True, gate=GateResult(ok=False), workers=2)
    assert "并行渲染的第 2 个进程失败" in str(failed.value) and "模拟的渲染故障" in str(failed.value)
    assert "已发布的网站未被改动" in str(failed.value)
    assert (out / "index.html").read_text(encoding="utf-8") == "旧网站"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
