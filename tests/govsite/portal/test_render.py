"""The generated pages' templates (theme/pages/): escaped as the pages always were, fetched once per build, and a
county's own copy of one of them (site_config/theme/pages/) changes that page type only, inside the sandbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from govsite.portal import render
from govsite.portal.catalog import PAGE_SIZE, Article, Catalog
from tests.govsite.portal.conftest import git, govsite, make_county

THEME = Path(render.__file__).resolve().parent / "theme"
HOSTILE = "通知\"引号\"'单引号'<b>&amp;"


def _env() -> jinja2.Environment:
    """An environment as MkDocs makes the theme's (no autoescape), over govsite's theme folder only."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader([str(THEME)]), auto_reload=False)


def _column(n: int) -> tuple[SimpleNamespace, SimpleNamespace, Catalog]:
    unit = SimpleNamespace(id="dachang", name="大昌镇<人民政府>")
    column = SimpleNamespace(id="gzdt", title="工作动态", update="daily")
    cat = Catalog()
    for i in range(n):
        cat.add(Article(path=f"content/dachang/gzdt/a{i:02d}.md", src_uri=f"dachang/gzdt/a{i:02d}.md",
                        url=f"dachang/gzdt/a{i:02d}/", unit_id="dachang", column_id="gzdt",
                        title=f"{HOSTILE}{i:02d}", formed=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                        validity="已废止" if i == n - 1 else ""))
    cat.finish()
    return unit, column, cat


def test_a_column_page_is_escaped_as_the_pages_always_were_and_carries_no_template_whitespace() -> None:
    unit, column, cat = _column(PAGE_SIZE + 3)
    body = render.column_page(render.PageTemplates(_env()), unit, column, cat, 1)
    assert "\n" not in body and "  " not in body
    assert body.startswith('<div class="gs-page gs-column"><h1>工作动态</h1><p class="gs-sub">大昌镇&lt;人民政府&gt; · ')
    first = f"{len(cat.articles) - 1:02d}"
    assert ('<ul class="gs-list gs-list--full"><li><a href="a' + first + '/">'
            "通知&quot;引号&quot;&#x27;单引号&#x27;&lt;b&gt;&amp;amp;" + first + "</a>"
            '<span class="gs-tag gs-tag--repealed">【已废止】</span><span class="gs-date">2026-01-23</span></li>') in body
    assert ('<nav class="gs-pager" aria-label="分页"><span class="gs-pager__off" aria-disabled="true">首页</span>'
            '<span class="gs-pager__off" aria-disabled="true">上一页</span>'
            '<span class="gs-pager__cur" aria-current="page">1</span>'
            '<a href="page/2/" aria-label="第 2 页">2</a><a href="page/2/">下一页</a><a href="page/2/">尾页</a></nav></div>'
            ) in body
    assert body.count("<li>") == PAGE_SIZE
    assert "gs-pager" not in render.column_page(render.PageTemplates(_env()), unit, column, _column(3)[2], 1)
    empty = render.column_page(render.PageTemplates(_env()), unit, column, Catalog(), 1)
    assert '<p class="gs-empty">本栏目暂无信息。</p></div>' in empty


def test_each_template_is_fetched_once_per_build() -> None:
    env = _env()
    fetched: list[str] = []
    get = env.get_template

    def counting(name: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        fetched.append(name)
        return get(name, *args, **kwargs)

    env.get_template = counting  # type: ignore[method-assign]
    templates = render.PageTemplates(env)
    unit, column, cat = _column(PAGE_SIZE * 3)
    for page in (1, 2, 3):
        render.column_page(templates, unit, column, cat, page)
    render.search_page(templates, ["s1", "s2"])
    render.search_page(templates, [])
    pages = [name for name in fetched if name != "pages/macros.html"]  # {% import %}: Jinja's cached module
    assert pages == ["pages/column.html", "pages/search.html"]


def test_every_page_template_opens_by_saying_what_page_it_is() -> None:
    for name in [*render.TEMPLATES.values(), "pages/macros.html"]:
        text = (THEME / name).read_text(encoding="utf-8")
        assert text.startswith("{#- ") and "-#}" in text, name
        comment = text[:text.index("-#}")]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in comment), name  # the page's Chinese name


# -- a county's own page template ------------------------------------------------------------------------------

def _county_with(tmp_path: Path, name: str, text: str) -> Path:
    root = make_county(tmp_path / "county")
    target = root / "site_config" / "theme" / "pages" / name
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "本县模板")
    return root


@pytest.mark.slow
def test_a_county_override_of_one_page_template_changes_that_page_type_only(preview_site: Path,
                                                                            tmp_path: Path) -> None:
    own = (THEME / "pages" / "column.html").read_text(encoding="utf-8").replace(
        '<div class="gs-page gs-column">', '<div class="gs-page gs-column"><p class="gs-county">本县栏目说明</p>')
    root = _county_with(tmp_path, "column.html", own)
    out = tmp_path / "site"
    proc = govsite(root, "build", "--preview", "-o", str(out))  # as preview_site is built
    assert proc.returncode == 0, proc.stderr
    a = {p.relative_to(preview_site).as_posix(): p.read_bytes() for p in preview_site.rglob("*") if p.is_file()}
    b = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(a) == sorted(b)
    changed = sorted(k for k in a if a[k] != b[k])
    columns = sorted(k for k in a if b'<div class="gs-page gs-column">' in a[k])
    assert changed == columns and len(columns) > 20
    marker = '<p class="gs-county">本县栏目说明</p>'.encode()
    for k in changed:  # the county's addition is the only difference
        assert b[k].count(marker) == 1 and b[k].replace(marker, b"") == a[k], k


@pytest.mark.slow
def test_a_county_page_template_that_reaches_for_python_stops_the_build_in_chinese(tmp_path: Path) -> None:
    """The same as a county's partial that does so (test_cheats): the sandbox refuses, the build says why."""
    own = (THEME / "pages" / "sitemap.html").read_text(encoding="utf-8").replace(
        "<h1>网站地图</h1>", "<h1>网站地图{{ ''.__class__.__mro__[1].__subclasses__() }}</h1>")
    root = _county_with(tmp_path, "sitemap.html", own)
    out = tmp_path / "site"
    proc = govsite(root, "build", "--preview", "--no-search", "-o", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "本县的页面模板（site_config/theme/）试图访问页面数据以外的内容" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
