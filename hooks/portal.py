"""MkDocs hooks of the county portal (``hooks:`` in mkdocs.yml); logic lives in govsite.portal.hooks."""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from govsite.portal.hooks import (  # noqa: E402
    on_build_error,
    on_config,
    on_env,
    on_files,
    on_nav,
    on_page_content,
    on_page_context,
    on_page_markdown,
    on_post_build,
    on_post_page,
    on_pre_build,
)

__all__ = ["on_config", "on_pre_build", "on_files", "on_nav", "on_env", "on_page_markdown", "on_page_content",
           "on_page_context", "on_post_page", "on_post_build", "on_build_error"]
