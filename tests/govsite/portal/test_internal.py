"""Internal pages never go into the public site (issue 17): the office's scorecard (读网看板), with staff names,
is built into the internal output beside the site, never into the site, its sitemap, feeds, search index or
robots.txt; and a site from an older build that still holds internal/ is replaced without it."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from govsite.core.units import load_units
from govsite.portal.verdict import Verdict as GateResult
from tests.govsite.portal.conftest import REPO, git, govsite, make_county

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses

INTERNAL_WORDS = ("internal/dashboard", "读网看板", "读网审计")
# a link or address into an internal/ folder (Material's own source maps mention node_modules/…/internal/)
INTERNAL_LINK = re.compile(r"""(href|src|content)=["']?[^"'\s>]*internal/|<loc>[^<]*internal/|<link>[^<]*internal/""")


def private_names(root: Path) -> set[str]:
    """Roster names (units/*.yml ``people``) the public portal has no business showing: not a unit's published
    head (负责人, printed on its home page) and not mentioned in any page's own text."""
    units = load_units(root).units.values()
    public = "".join(p.read_text(encoding="utf-8") for p in (root / "content").rglob("*.md"))
    public += "".join(str(u.contact) for u in units)
    names = {p.name for u in units for p in u.people if p.name not in public}
    assert len(names) >= 10, names  # the sample county has staff enough to make the test mean something
    return names


def readable(path: Path) -> str:
    """A file's text as a reader of the site gets it: gzip (sitemap.xml.gz, Pagefind's index) unpacked."""
    data = path.read_bytes()
    while data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


def leaks(site: Path, names: set[str]) -> dict[str, list[str]]:
    """Every public file that holds a staff name or points at an internal page, with what it holds."""
    found: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            text = readable(path)
            hits = [w for w in (*names, *INTERNAL_WORDS) if w in text]
            hits += [m.group(0) for m in INTERNAL_LINK.finditer(text)]
            if hits:
                found[path.relative_to(site).as_posix()] = hits
    return found


def assert_public_and_internal_apart(root: Path, site: Path, internal: Path) -> None:
    names = private_names(root)
    assert (site / "index.html").is_file() and any((site / "pagefind").iterdir())
    assert not (site / "internal").exists()
    assert leaks(site, names) == {}
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "internal" not in robots and "Disallow: /pagefind/" in robots
    card = (internal / "index.html").read_text(encoding="utf-8")
    assert "读网审计与单位计分" in card
    shown = {n for n in names if n in card}
    assert len(shown) >= 5, shown  # the scorecard names staff: that is why it is internal
    assert "不得发布到门户网站" in (internal / "DO-NOT-PUBLISH.txt").read_text(encoding="utf-8")
    assert (internal / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"
    assert sorted(p.name for p in internal.iterdir()) == ["DO-NOT-PUBLISH.txt", "index.html", "robots.txt"]


def test_a_preview_puts_the_scorecard_beside_the_site_and_nothing_internal_in_it(county: Path,
                                                                                    preview_site: Path) -> None:
    assert_public_and_internal_apart(county, preview_site, preview_site.parent / "site-internal")


def test_a_published_build_keeps_the_scorecard_out_of_the_site_too(county: Path, tmp_path: Path) -> None:
    from govsite.cli.services import portal_services
    from govsite.portal.build import build_site
    from govsite.portal.state import Services

    verified = {p.relative_to(county).as_posix() for p in (county / "content").rglob("*.md")}
    result = build_site(county, tmp_path / "www", preview=False, gate=GateResult(ok=True, verified=verified),
                        services=Services(dashboard=portal_services().dashboard), workers=2)
    assert result.internal == tmp_path / "www-internal"
    assert_public_and_internal_apart(county, tmp_path / "www", tmp_path / "www-internal")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["www", "www-internal"]  # no scratch folders left


def test_the_build_says_where_the_internal_output_went_and_that_it_is_not_published(county: Path,
                                                                                       tmp_path: Path) -> None:
    out, internal = tmp_path / "site", tmp_path / "intranet" / "scorecard"
    proc = govsite(county, "build", "--preview", "--no-search", "-o", str(out), "--internal-output", str(internal))
    assert proc.returncode == 0, proc.stderr
    assert f"输出到 {internal}" in proc.stdout and "不得公开发布" in proc.stdout and "内网" in proc.stdout
    assert (internal / "index.html").is_file() and not (tmp_path / "site-internal").exists()
    assert leaks(out, private_names(county)) == {}


def test_an_old_site_with_internal_pages_is_replaced_without_them(county: Path, tmp_path: Path) -> None:
    """A site built by an older govsite held the scorecard under internal/dashboard/: the swap drops it."""
    out = tmp_path / "site"
    (out / "internal" / "dashboard").mkdir(parents=True)
    (out / "internal" / "dashboard" / "index.html").write_text("谭立新 读网看板", encoding="utf-8")
    (out / "robots.txt").write_text("User-agent: *\nDisallow: /internal/\n", encoding="utf-8")
    (out / "render-digests.json").write_text("{}", encoding="utf-8")  # an earlier build's mark
    proc = govsite(county, "build", "--preview", "--no-search", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert not (out / "internal").exists() and (out / "index.html").is_file()
    assert "internal" not in (out / "robots.txt").read_text(encoding="utf-8")
    assert "internal/ 目录" in proc.stderr  # the web server's copy of the old site may still hold it
    assert (tmp_path / "site-internal" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "site-internal"]


@pytest.mark.parametrize("where", ["site/internal", "site", "."])
def test_an_internal_output_in_or_around_the_site_is_refused(county: Path, tmp_path: Path, where: str) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("旧网站", encoding="utf-8")
    (out / "render-digests.json").write_text("{}", encoding="utf-8")
    proc = govsite(county, "build", "--preview", "--no-search", "-o", str(out),
                   "--internal-output", str(tmp_path / where))
    assert proc.returncode == 2 and "不得放进公开网站" in proc.stderr, proc.stderr
    assert (out / "index.html").read_text(encoding="utf-8") == "旧网站"  # nothing was built
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _mkdocs(root: Path, plugin: dict) -> subprocess.CompletedProcess:
    """Plain ``mkdocs build`` with the repository's mkdocs.yml, the plugin's options replaced by ``plugin``."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [{"govsite-portal": plugin}]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, capture_output=True,
                          text=True, check=False)


def test_plain_mkdocs_build_writes_the_scorecard_beside_site_not_into_it(tmp_path: Path) -> None:
    root = make_county(tmp_path / "county")
    proc = _mkdocs(root, {"preview": True, "internal_dir": "site-internal"})
    assert proc.returncode == 0, proc.stderr
    assert_public_and_internal_apart(root, root / "site", root / "site-internal")
    git(root, "status")  # still a repository


def test_plain_mkdocs_build_refuses_an_internal_dir_inside_site(tmp_path: Path) -> None:
    root = make_county(tmp_path / "county")
    proc = _mkdocs(root, {"preview": True, "internal_dir": "site/internal"})
    assert proc.returncode != 0 and "不得放进公开网站" in proc.stderr, proc.stderr
    assert not (root / "site" / "internal").exists()
