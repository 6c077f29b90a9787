"""Powertools' event handler without its packages' eager imports (cold start).

Two Powertools packages import everything they have in their ``__init__``:
``aws_lambda_powertools.event_handler`` (every resolver: AppSync with asyncio, Bedrock, VPC
Lattice, ...) and ``aws_lambda_powertools.utilities.data_classes`` (every event source's data
class), together about a quarter of ``import boto3`` for an HTTP API function that uses one
resolver and one event class. This module registers both packages lazily (PEP 562) before
their first import: each name the package's ``__init__`` imports (read from its source, so a
Powertools upgrade needs no change here) is imported from its own module on first use, a
submodule is imported as usual, and anything else runs the real ``__init__`` once, so
everything behaves as with the eager packages.

``offers.api`` installs this first, so every handler that imports from ``offers.api`` (and
takes Powertools' ``Body``/``Query`` from ``offers.api.params``) gets it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

LAZY_PACKAGES = ("aws_lambda_powertools.event_handler", "aws_lambda_powertools.utilities.data_classes")


def _exported_names(package: str, init_source: str) -> dict[str, tuple[str, str]]:
    """``from x.y import A as B`` statements of a package's ``__init__`` -> {B: (x.y, A)}."""
    names = {}
    for node in ast.parse(init_source).body:
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        module = node.module if node.level == 0 else f"{package}.{node.module}"
        for alias in node.names:
            names[alias.asname or alias.name] = (module, alias.name)
    return names


def install_lazy(package_name: str) -> None:
    if package_name in sys.modules:
        return
    spec = importlib.util.find_spec(package_name)
    if spec is None or spec.loader is None or spec.origin is None:
        return
    exported = _exported_names(package_name, Path(spec.origin).read_text())
    package = importlib.util.module_from_spec(spec)
    state = {"loaded": False}

    def __getattr__(name: str) -> Any:  # noqa: N807 - PEP 562's module __getattr__
        if name in exported:
            module, attribute = exported[name]
            value = getattr(importlib.import_module(module), attribute)
            setattr(package, name, value)
            return value
        if not name.startswith("__") and importlib.util.find_spec(f"{package_name}.{name}") is not None:
            return importlib.import_module(f"{package_name}.{name}")
        if not state["loaded"]:  # any other name: what the real __init__ defines
            state["loaded"] = True
            spec.loader.exec_module(package)  # type: ignore[union-attr]
            if name in package.__dict__:
                return package.__dict__[name]
        raise AttributeError(f"module {package_name!r} has no attribute {name!r}")

    package.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules[package_name] = package
    parent_name, _, child = package_name.rpartition(".")
    setattr(importlib.import_module(parent_name), child, package)


def install() -> None:
    for package_name in LAZY_PACKAGES:
        install_lazy(package_name)
