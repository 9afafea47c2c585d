"""The theme environment: compiled templates kept between builds, never breaking one."""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.bccache

from govsite.portal import theme


def test_compiled_templates_are_kept_between_builds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GOVSITE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "t").mkdir()
    (tmp_path / "t/main.html").write_text("{{ 1 + 1 }}", encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")))
    theme.keep_compiled_templates(env)
    assert env.get_template("main.html").render() == "2"
    kept = list((tmp_path / "cache").rglob("*.cache"))
    assert len(kept) == 1
    again = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")))
    theme.keep_compiled_templates(again)
    assert again.get_template("main.html").render() == "2"


def test_a_broken_template_cache_never_breaks_a_build(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("GOVSITE_CACHE_DIR", str(cache))
    (tmp_path / "t").mkdir()
    (tmp_path / "t/main.html").write_text("{{ 2 * 3 }}", encoding="utf-8")

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")))
        theme.keep_compiled_templates(env)
        return env.get_template("main.html").render()

    assert render() == "6"
    (kept,) = list(cache.rglob("*.cache"))
    kept.write_bytes(kept.read_bytes()[:20])  # a file cut short (a full disk, a killed build)
    assert render() == "6"
    kept.unlink()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jinja2.bccache.tempfile, "NamedTemporaryFile", disk_full)
    assert render() == "6"
