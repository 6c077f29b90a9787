"""Key parts from clients can't make a key DynamoDB refuses: the largest valid inputs fit, and
the store refuses an over-long key before any call (moto doesn't enforce DynamoDB's sizes)."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from offers.errors import InvalidInput
from offers.store import keys, table
from offers.store.keys import (
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
    key_size_limit,
    oversize_key_attribute,
)

TENANT = "a" * 24
PROMOTION = "0" * 24
WIDEST = "😀"  # 4 bytes in UTF-8: the worst case for a limit counted in characters
LONGEST_IDENTIFIER = WIDEST * 128  # orderId, userId, storeId: at most 128 characters
LONGEST_EMAIL = WIDEST * 64 + "@" + WIDEST * 185 + ".io"  # 254 characters
LONGEST_CODE = "Z" * 64
LONGEST_NAME = WIDEST * 200


def test_given_the_longest_valid_inputs_then_every_key_they_make_fits():
    stamp = "2026-01-01T00:00:00.000Z"
    made = [
        keys.code_key(TENANT, LONGEST_CODE),
        keys.customer_usage_key(TENANT, PROMOTION, LONGEST_IDENTIFIER),
        keys.customer_usage_key(TENANT, PROMOTION, LONGEST_EMAIL),
        keys.order_usage_key(TENANT, PROMOTION, LONGEST_IDENTIFIER),
        keys.idempotency_key(TENANT, "redeem", "k" * 128),
        keys.code_index_attributes(
            TENANT,
            code=LONGEST_CODE,
            coupon_id=PROMOTION,
            user_id=LONGEST_IDENTIFIER,
            created_at=stamp,
            shards=16,
        ),
        keys.redemption_index_attributes(
            TENANT,
            redemption_id=PROMOTION,
            promotion_id=PROMOTION,
            redeemed_at=stamp,
            user_id=LONGEST_IDENTIFIER,
            coupon_code=LONGEST_CODE,
            order_id=LONGEST_IDENTIFIER,
            email=LONGEST_EMAIL,
            shards=16,
        ),
        keys.search_attributes(
            TENANT,
            promotion_id=PROMOTION,
            name=LONGEST_NAME,
            enabled=True,
            updated_at=stamp,
            start_at=stamp,
            end_at=stamp,
            level=5,
        ),
    ]
    assert [oversize_key_attribute(key) for key in made] == [None] * len(made)


@pytest.mark.parametrize(
    ("attribute", "limit"),
    [
        ("pk", MAX_PARTITION_KEY_BYTES),
        ("sk", MAX_SORT_KEY_BYTES),
        ("gsi5pk", 2048),
        ("psName", 1024),
        ("gsi1sk", 1024),
    ],
)
def test_given_a_key_attribute_one_byte_over_its_limit_then_it_is_named_and_at_the_limit_it_passes(
    attribute, limit
):
    assert key_size_limit(attribute) == limit
    assert oversize_key_attribute({"pk": "p", "sk": "s", attribute: "x" * limit}) is None
    assert oversize_key_attribute({"pk": "p", "sk": "s", attribute: "x" * (limit - 3) + WIDEST}) == attribute
    assert oversize_key_attribute({"name": "x" * 100_000}) is None  # not a key attribute


def test_given_an_over_long_key_when_the_store_reads_or_writes_then_400_and_dynamodb_is_never_called(
    monkeypatch,
):
    client = MagicMock()
    monkeypatch.setattr(table, "dynamodb", lambda: client)
    over_long = {"pk": "T#x#CODE#" + "c" * 2048, "sk": "CODE"}
    store = table.Table("offers")
    for attempt in (
        lambda: store.get(over_long),
        lambda: store.put({**over_long, "a": 1}),
        lambda: store.delete(over_long),
        lambda: store.transact_write([store.put_op({**over_long, "a": 1})]),
        lambda: store.query("T#x#" + "p" * 2048),
    ):
        with pytest.raises(InvalidInput) as caught:
            attempt()
        assert caught.value.code == "VALUE_TOO_LONG"
    assert client.mock_calls == []
