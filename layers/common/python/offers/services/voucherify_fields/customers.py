"""Voucherify's customer fields over the customers resource."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from offers.services.voucherify_fields.common import Item, metadata_cell, own_metadata, row_maker
from offers.store.customers import (
    ORDERS_LAST_AMOUNT,
    ORDERS_LAST_DATE,
    ORDERS_TOTAL_AMOUNT,
    ORDERS_TOTAL_COUNT,
    TOTALS,
)

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


def order_totals(item: dict[str, Any]) -> dict[str, Any]:
    """Voucherify's orders summary from the aggregates the redemptions kept (0 until an order
    amount is redeemed; the average is worked out here, never counted over redemptions)."""
    total, count = int(item.get(ORDERS_TOTAL_AMOUNT) or 0), int(item.get(ORDERS_TOTAL_COUNT) or 0)
    totals: dict[str, Any] = {
        "total_amount": total,
        "total_count": count,
        "average_amount": round(total / count) if count else 0,
        "last_order_amount": int(item.get(ORDERS_LAST_AMOUNT) or 0),
    }
    if item.get(ORDERS_LAST_DATE):
        totals["last_order_date"] = item[ORDERS_LAST_DATE]
    return totals


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
    for name in _ORDER_FIELDS:  # kept by the redemptions that carry an order amount
        values[f"orders_{name}"] = lambda item, name=name: order_totals(item).get(name)
    return values


def customer_row_maker(fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    return row_maker(_customer_values(), fields, own_metadata)
