"""Voucherify's redemption fields over fabric redemptions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from offers.services.voucherify_fields.common import (
    Item,
    customer_id,
    customer_source_id,
    metadata_cell,
    metadata_of,
    row_maker,
)

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
        # card redemptions (services/card_redemptions.py) carry these; coupon redemptions don't
        "order_amount": lambda item: item.get("orderAmount"),
        "gift_amount": lambda item: item.get("giftAmount"),
        "loyalty_points": lambda item: item.get("loyaltyPoints"),
        "result": lambda item: "SUCCESS" if active(item) else "FAILURE",
        "failure_code": lambda item: None if active(item) else ROLLED_BACK,
        "failure_message": lambda item: None if active(item) else "the redemption was set INACTIVE",
        "metadata": lambda item: metadata_cell(metadata_of(item) or None),
    }


def redemption_row_maker(tenant_id: str, fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    return row_maker(_redemption_values(tenant_id), fields, metadata_of)
