"""What every Voucherify object's row shares: derived customer ids, metadata, the row maker.

The dialect's objects over our data: which fields each exported object has, the default ones,
and how one stored item becomes one CSV row of the requested fields. Pure functions only (no
storage, no HTTP); the export sources call a row maker per segment. The fabric <-> Voucherify
mapping table in the README is this package in prose.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from offers.services.voucherify_ids import customer_id  # noqa: F401 - the row makers' and the package's

Item = dict[str, Any]


def customer_source_id(item: Item) -> str | None:
    """A redemption's customer, as Voucherify's ``source_id``: the userId, else the email."""
    return item.get("userId") or item.get("email") or None


def metadata_of(item: Item) -> dict[str, Any]:
    """An item's metadata: its ``metadata`` map (cards and their spends keep one; coupon
    redemptions keep one beside their attributes), else additionalAttributes [{name, values}]
    -> {name: value, or the list if several}."""
    if isinstance(item.get("metadata"), dict):
        return item["metadata"]
    found: dict[str, Any] = {}
    for attribute in item.get("additionalAttributes") or []:
        values = attribute.get("values") or []
        found[attribute["name"]] = values[0] if len(values) == 1 else list(values)
    return found


def metadata_cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def row_maker(
    values: dict[str, Callable[[Item], Any]],
    fields: Sequence[str],
    metadata: Callable[[Item], dict[str, Any]],
) -> Callable[[Item], list[Any]]:
    """item -> the requested fields' values, in order (``metadata.X`` is one metadata key)."""
    getters: list[Callable[[Item], Any]] = []
    for name in fields:
        if name.startswith("metadata."):
            key = name.removeprefix("metadata.")
            getters.append(lambda item, key=key: metadata_cell(metadata(item).get(key)))
        else:
            getters.append(values[name])
    return lambda item: [get(item) for get in getters]


def own_metadata(item: Item) -> dict[str, Any]:
    return item.get("metadata") or {}


def expand_metadata(fields: Sequence[str], keys_found: Sequence[str]) -> list[str]:
    """``metadata`` -> one ``metadata.<key>`` column per key found (sorted), in its place; keys
    the request also names on their own (``metadata.X``) keep only that column."""
    named = {name for name in fields if name.startswith("metadata.")}
    expanded: list[str] = []
    for name in fields:
        if name == "metadata":
            expanded += [f"metadata.{key}" for key in sorted(keys_found) if f"metadata.{key}" not in named]
        else:
            expanded.append(name)
    return expanded
