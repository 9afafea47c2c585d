"""The theme's Jinja environment, made cheaper to start: listing without icon folders, compiled templates kept.

MkDocs lists every file of the theme folders at the start of each build to find static files, and drops
dot-folders from that list. Material's ``.icons`` holds about 14,000 SVG files, so walking it costs about
0.1 s of the build's serial start for nothing; the listing here never enters a dot-folder. Templates still
load from anywhere (``{% include ".icons/…svg" %}`` works as before).
"""

from __future__ import annotations

import os
from typing import Any

import jinja2
import jinja2.bccache


class ThemeLoader(jinja2.FileSystemLoader):
    """MkDocs' theme loader, with a listing that skips dot-folders (MkDocs ignores what is in them)."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for dirpath, dirs, filenames in os.walk(searchpath, followlinks=self.followlinks):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                rel = os.path.relpath(dirpath, searchpath).replace(os.sep, "/")
                found.update(n if rel == "." else f"{rel}/{n}" for n in filenames)
        return sorted(found)


def install(theme: Any) -> None:
    """Make ``theme.get_env()`` (called by MkDocs' build right after ``on_pre_build``) use :class:`ThemeLoader`."""
    if getattr(theme, "_govsite_env", False):
        return
    make = type(theme).get_env

    def get_env() -> jinja2.Environment:
        env = make(theme)
        loader = env.loader
        if type(loader) is jinja2.FileSystemLoader:
            env.loader = ThemeLoader(loader.searchpath, encoding=loader.encoding, followlinks=loader.followlinks)
        return env

    theme.get_env = get_env
    theme._govsite_env = True


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
    source): compiling Material's templates costs every build process about 0.1 s. Sandboxed templates
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
