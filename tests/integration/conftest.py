"""Integration tests: the template's functions, in process, on a fresh moto per test.

Requests go through the emulated HTTP API (route match, Lambda authorizer, v2.0 event), so
what is tested is what a client of the deployed API would see.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.stack import LocalStack
from offers.auth.authorizer import token_verifier
from offers.settings import get_settings
from offers.store.clients import reset_clients
from offers.store.metadata_keys import forget_known_keys
from tests.support.client import ApiClient


def _reset_caches() -> None:
    get_settings.cache_clear()
    token_verifier.cache_clear()
    reset_clients()
    forget_known_keys()


def _running_stack() -> Iterator[LocalStack]:
    _reset_caches()
    local_stack = LocalStack().start()
    try:
        yield local_stack
    finally:
        local_stack.stop()
        _reset_caches()


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    yield from _running_stack()


@pytest.fixture(scope="module")
def module_stack() -> Iterator[LocalStack]:
    """One stack for a whole module: for tests that only read what the module stored once.

    A module using it must not also use ``stack``/``api`` (one emulated AWS at a time).
    """
    yield from _running_stack()


@pytest.fixture
def api(stack: LocalStack) -> ApiClient:
    assert stack.gateway is not None
    return ApiClient(stack.gateway.handle, stack.token)
