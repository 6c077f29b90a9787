"""Powertools' event handler without its package's eager imports (cold start).

``aws_lambda_powertools/event_handler/__init__.py`` imports every resolver Powertools has
(AppSync with asyncio, Bedrock, VPC Lattice, Lambda function URLs, ...): about 25 ms of CPU,
a sixth of ``import boto3``, for an HTTP API function that uses one. This module registers
the package lazily (PEP 562) before its first import: a name the package's ``__init__``
takes from ``api_gateway`` comes from there, a submodule is imported as usual, and any other
name runs the real ``__init__`` once, so everything behaves as with the eager package.

``offers.api`` imports this module first, so every handler that imports from ``offers.api``
(and takes Powertools' ``Body``/``Query`` from ``offers.api.params``) gets it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

PACKAGE = "aws_lambda_powertools.event_handler"
_FROM_API_GATEWAY = frozenset(
    {
        "ALBResolver",
        "APIGatewayHttpResolver",
        "ApiGatewayResolver",
        "APIGatewayRestResolver",
        "CORSConfig",
        "Response",
    }
)


def install() -> None:
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    loaded = False

    def __getattr__(name: str) -> object:  # noqa: N807 - PEP 562's module __getattr__
        nonlocal loaded
        if name in _FROM_API_GATEWAY:
            return getattr(importlib.import_module(f"{PACKAGE}.api_gateway"), name)
        if not name.startswith("__") and importlib.util.find_spec(f"{PACKAGE}.{name}") is not None:
            return importlib.import_module(f"{PACKAGE}.{name}")
        if not loaded:  # any other name: what the real __init__ defines
            loaded = True
            spec.loader.exec_module(package)  # type: ignore[union-attr]
            if name in package.__dict__:
                return package.__dict__[name]
        raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")

    package.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules[PACKAGE] = package
    parent = sys.modules[PACKAGE.rpartition(".")[0]]
    parent.event_handler = package  # type: ignore[attr-defined]


def lazy_package() -> ModuleType:
    install()
    return sys.modules[PACKAGE]
