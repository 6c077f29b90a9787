"""Voucherify's customer fields over the customers resource."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from offers.services.voucherify_fields.common import Item, metadata_cell, own_metadata, row_maker
from offers.store.customers import TOTALS

CUSTOMER_DEFAULT_FIELDS = ("name", "source_id")
ADDRESS_FIELDS = ("city", "state", "line_1", "line_2", "country", "postal_code")
_ORDER_FIELDS = ("total_amount", "total_count", "average_amount", "last_order_amount", "last_order_date")
CUSTOMER_FIELDS = (
    "name",
    "id",
    "description",
    "email",
    "source_id",
    "created_at",
    "updated_at",
    *(f"address_{name}" for name in ADDRESS_FIELDS),
    *(f"redemptions_total_{name}" for name in TOTALS),
    *(f"orders_{name}" for name in _ORDER_FIELDS),
    "loyalty_points",
    "loyalty_referred_customers",
    "phone",
    "birthday",
    "birthdate",
    "metadata",
)


def _customer_values() -> dict[str, Callable[[Item], Any]]:
    def nothing(item: Item) -> None:
        return None

    values: dict[str, Callable[[Item], Any]] = dict.fromkeys(CUSTOMER_FIELDS, nothing)
    values.update(
        {
            "name": lambda item: item.get("name"),
            "id": lambda item: item.get("id"),
            "description": lambda item: item.get("description"),
            "email": lambda item: item.get("email"),
            "source_id": lambda item: item.get("sourceId"),
            "created_at": lambda item: item.get("createdAt"),
            "updated_at": lambda item: item.get("updatedAt"),
            "phone": lambda item: item.get("phone"),
            "birthday": lambda item: item.get("birthdate"),
            "birthdate": lambda item: item.get("birthdate"),
            "metadata": lambda item: metadata_cell(item.get("metadata") or None),
        }
    )
    for name in ADDRESS_FIELDS:
        values[f"address_{name}"] = lambda item, name=name: (item.get("address") or {}).get(name)
    for name, attribute in TOTALS.items():
        values[f"redemptions_total_{name}"] = lambda item, attribute=attribute: int(item.get(attribute) or 0)
    return values


def customer_row_maker(fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    return row_maker(_customer_values(), fields, own_metadata)
