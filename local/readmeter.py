"""Meter what a botocore DynamoDB client reads: calls per operation, items, and their bytes.

Item sizes follow DynamoDB's rules (what read capacity and the 1 MB page limit count):
attribute name length + value size; strings and binaries by their length in bytes; a number
1 byte plus 1 per two significant digits; booleans and nulls 1 byte; lists and maps 3 bytes
plus 1 per element plus the elements (a map element counts its name too); sets their elements.

Used by the search benchmark and by tests that check which items a request touched.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

_LIST_OR_MAP_OVERHEAD = 3
_ELEMENT_OVERHEAD = 1


def _number_size(text: str) -> int:
    digits = text.lstrip("-").split("e")[0].split("E")[0].replace(".", "").strip("0")
    return 1 + math.ceil(max(len(digits), 1) / 2)


def _bytes(value: str | bytes) -> int:
    return len(value.encode() if isinstance(value, str) else value)


def attribute_size(value: dict[str, Any]) -> int:
    """Size of one AttributeValue (low-level client form, e.g. ``{"S": "x"}``)."""
    ((kind, content),) = value.items()
    if kind in ("S", "B"):
        return _bytes(content)
    if kind == "N":
        return _number_size(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "BS"):
        return sum(_bytes(element) for element in content)
    if kind == "NS":
        return sum(_number_size(element) for element in content)
    if kind == "L":
        return _LIST_OR_MAP_OVERHEAD + sum(attribute_size(v) + _ELEMENT_OVERHEAD for v in content)
    if kind == "M":
        return _LIST_OR_MAP_OVERHEAD + sum(
            _bytes(name) + attribute_size(v) + _ELEMENT_OVERHEAD for name, v in content.items()
        )
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict[str, Any]) -> int:
    """Size of an item (low-level client form) by DynamoDB's rules."""
    return sum(_bytes(name) + attribute_size(value) for name, value in item.items())


def returned_items(operation: str, parsed: dict[str, Any]) -> list[dict[str, Any]]:
    """The items a read operation's response carries."""
    if operation == "GetItem":
        return [parsed["Item"]] if parsed.get("Item") else []
    if operation in ("Query", "Scan"):
        return list(parsed.get("Items", []))
    if operation == "BatchGetItem":
        return [item for items in parsed.get("Responses", {}).values() for item in items]
    if operation == "TransactGetItems":
        return [r["Item"] for r in parsed.get("Responses", []) if r.get("Item")]
    return []


class ReadMeter:
    """Attach to a client; every call is counted and every returned item sized and kept."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.items: list[dict[str, Any]] = []
        self.bytes_read = 0

    def attach(self, client: Any) -> ReadMeter:
        client.meta.events.register("after-call.dynamodb", self._after_call)
        return self

    def detach(self, client: Any) -> None:
        client.meta.events.unregister("after-call.dynamodb", self._after_call)

    def reset(self) -> None:
        self.calls.clear()
        self.items.clear()
        self.bytes_read = 0

    def _after_call(self, *, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls[model.name] += 1
        for item in returned_items(model.name, parsed):
            self.items.append(item)
            self.bytes_read += item_size(item)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def items_outside(self, prefix: str, key_attributes: Iterable[str] = ("pk", "psPk")) -> int:
        """How many items read have a key attribute that does not start with ``prefix``."""
        return sum(
            1
            for item in self.items
            if any(name in item and not item[name].get("S", "").startswith(prefix) for name in key_attributes)
        )
