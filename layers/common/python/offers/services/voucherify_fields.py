"""The Voucherify exports dialect's objects over our data: which fields each exported object
has, the default ones, and how one stored item becomes one CSV row of the requested fields.

Pure functions only (no storage, no HTTP): the export sources call ``row_maker`` per segment.
The fabric <-> Voucherify mapping table in the README is this module in prose.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

Item = dict[str, Any]

REDEMPTION_DEFAULT_FIELDS = ("id", "object", "voucher_code", "customer_id", "date", "result")
REDEMPTION_FIELDS = (
    "id",
    "object",
    "date",
    "voucher_code",
    "campaign",
    "promotion_tier_id",
    "customer_id",
    "customer_source_id",
    "customer_name",
    "tracking_id",
    "order_id",
    "order_amount",
    "gift_amount",
    "loyalty_points",
    "result",
    "failure_code",
    "failure_message",
    "metadata",
)
ROLLED_BACK = "redemption_rolled_back"


def customer_source_id(item: Item) -> str | None:
    """A redemption's customer, as Voucherify's ``source_id``: the userId, else the email."""
    return item.get("userId") or item.get("email") or None


def customer_id(tenant_id: str, source_id: str | None) -> str | None:
    """The customer's Voucherify id: derived from (tenant, source_id), so every redemption of
    one customer names the same ``cust_`` id without a lookup."""
    if not source_id:
        return None
    digest = hashlib.sha256(f"{tenant_id}|{source_id}".encode()).hexdigest()
    return f"cust_{digest[:24]}"


def metadata_of(item: Item) -> dict[str, Any]:
    """additionalAttributes [{name, values}] -> metadata {name: value, or the list if several}."""
    found: dict[str, Any] = {}
    for attribute in item.get("additionalAttributes") or []:
        values = attribute.get("values") or []
        found[attribute["name"]] = values[0] if len(values) == 1 else list(values)
    return found


def _metadata_cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _redemption_values(tenant_id: str) -> dict[str, Callable[[Item], Any]]:
    def active(item: Item) -> bool:
        return item.get("status", "ACTIVE") == "ACTIVE"

    return {
        "id": lambda item: item.get("id"),
        "object": lambda item: "redemption",
        "date": lambda item: item.get("redeemedAt"),
        "voucher_code": lambda item: item.get("couponCode"),
        "campaign": lambda item: item.get("promotionName"),
        # an implicit promotion (no code) is Voucherify's promotion tier
        "promotion_tier_id": lambda item: None if item.get("couponCode") else item.get("promotionId"),
        "customer_id": lambda item: customer_id(tenant_id, customer_source_id(item)),
        "customer_source_id": customer_source_id,
        "customer_name": lambda item: None,
        "tracking_id": lambda item: None,
        "order_id": lambda item: item.get("orderId"),
        "order_amount": lambda item: None,
        "gift_amount": lambda item: None,
        "loyalty_points": lambda item: None,
        "result": lambda item: "SUCCESS" if active(item) else "FAILURE",
        "failure_code": lambda item: None if active(item) else ROLLED_BACK,
        "failure_message": lambda item: None if active(item) else "the redemption was set INACTIVE",
        "metadata": lambda item: _metadata_cell(metadata_of(item) or None),
    }


def redemption_row_maker(tenant_id: str, fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    """item -> the requested fields' values, in order (``metadata.X`` is one metadata key)."""
    values = _redemption_values(tenant_id)
    getters: list[Callable[[Item], Any]] = []
    for name in fields:
        if name.startswith("metadata."):
            key = name.removeprefix("metadata.")
            getters.append(lambda item, key=key: _metadata_cell(metadata_of(item).get(key)))
        else:
            getters.append(values[name])
    return lambda item: [get(item) for get in getters]
