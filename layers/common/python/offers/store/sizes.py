"""DynamoDB item and key sizes, checked before a call: an oversize item is a 413 and an
oversize key value a 400, not a 500.

DynamoDB refuses items over 400 KB with a ValidationException. Request models bound each
field, but the fields together (a promotion's targets and attributes; a redemption's own
attributes beside those it copies from its promotion) can still exceed it, and a character
may take up to 4 bytes. So the store measures what it writes, the way DynamoDB counts
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
attribute names and string values by their UTF-8 bytes, numbers up to 21 bytes, 1 byte for a
boolean or null, 3 bytes per list or map plus 1 per element. Key attributes have their own
limits (``keys.oversize_key_attribute``), which moto does not enforce.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from offers.errors import FieldProblem, InvalidInput, PayloadTooLarge
from offers.store.codec import to_item
from offers.store.keys import oversize_key_attribute

DYNAMODB_ITEM_LIMIT = 400 * 1024
# What a request may make an item take: the rest is kept for attributes other writes add
# later (counters, code generation jobs) and for DynamoDB's own accounting.
ITEM_BUDGET = 350 * 1024
_NUMBER_BYTES = 21


def value_size(value: Any) -> int:
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, int | float | Decimal):
        return min(_NUMBER_BYTES, len(str(value)))
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, Mapping):
        return 3 + sum(1 + len(str(k).encode()) + value_size(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return 3 + sum(1 + value_size(v) for v in value)
    raise TypeError(f"cannot size a value of type {type(value).__name__}")


def item_size(item: Mapping[str, Any]) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def check_item_fits(item: Mapping[str, Any], budget: int = ITEM_BUDGET) -> None:
    """413 naming the largest attribute when ``item`` would take more than ``budget`` bytes."""
    size = item_size(item)
    if size <= budget:
        return
    largest = max(item, key=lambda name: value_size(item[name]))
    raise PayloadTooLarge.for_field(
        largest,
        f"makes the record {size // 1024} KB; at most {budget // 1024} KB can be stored (shorten this field)",
    )


def checked_item(item: dict[str, Any]) -> dict[str, Any]:
    """``to_item`` of a key or an item whose key attributes DynamoDB will accept (else 400)."""
    too_long = oversize_key_attribute(item)
    if too_long is not None:
        raise InvalidInput(
            "a value in this request is too long to be stored or looked up",
            code="VALUE_TOO_LONG",
            problems=[FieldProblem(too_long, "is too long for a DynamoDB key")],
        )
    return to_item(item)
