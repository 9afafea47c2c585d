"""Publishing the county portal with MkDocs (issue 5).

The build is MkDocs' own event pipeline; ``hooks/portal.py`` forwards the events to
:mod:`govsite.portal.hooks`. Plain modules here hold the logic: the gate and publish-date
adapter (:mod:`.sources`), the page catalogue (:mod:`.catalog`), generated pages
(:mod:`.render`), feeds (:mod:`.feeds`), search indexing (:mod:`.search`), the
output directory handling (:mod:`.output`) and parallel rendering inside MkDocs' build
(:mod:`.workers`). :mod:`.runner` is what ``govsite build`` calls.
:mod:`.digests` computes the render digests that 三校 proofreads bind to (:func:`render_digests`).
"""

from __future__ import annotations

from pathlib import Path


def render_digests(root: Path, rev: str | None = None) -> dict[str, str]:
    """Repository path → sha256 render digest of every content page, from a temporary preview build of
    ``rev`` (or the working tree). See :mod:`govsite.portal.digests`."""
    from govsite.portal.digests import render_digests as run  # noqa: PLC0415 - MkDocs is heavy

    return run(root, rev)
