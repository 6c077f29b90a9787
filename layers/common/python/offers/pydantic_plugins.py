"""pydantic's plugin loader without ``importlib.metadata`` while plugins are off (cold start).

pydantic looks for plugins when it builds its first validator, in ``pydantic.plugin._loader``,
whose module imports ``importlib.metadata`` (with email, zipfile, csv, ...: about a tenth of
``import boto3``) even when ``PYDANTIC_DISABLE_PLUGINS`` (set for every function) means it
will not read a single entry point. Powertools builds a model as its event handler is
imported, so every HTTP handler paid this at import.

``install()`` puts a finder first on ``sys.meta_path`` that answers for that one module: its
``get_plugins()`` returns no plugins while the variable disables them, exactly as pydantic's
does, and otherwise (or for any other name of the module) runs the real module in place once,
so everything behaves as with pydantic's own loader.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import Any

LOADER_MODULE = "pydantic.plugin._loader"
# The values with which pydantic's get_plugins() returns no plugins at all.
_ALL_DISABLED = ("__all__", "1", "true")


def plugins_disabled() -> bool:
    return os.getenv("PYDANTIC_DISABLE_PLUGINS") in _ALL_DISABLED


class _DeferredLoader:
    def __init__(self, real: ModuleSpec) -> None:
        self.real = real

    def create_module(self, spec: ModuleSpec) -> None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        real = self.real
        state = {"loaded": False}

        def load() -> None:
            if not state["loaded"]:
                state["loaded"] = True
                real.loader.exec_module(module)  # type: ignore[union-attr]  # defines get_plugins anew

        def get_plugins() -> Any:
            if plugins_disabled():
                return ()
            load()
            return module.get_plugins()

        def __getattr__(name: str) -> Any:  # noqa: N807 - PEP 562's module __getattr__
            if not name.startswith("__"):  # the import system asks for __path__ and the like
                load()
            if name in module.__dict__:
                return module.__dict__[name]
            raise AttributeError(f"module {LOADER_MODULE!r} has no attribute {name!r}")

        module.get_plugins = get_plugins  # type: ignore[attr-defined]
        module.__getattr__ = __getattr__  # type: ignore[attr-defined]


class _Finder:
    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != LOADER_MODULE:
            return None
        real = PathFinder.find_spec(name, path)
        if real is None or real.loader is None:
            return None
        spec = ModuleSpec(name, _DeferredLoader(real), origin=real.origin)
        spec.has_location = real.has_location
        return spec


def install() -> None:
    if LOADER_MODULE not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
