"""Plain Python values <-> DynamoDB AttributeValues, for the low-level client.

boto3's TypeSerializer insists on Decimal for every number and its deserializer is slow on
the hot paths (redemptions, exports); this covers exactly the types the service stores.
Numbers come back as ``int`` when integral and ``Decimal`` otherwise, so money never passes
through binary floating point.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def to_attribute(value: Any) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, float):
        return {"N": repr(value)}
    if isinstance(value, dict):
        return {"M": {k: to_attribute(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_attribute(v) for v in value]}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, set | frozenset):
        return {"SS": sorted(value)}
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def from_attribute(attribute: dict[str, Any]) -> Any:
    ((kind, value),) = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        return int(value) if value.lstrip("-").isdigit() else Decimal(value)
    if kind == "BOOL":
        return value
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: from_attribute(v) for k, v in value.items()}
    if kind == "L":
        return [from_attribute(v) for v in value]
    if kind == "SS":
        return set(value)
    if kind == "B":
        return value
    raise TypeError(f"unsupported attribute type {kind}")


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {name: to_attribute(value) for name, value in values.items()}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: from_attribute(value) for name, value in item.items()}
