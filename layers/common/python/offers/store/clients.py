"""AWS clients: one per container, created on first use.

botocore's import and model loading is most of a Python Lambda's cold start; creating the
client on first use (not at import) keeps ``import handler`` cheap, and the cached client is
then reused for the life of the container exactly as a module-scope client would be.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from offers.settings import get_settings


@cache
def client(service: str) -> Any:
    import boto3  # noqa: PLC0415 - deferred on purpose, see module docstring
    from botocore.config import Config  # noqa: PLC0415

    settings = get_settings()
    config = Config(
        connect_timeout=2,
        read_timeout=settings.aws_read_timeout_seconds,
        # DynamoDB's retries are the store's (offers.store.retries): safe ones only, then 503.
        retries={"mode": "standard", "max_attempts": 1 if service == "dynamodb" else 3},
        tcp_keepalive=True,
    )
    return boto3.client(service, config=config)


def dynamodb() -> Any:
    return client("dynamodb")


def reset_clients() -> None:
    """Drop cached clients (tests start a fresh AWS emulation per test)."""
    client.cache_clear()
