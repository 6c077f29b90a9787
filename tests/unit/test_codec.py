"""DynamoDB attribute codec."""

from __future__ import annotations

from decimal import Decimal

from offers.store.codec import from_item, to_item


def test_given_plain_values_when_round_tripped_then_equal_and_money_stays_decimal():
    values = {
        "s": "text",
        "i": 42,
        "neg": -7,
        "d": Decimal("12.50"),
        "f": 0.1,
        "b": True,
        "n": None,
        "l": [1, "two", {"three": 3}],
        "m": {"nested": {"deep": [False]}},
        "ss": {"x", "y"},
    }
    back = from_item(to_item(values))
    assert back["f"] == Decimal("0.1")
    assert isinstance(back["d"], Decimal) and back["d"] == Decimal("12.50")
    assert {k: v for k, v in back.items() if k != "f"} == {k: v for k, v in values.items() if k != "f"}


def test_given_values_when_encoded_then_attribute_types_are_dynamodbs():
    assert to_item({"a": 1, "b": "x", "c": None, "d": [True]}) == {
        "a": {"N": "1"},
        "b": {"S": "x"},
        "c": {"NULL": True},
        "d": {"L": [{"BOOL": True}]},
    }
