"""Item sizes as DynamoDB counts them, and the check that turns an oversize record into a 413."""

from __future__ import annotations

import pytest

from offers.errors import PayloadTooLarge
from offers.store.sizes import ITEM_BUDGET, check_item_fits, item_size


def test_given_an_item_then_its_size_counts_names_utf8_values_and_container_overheads():
    item = {"pk": "T#1", "name": "é", "ok": True, "n": 12345, "tags": ["ab", "c"], "m": {"k": None}}
    # pk:2+3  name:4+2  ok:2+1  n:1+5  tags:4+(3+1+2+1+1)  m:1+(3+1+1+1)
    assert item_size(item) == 5 + 6 + 3 + 6 + 12 + 7


def test_given_four_byte_characters_then_each_counts_four_bytes():
    assert item_size({"a": "😀" * 10}) == 1 + 40


def test_given_an_item_over_the_budget_then_413_naming_its_largest_attribute():
    check_item_fits({"pk": "x", "values": ["v" * 1000] * 300})
    with pytest.raises(PayloadTooLarge) as caught:
        check_item_fits({"pk": "x", "name": "n" * 1000, "targets": ["v" * 1000] * (ITEM_BUDGET // 1000)})
    assert caught.value.problems[0].field == "targets"
