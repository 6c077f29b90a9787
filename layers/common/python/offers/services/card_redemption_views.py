"""How card redemptions and their rollbacks look in the Voucherify dialect (pure)."""

from __future__ import annotations

from typing import Any

from offers.services.card_ledger import GIFT_VOUCHER
from offers.services.voucherify_ids import customer_id as derived_customer_id

REDEMPTION_PREFIX = "r_"


def redemption_view(tenant_id: str, item: dict[str, Any]) -> dict[str, Any]:
    gift = item.get("cardType") == GIFT_VOUCHER
    units = int(item.get("giftAmount") or item.get("loyaltyPoints") or 0)
    rolled_back = item.get("status") == "INACTIVE"
    view: dict[str, Any] = {
        "id": REDEMPTION_PREFIX + item["id"],
        "object": "redemption",
        "date": item["redeemedAt"],
        "customer_id": derived_customer_id(tenant_id, item.get("userId")),
        "tracking_id": item.get("userId"),
        "metadata": item.get("metadata") or {},
        "amount": units,
        "result": "SUCCESS",
        "status": "ROLLED_BACK" if rolled_back else "SUCCEEDED",
        "order": order_view(item),
        "channel": {"channel_type": "API"},
        "related_object_type": "voucher",
        "related_object_id": item.get("voucherId"),
        "voucher": {
            "id": item.get("voucherId"),
            "code": item["couponCode"],
            "campaign": item.get("promotionName") or None,
            "campaign_id": item["promotionId"] if item["promotionId"].startswith("camp_") else None,
            "type": item.get("cardType"),
            "object": "voucher",
        },
    }
    if gift:
        view["gift"] = {"amount": units}
    else:
        view["loyalty_card"] = {"points": units}
    view["voucher"] = {k: v for k, v in view["voucher"].items() if v is not None}
    return {name: value for name, value in view.items() if value is not None}


def order_view(item: dict[str, Any]) -> dict[str, Any] | None:
    order = item.get("order")
    if not order:
        return None
    view = {
        "id": order.get("id"),
        "source_id": order.get("source_id"),
        "amount": order.get("amount"),
        "metadata": order.get("metadata"),
        "object": "order",
    }
    return {name: value for name, value in view.items() if value is not None}


def rollback_view(
    tenant_id: str, item: dict[str, Any], rollback_id: str, transaction: dict[str, Any], reason: str | None
) -> dict[str, Any]:
    gift = item.get("cardType") == GIFT_VOUCHER
    units = int(transaction["amount"])
    view: dict[str, Any] = {
        "id": rollback_id,
        "object": "redemption_rollback",
        "date": transaction["createdAt"],
        "customer_id": derived_customer_id(tenant_id, item.get("userId")),
        "tracking_id": item.get("userId"),
        "metadata": item.get("metadata") or {},
        "amount": -units,
        "redemption": REDEMPTION_PREFIX + item["id"],
        "reason": reason,
        "result": "SUCCESS",
        "status": "SUCCEEDED",
        "order": order_view(item),
        "channel": {"channel_type": "API"},
        "related_object_type": "voucher",
        "related_object_id": item.get("voucherId"),
    }
    if gift:
        view["gift"] = {"amount": units}
    else:
        view["loyalty_card"] = {"points": units}
    return {name: value for name, value in view.items() if value is not None}
