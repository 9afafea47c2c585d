"""govsite's portal theme (门户主题): an MkDocs theme of its own, registered as ``govsite`` (entry point
``mkdocs.themes``), shipped in this folder as package data of the portal plugin.

The folder holds the templates (``main.html`` the page layout, ``article.html`` an article from its folder's
skeleton, ``404.html``, ``partials/`` the parts a county may override from ``site_config/theme/``), one
stylesheet and one script (``assets/govsite/``), and ``mkdocs_theme.yml``. This module holds what the build
does with the theme's Jinja environment: a sandbox for county overrides, compiled templates kept between builds.
"""

from __future__ import annotations

import jinja2
import jinja2.bccache


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache that never breaks a build: a folder that cannot be written or a damaged file
    only means compiling the template again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged cache file is a cache miss
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def sandbox(env: jinja2.Environment) -> jinja2.Environment:
    """The same environment as a Jinja sandbox: templates see the page context, never Python's internals
    (``__class__``, ``__globals__``, unsafe methods raise a SecurityError). Used when the county overrides
    templates (``site_config/theme/``): they are the county's content, not govsite's code."""
    from jinja2.sandbox import SandboxedEnvironment  # noqa: PLC0415

    box = SandboxedEnvironment(loader=env.loader, auto_reload=False, autoescape=env.autoescape,
                               extensions=list(env.extensions))
    box.filters.update(env.filters)
    box.tests.update(env.tests)
    box.policies.update(env.policies)
    box.globals.update({k: v for k, v in env.globals.items() if k != "range"})  # keep the sandbox's safe range
    if hasattr(env, "newstyle_gettext"):
        box.newstyle_gettext = env.newstyle_gettext  # type: ignore[attr-defined]
    return box


def keep_compiled_templates(env: jinja2.Environment) -> None:
    """Compiled theme templates kept between builds (Jinja's own bytecode cache, keyed by each template's
    source): compiling the theme's templates costs every build process tens of milliseconds. Sandboxed templates
    compile to other code, so they are kept apart."""
    from checks.cachedir import enabled, user_cache_dir  # noqa: PLC0415

    if not enabled():
        return
    kind = "-sandbox" if getattr(env, "sandboxed", False) else ""
    folder = user_cache_dir() / f"jinja-{jinja2.__version__}{kind}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # no cache: templates are compiled as usual
    env.bytecode_cache = TemplateCache(str(folder))
