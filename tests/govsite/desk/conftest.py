"""Fixtures for the desk tests: the review tests' ssh-keygen keys, the notify tests' group robot, and a desk
served by a real uvicorn server on this machine."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.govsite.desk.test_notify import robot  # noqa: F401 - a fixture
from tests.govsite.review.conftest import keys  # noqa: F401 - a fixture


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_desk(clone: Path, state: Path, remote: str | None = "origin", webhook: str = "",
                 forge: Any = None) -> Iterator[str]:
    """``govsite desk`` over ``clone``, served by uvicorn on a free port; yields its origin (localhost).
    ``forge``: the desk's :class:`~govsite.desk.forge.ForgeSettings` (none by default)."""
    import uvicorn

    from govsite.desk.app import create_app
    from govsite.desk.config import DeskConfig
    from govsite.desk.forge import ForgeSettings
    from govsite.desk.notify import NotifySettings

    port = free_port()
    config = DeskConfig(root=clone, state=state, remote=remote, port=port, fetch_every=0.0,
                        notify=NotifySettings(webhook=webhook), forge=forge or ForgeSettings())
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
