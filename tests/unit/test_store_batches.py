"""Batch reads and writes: chunked to DynamoDB's limits, what DynamoDB leaves unprocessed is sent
again (moto never leaves anything unprocessed, so a fake client does), and a batch that stays
unprocessed is a 503, not a silent loss."""

from __future__ import annotations

from typing import Any

import pytest

from offers.errors import TemporarilyUnavailable
from offers.store import batches
from offers.store.table import BATCH_ATTEMPTS, Table

TABLE = "offers"


class ThrottledDynamoDB:
    """Leaves the last request of each call unprocessed ``throttled`` times, then processes all."""

    def __init__(self, throttled: int):
        self.throttled = throttled
        self.calls: list[tuple[str, Any]] = []

    def _leave_last(self, requests: list[Any]) -> tuple[list[Any], list[Any]]:
        if self.throttled > 0 and requests:
            self.throttled -= 1
            return requests[:-1], requests[-1:]
        return requests, []

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        self.calls.append(("BatchWriteItem", RequestItems[TABLE]))
        _, left = self._leave_last(RequestItems[TABLE])
        return {"UnprocessedItems": {TABLE: left} if left else {}}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        request = RequestItems[TABLE]
        self.calls.append(("BatchGetItem", request["Keys"]))
        done, left = self._leave_last(request["Keys"])
        unprocessed = {TABLE: {**request, "Keys": left}} if left else {}
        return {
            "Responses": {TABLE: [{**key, "found": {"BOOL": True}} for key in done]},
            "UnprocessedKeys": unprocessed,
        }


@pytest.fixture
def dynamodb(monkeypatch):
    def install(throttled: int) -> ThrottledDynamoDB:
        fake = ThrottledDynamoDB(throttled)
        monkeypatch.setattr(batches, "dynamodb", lambda: fake)
        monkeypatch.setattr(batches.time, "sleep", lambda _: None)
        return fake

    return install


def keys(count: int) -> list[dict[str, str]]:
    return [{"PK": f"T#t1#P#{i}", "SK": "META"} for i in range(count)]


def test_given_60_puts_when_written_then_three_calls_of_at_most_25(dynamodb):
    fake = dynamodb(throttled=0)
    Table(TABLE).batch_write(puts=[{**key, "n": 1} for key in keys(60)])
    assert [len(requests) for _, requests in fake.calls] == [25, 25, 10]


def test_given_unprocessed_writes_when_written_then_only_those_are_sent_again(dynamodb):
    fake = dynamodb(throttled=2)
    Table(TABLE).batch_write(deletes=keys(3))
    sent = [
        [request["DeleteRequest"]["Key"]["PK"]["S"] for request in requests] for _, requests in fake.calls
    ]
    assert sent == [["T#t1#P#0", "T#t1#P#1", "T#t1#P#2"], ["T#t1#P#2"], ["T#t1#P#2"]]


def test_given_unprocessed_keys_when_read_then_every_item_is_returned_once(dynamodb):
    fake = dynamodb(throttled=3)
    found = Table(TABLE).batch_get(keys(150))
    assert sorted(item["PK"] for item in found) == sorted(key["PK"] for key in keys(150))
    assert [len(sent) for _, sent in fake.calls] == [100, 1, 1, 1, 50]


@pytest.mark.parametrize("operation", ["write", "read"])
def test_given_a_batch_that_stays_unprocessed_then_503_after_the_bounded_attempts(dynamodb, operation):
    fake = dynamodb(throttled=10**6)
    with pytest.raises(TemporarilyUnavailable) as raised:
        if operation == "write":
            Table(TABLE).batch_write(puts=[{**keys(1)[0], "n": 1}])
        else:
            Table(TABLE).batch_get(keys(1))
    assert len(fake.calls) == BATCH_ATTEMPTS
    assert raised.value.retry_after == 1
