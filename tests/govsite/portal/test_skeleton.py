"""Article pages filled into one skeleton per folder: the same bytes as the full theme, or the full theme."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import jinja2

from govsite.portal import skeleton
from govsite.portal.build import build_site
from govsite.portal.verdict import Verdict as GateResult
import pytest

pytestmark = pytest.mark.slow  # builds sites or runs govsite in subprocesses

MAIN = ("<title>{{ page.meta.title }} - 站</title><link rel=\"canonical\" href=\"{{ page.canonical_url }}\">"
        "{% if page.toc | first is defined %}<a href=\"{{ (page.toc | first).url }}\">跳转</a>{% endif %}"
        "{{ extra }}<main>{% block content %}{% if gs and gs.slot %}{{ gs.slot }}{% else %}"
        "<h1>{{ page.meta.title }}</h1>{{ page.content }}{% endif %}{% endblock %}</main>")


def _page(slug: str, title: str, toc: bool = True) -> SimpleNamespace:
    return SimpleNamespace(meta={"title": title}, canonical_url=f"https://x.gov.cn/u/c/{slug}/", url=f"u/c/{slug}/",
                           toc=[SimpleNamespace(url="#_1")] if toc else [], content=f"<p>{title}正文</p>",
                           file=SimpleNamespace(src_uri=f"u/c/{slug}.md"))


def _build(sk: skeleton.Skeletons, env: jinja2.Environment, pages: list[SimpleNamespace], shape: object) -> list[str]:
    """What MkDocs and the hooks do per article: the skeleton's page, else the full theme; then keep()."""
    out = []
    for p in pages:
        got = sk.page_html({"page": p, "gs": {}, "extra": ""}, p, shape)
        html = got if got is not None else env.get_template("main.html").render(page=p, gs={}, extra="")
        sk.keep(p.file.src_uri, html)
        out.append(html)
    return out


def test_pages_of_one_shape_come_from_the_skeleton_with_the_same_bytes() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"main.html": MAIN}))
    sk = skeleton.Skeletons(env)
    pages = [_page("a1", "关于甲的通知"), _page("a2", "关于乙的通知"), _page("a3", "丙")]
    assert _build(sk, env, pages, ("u/c", True)) == [
        env.get_template("main.html").render(page=p, gs={}, extra="") for p in pages]
    assert sk.filled == 2 and sk.refused == []  # the first is the theme's own render, checked against later


GOV_META = ('{% if gs and gs.meta_slot %}{{ gs.meta_slot }}{% else %}{% for name, value in gs.govmeta %}'
            '<meta name="{{ name }}" content="{{ value | e }}">{% endfor %}{% endif %}')


def test_each_article_filled_from_the_skeleton_has_its_own_government_meta_tags() -> None:
    """The head's meta tags differ per article (title, dates, address, image): a slot of their own."""
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "main.html": '<head>{% include "partials/gov-meta.html" %}</head>' + MAIN,
        "partials/gov-meta.html": GOV_META}))
    sk = skeleton.Skeletons(env)
    pages = [_page("a1", "关于甲的通知"), _page("a2", "关于乙的通知"), _page("a3", "丙")]
    contexts = [{"page": p, "extra": "", "gs": {"govmeta": [("ArticleTitle", p.meta["title"] + "<&>"),
                                                           ("Url", p.canonical_url)]}} for p in pages]
    out = []
    for p, ctx in zip(pages, contexts):
        got = sk.page_html(ctx, p, ("u/c", True))
        html = got if got is not None else env.get_template("main.html").render(ctx)
        sk.keep(p.file.src_uri, html)
        out.append(html)
    assert out == [env.get_template("main.html").render(ctx) for ctx in contexts]
    assert sk.filled == 2 and sk.refused == []
    assert '<meta name="ArticleTitle" content="丙&lt;&amp;&gt;"><meta name="Url" content="https://x.gov.cn/u/c/a3/">' in out[2]


def test_a_folder_with_one_article_never_makes_a_skeleton() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"main.html": MAIN}))
    sk = skeleton.Skeletons(env)
    _build(sk, env, [_page("a1", "甲")], "one")
    assert sk.filled == 0 and sk.refused == []


def test_a_skeleton_holding_the_page_address_is_refused_for_the_whole_shape() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"main.html": MAIN.replace("{{ extra }}", "{{ page.url }}")}))
    sk = skeleton.Skeletons(env)
    pages = [_page("a1", "甲"), _page("a2", "乙"), _page("a3", "丙")]
    assert _build(sk, env, pages, "shape") == [
        env.get_template("main.html").render(page=p, gs={}, extra="") for p in pages]
    assert sk.filled == 0 and len(sk.refused) == 1 and "a2" in sk.refused[0]


def test_titles_a_filter_could_change_and_theme_keys_take_the_full_render() -> None:
    assert skeleton.eligible(_page("a", "关于甲的通知"))
    assert not skeleton.eligible(_page("a", "A & B 联合发文"))
    assert not skeleton.eligible(_page("a", " 前有空格"))
    described = _page("a", "甲")
    described.meta["description"] = "摘要"
    assert not skeleton.eligible(described)
    ours = _page("a", "甲")
    ours.meta["template"] = skeleton.TEMPLATE
    assert skeleton.eligible(ours)


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_the_sample_county_builds_the_same_bytes_with_and_without_skeletons(county: Path, tmp_path: Path) -> None:
    gate = GateResult(ok=False)
    build_site(county, tmp_path / "full", preview=True, gate=gate, workers=1, search=False,
               skeletons=False)
    result = build_site(county, tmp_path / "skel", preview=True, gate=gate, workers=1, search=False)
    used = result.state.skeletons
    assert used is not None and used.filled > 10 and used.refused == []
    a, b = _tree(tmp_path / "full"), _tree(tmp_path / "skel")
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []


def test_a_county_theme_without_the_article_template_builds_as_before(tmp_path: Path) -> None:
    """A county's own theme overrides (site_config/theme) without the article template still build articles."""
    import shutil

    from tests.govsite.portal.conftest import REPO, make_county

    root = make_county(tmp_path / "county")
    theme = root / "site_config" / "theme"  # the county's own overrides: an older copy of main.html only
    theme.mkdir()
    shutil.copy(REPO / "govsite" / "portal" / "theme" / "main.html", theme / "main.html")
    assert not skeleton.theme_has_template([str(theme)])
    out = tmp_path / "site"
    build_site(root, out, preview=True, gate=GateResult(ok=False), workers=1, search=False)
    page = next(p for p in out.rglob("index.html") if len(p.relative_to(out).parts) == 4)
    assert 'class="gs-article"' in page.read_text(encoding="utf-8")
