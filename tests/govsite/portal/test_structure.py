"""The portal keeps its state on the plugin object: no module of it holds mutable state of a build."""

from __future__ import annotations

import ast
import importlib
import pkgutil

import govsite.portal


def _modules():
    for info in pkgutil.iter_modules(govsite.portal.__path__):
        yield importlib.import_module(f"govsite.portal.{info.name}")


def test_no_portal_module_keeps_mutable_state() -> None:
    for module in _modules():
        tree = ast.parse(open(module.__file__, encoding="utf-8").read())
        assert not any(isinstance(n, ast.Global) for n in ast.walk(tree)), module.__name__
        for name, value in vars(module).items():
            if isinstance(value, (dict, list, set)) and not name.startswith("__"):
                # constant tables only, never written to (they are named as constants)
                assert name.lstrip("_").isupper(), f"{module.__name__}.{name}"


def test_the_plugin_reads_no_environment_switch() -> None:
    for module in _modules():
        source = open(module.__file__, encoding="utf-8").read()
        for switch in ("GOVSITE_PREVIEW", "GOVSITE_NO_SEARCH", "GOVSITE_NO_SKELETON", "GOVSITE_WORKERS"):
            assert switch not in source, (module.__name__, switch)
