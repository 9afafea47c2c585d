"""Every cache gives the same results as no cache (``govsite --no-cache``), and all of them live under the one
cache root (``GOVSITE_CACHE_DIR``, else ``XDG_CACHE_HOME``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks.typo import build as typo_build
from tests.conftest import REPO, copy_sample
from tests.govsite.portal.conftest import git

MODEL = typo_build.model_path()  # the model `make` built, shared into each test's own cache root


def _cache_root(root: Path) -> Path:
    """A fresh cache root that shares the built typo model (built, not a cache: --no-cache still reads it)."""
    typo = root / MODEL.parent.name
    typo.mkdir(parents=True)
    (typo / MODEL.name).symlink_to(MODEL)
    ident = typo_build.identity_path(MODEL)
    if ident.exists():
        (typo / ident.name).symlink_to(ident)
    return root


def _govsite(*args: str, cache: Path, xdg: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GOVSITE_CACHE_DIR", "XDG_CACHE_HOME", "GOVSITE_NO_CACHE")}
    if xdg:
        env["XDG_CACHE_HOME"] = str(cache.parent)  # govsite/ under it
    else:
        env["GOVSITE_CACHE_DIR"] = str(cache)
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "govsite", *args], capture_output=True, text=True, env=env)


@pytest.fixture
def county(tmp_path: Path) -> Path:
    root = copy_sample(tmp_path / "county")
    page = root / "content" / "dachang" / "gzdt" / "cache-probe.md"
    page.write_text("---\ntitle: 缓存对照稿件\nformed: 2026-11-20\n---\n\n本镇召开会议,部署防火工作(冬季)。申请人手机13812345678。\n"
                    "大昌镇人民政底发布通知，详见[说明](https://example.com/x)。\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "样例县")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("xdg", [False, True])
def test_check_results_are_the_same_with_every_cache_and_without_any(county: Path, tmp_path: Path, xdg: bool) -> None:
    cache = _cache_root(tmp_path / "xdg" / "govsite" if xdg else tmp_path / "cache")
    runs = [_govsite("--root", str(county), "check", "--format", "json", cache=cache, xdg=xdg) for _ in range(2)]
    bare = _govsite("--no-cache", "--root", str(county), "check", "--format", "json", cache=cache, xdg=xdg)
    for proc in (*runs, bare):
        assert proc.returncode == 1, proc.stderr  # the probe page carries a resident's mobile number
    cold, warm, none = (json.loads(p.stdout) for p in (*runs, bare))
    assert cold == warm == none
    rules = {f["rule"] for f in cold["findings"]}
    assert {"privacy.mobile", "norm.halfwidth-punctuation"} <= rules
    # the warm run was served by the caches, all under the one root
    made = {p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file()}
    assert any(m.startswith("rules-") for m in made)          # parsed rule packs
    assert any(m.startswith("regex-") for m in made)          # compiled regular expressions
    assert any(m.startswith("results/check-results-") for m in made)  # check results
    assert any("/local-" in m for m in made) and any("/domain-" in m for m in made)  # typo automata, terms
    assert not (county / ".govsite-cache").exists() and not (county / ".git" / "govsite-cache").exists()


@pytest.mark.slow
def test_a_build_is_the_same_with_the_template_cache_and_without_it(county: Path, tmp_path: Path) -> None:
    cache = _cache_root(tmp_path / "cache")
    with_cache = _govsite("--root", str(county), "build", "--preview", "--no-search", "-o", str(tmp_path / "a"),
                          cache=cache)
    without = _govsite("--no-cache", "--root", str(county), "build", "--preview", "--no-search", "-o",
                       str(tmp_path / "b"), cache=cache)
    assert with_cache.returncode == 0 and without.returncode == 0, with_cache.stderr + without.stderr
    assert any(p.name.startswith("jinja-") for p in cache.iterdir())

    def tree(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_the_cache_key_names_the_typo_model_and_its_score() -> None:
    """Results found with libime's trigram score are not reused without it, and the reverse."""
    from checks.typo import model_identity

    ident = model_identity()
    assert ident.split("|")[0] == typo_build.DATA_VERSION
    assert ident.endswith(("|trigrams", "|bigrams"))


def test_the_result_cache_key_changes_with_the_score(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importlib.util

    import checks.typo as typo
    from checks.rules import load_rules
    from govsite.compliance.cache import fingerprint
    from govsite.core.county import County

    root = copy_sample(tmp_path / "c")
    project = County(root)
    rules = load_rules(root)
    if not typo.model_identity().endswith("|trigrams"):
        pytest.skip("this machine scores without libime's trigrams already")
    before = fingerprint(project, rules)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "kenlm" else real(name, *a))
    assert typo.model_identity().endswith("|bigrams")
    assert fingerprint(project, rules) != before
