"""The portal plugin as MkDocs loads it (entry point ``govsite-portal``), for plain ``mkdocs build``/``serve``.

It is :class:`govsite.portal.plugin.PortalPlugin` with the publish gate and the scorecard put in
(:func:`govsite.cli.services.portal_services`); ``govsite build`` uses the same class.
"""

from __future__ import annotations

from govsite.cli.services import portal_services
from govsite.portal.plugin import PortalPlugin


class GovsitePortal(PortalPlugin):
    """The county portal with govsite's review gate and audit scorecard."""

    def __init__(self) -> None:
        super().__init__()
        self.services = portal_services()
