"""BatchGetItem and BatchWriteItem: chunked to DynamoDB's limits, unprocessed work sent again.

DynamoDB may leave part of a batch unprocessed (throttling); that part is sent again with
backoff up to ``BATCH_ATTEMPTS`` times, then the request is a 503. Batches hold gets and
unconditional puts and deletes: all safe to repeat.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from offers.errors import TemporarilyUnavailable
from offers.store.clients import dynamodb
from offers.store.codec import from_item
from offers.store.keys import Key
from offers.store.retries import RETRY_AFTER_SECONDS, backoff_delay, with_retries
from offers.store.sizes import checked_item

# Unprocessed items of a batch call are sent again up to this many times, then 503.
BATCH_ATTEMPTS = 8
GET_CHUNK = 100  # keys per BatchGetItem
WRITE_CHUNK = 25  # requests per BatchWriteItem


def batch_get(table_name: str, keys: Sequence[Key], *, consistent: bool = False) -> list[dict[str, Any]]:
    """Items for ``keys`` (missing ones are skipped), retrying unprocessed keys."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), GET_CHUNK):
        chunk = [checked_item(k) for k in keys[start : start + GET_CHUNK]]
        request = {table_name: {"Keys": chunk, "ConsistentRead": consistent}}
        for response in _until_processed("BatchGetItem", request, "UnprocessedKeys"):
            found.extend(from_item(item) for item in response["Responses"].get(table_name, []))
    return found


def batch_write(table_name: str, *, puts: Sequence[dict[str, Any]] = (), deletes: Sequence[Key] = ()) -> None:
    """Unconditional puts and deletes, 25 per call, retrying unprocessed ones with backoff."""
    requests = [{"PutRequest": {"Item": checked_item(item)}} for item in puts]
    requests += [{"DeleteRequest": {"Key": checked_item(key)}} for key in deletes]
    for start in range(0, len(requests), WRITE_CHUNK):
        chunk = {table_name: requests[start : start + WRITE_CHUNK]}
        for _ in _until_processed("BatchWriteItem", chunk, "UnprocessedItems"):
            pass  # a write answers nothing to collect


def _until_processed(operation: str, request: dict[str, Any], unprocessed: str) -> Iterator[dict[str, Any]]:
    """Each response to ``request`` and then to what it left unprocessed, until nothing is."""
    for attempt in range(BATCH_ATTEMPTS):
        response = _batch_call(operation, request)
        yield response
        request = response.get(unprocessed) or {}
        if not request:
            return
        _pause(attempt)
    raise _unprocessed(operation)


def _batch_call(operation: str, request: dict[str, Any]) -> dict[str, Any]:
    call = dynamodb().batch_get_item if operation == "BatchGetItem" else dynamodb().batch_write_item
    return with_retries(lambda: call(RequestItems=request), operation=operation, repeatable=True)


def _pause(attempt: int) -> None:
    time.sleep(backoff_delay(attempt))


def _unprocessed(operation: str) -> TemporarilyUnavailable:
    return TemporarilyUnavailable(
        f"the data store is busy ({operation}); retry shortly", retry_after=RETRY_AFTER_SECONDS
    )
