"""How cards, their transactions and their points buckets look in the Voucherify dialect (pure)."""

from __future__ import annotations

from typing import Any

from offers.clock import format_timestamp, utc_now
from offers.services.card_ledger import GIFT_VOUCHER, next_expiration
from offers.store.cards import CardState


def voucher_view(state: CardState) -> dict[str, Any]:
    """The card as Voucherify answers a voucher."""
    card = state.card
    balance, total = int(card.get("balance", 0)), int(card.get("total", 0))
    view: dict[str, Any] = {
        "id": card["id"],
        "code": card["code"],
        "campaign": card.get("campaignName"),
        "campaign_id": card.get("campaignId"),
        "type": card["type"],
        "start_date": card.get("startDate"),
        "expiration_date": card.get("expirationDate"),
        "active": bool(card.get("active", True)),
        "additional_info": card.get("additionalInfo"),
        "metadata": card.get("metadata") or {},
        "is_referral_code": False,
        "created_at": card["createdAt"],
        "updated_at": card.get("updatedAt"),
        "object": "voucher",
    }
    if card["type"] == GIFT_VOUCHER:
        view["gift"] = {"amount": total, "balance": balance, "effect": card.get("effect", "APPLY_TO_ORDER")}
    else:
        first, points = next_expiration(state.buckets, format_timestamp(utc_now()))
        loyalty: dict[str, Any] = {"points": total, "balance": balance}
        if first is not None:
            loyalty["next_expiration_date"] = first[:10]
            loyalty["next_expiration_points"] = points
        view["loyalty_card"] = loyalty
    return {name: value for name, value in view.items() if value is not None}


def transaction_view(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "source_id": item.get("sourceId"),
        "voucher_id": item["voucherId"],
        "campaign_id": item.get("campaignId"),
        "source": item.get("source"),
        "reason": item.get("reason"),
        "type": item["type"],
        "details": item.get("details") or {},
        "related_transaction_id": item.get("relatedTransactionId"),
        "created_at": item["createdAt"],
    }


def bucket_view(bucket: dict[str, Any]) -> dict[str, Any]:
    expired = bucket.get("status") == "EXPIRED"
    points = int(bucket.get("expiredPoints", 0)) if expired else int(bucket.get("remaining", 0))
    view = {
        "id": bucket["id"],
        "voucher_id": bucket["voucherId"],
        "campaign_id": bucket.get("campaignId"),
        "bucket": {"total_points": points},
        "status": bucket.get("status", "ACTIVE"),
        "expires_at": bucket["expiresAt"][:10],  # a date, as Voucherify (and the SDK's model) has it
        "created_at": bucket["createdAt"],
        "updated_at": bucket.get("updatedAt"),
        "object": "loyalty_points_bucket",
    }
    return {name: value for name, value in view.items() if value is not None}


def voucher_balance_view(balance: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/vouchers/{code}/balance answers ``amount`` for both card types (the SDK reads it;
    on a loyalty card it is points, and ``points`` is kept too)."""
    view = dict(balance)
    if "points" in view:
        view["amount"] = view["points"]
    return view
