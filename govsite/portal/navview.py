"""The navigation one page shows (导航视图): the whole portal, with only the page's own unit opened up.

MkDocs' navigation holds the portal, every unit and every unit's columns. A theme that rendered that whole tree
into every page would, on a county portal of 60–80 units (500+ columns), put 600 navigation entries on each
page and render them again for each column folder: the build grows with units × columns × folders,
and pages grow to 80 KB. Government portals show the current unit's columns and the other units as plain
links; that is the view built here, once per unit, from MkDocs' own navigation objects:

* the top level (portal home and the unit groups) as in MkDocs' navigation, so the tabs are unchanged;
* the page's own unit as MkDocs' section (its home and its columns, with MkDocs' active marks);
* every other unit as a link to its home page.

Pages outside any unit (portal home, search) get the view with every unit as a link.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.nav import Link, Section


class StandInPage:
    """What the navigation templates read of the page being rendered (its ``url``), for an article: a folder of
    its unit that no page has, at the article's depth (``<unit>/_/_/``). A relative link made from there is
    valid from every folder of the unit at that depth, so one rendering of the navigation serves all of them
    (MkDocs would write the link to an article's own column as ``../`` and the others as ``../../c/``)."""

    def __init__(self, unit_id: str, depth: int) -> None:
        self.url = unit_id + "/" + "_/" * max(0, depth - 1)


class NavView:
    """What the theme's navigation templates read of MkDocs' ``Navigation``: ``items``, ``homepage``."""

    def __init__(self, items: list[Any], homepage: Any, groups: list[tuple[Section, Section]]) -> None:
        self.items = items
        self.homepage = homepage
        self._groups = groups  # (copy shown here, MkDocs' own section)

    def __iter__(self):  # noqa: ANN204
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sync(self) -> NavView:
        """Copy MkDocs' active marks (set for the page being rendered) onto the copied group sections."""
        for shown, own in self._groups:
            shown.active = own.active
        return self


class NavViews:
    """One :class:`NavView` per unit id ('' for pages outside any unit), made on first use."""

    def __init__(self, nav: Any) -> None:
        self.nav = nav
        self._views: dict[str, NavView] = {}

    @staticmethod
    def stand_in(unit_id: str, depth: int) -> StandInPage:
        """The page an article's navigation is rendered for (see :class:`StandInPage`)."""
        return StandInPage(unit_id, depth)

    def for_unit(self, unit_id: str) -> NavView:
        view = self._views.get(unit_id)
        if view is None:
            view = self._views[unit_id] = self._make(unit_id)
        return view.sync()

    def _make(self, unit_id: str) -> NavView:
        items: list[Any] = []
        groups: list[tuple[Section, Section]] = []
        for item in self.nav.items:
            if not item.is_section:
                items.append(item)
                continue
            children = [child if _unit_of(child) == unit_id else _as_link(child) for child in item.children]
            shown = Section(item.title, children)  # children keep MkDocs' parents: active marks flow there
            groups.append((shown, item))
            items.append(shown)
        return NavView(items, self.nav.homepage, groups)


def _unit_of(item: Any) -> str:
    """The unit id of a unit's section (its first page is ``<unit>/index.md``), else ''."""
    if not item.is_section or not item.children:
        return ""
    first = item.children[0]
    src = getattr(getattr(first, "file", None), "src_uri", "") or ""
    return src.split("/", 1)[0] if src.endswith("/index.md") and src.count("/") == 1 else ""


def _as_link(item: Any) -> Any:
    """A unit's section as a link to its home page (anything else is kept as it is)."""
    if not item.is_section or not item.children:
        return item
    return Link(item.title, item.children[0].url)
