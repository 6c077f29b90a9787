"""Voucherify's ``voucher_transactions`` and ``points_expiration`` fields over the cards' ledger
(store/cards.py): one transaction item, or one points bucket, per row.

Amounts are integers in the card's unit (cents on a gift card, points on a loyalty card):
``amount`` is the signed change, ``balance`` the card's balance after it. ``details`` is the
transaction's Voucherify ``details`` object as one compact JSON cell.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from offers.services.voucherify_fields.common import Item, row_maker

VOUCHER_TRANSACTION_FIELDS = (
    "id",
    "campaign_id",
    "voucher_id",
    "type",
    "source_id",
    "reason",
    "source",
    "balance",
    "amount",
    "related_transaction_id",
    "created_at",
    "details",
)
# The reference's defaults also list "status", which is not a field of a transaction.
VOUCHER_TRANSACTION_DEFAULT_FIELDS = (
    "id",
    "type",
    "source_id",
    "reason",
    "source",
    "balance",
    "amount",
    "created_at",
)
POINTS_EXPIRATION_FIELDS = ("id", "campaign_id", "voucher_id", "points", "status", "expires_at")
POINTS_EXPIRATION_DEFAULT_FIELDS = ("id", "campaign_id", "voucher_id", "status", "expires_at", "points")


def _whole(value: Any) -> int | None:
    return None if value is None else int(value)


_compact_json = json.JSONEncoder(separators=(",", ":"), default=str).encode  # one encoder, not one per row


def _json_cell(value: Any) -> str:
    return _compact_json(value) if value else ""


_TRANSACTION_VALUES: dict[str, Callable[[Item], Any]] = {
    "id": lambda item: item.get("id"),
    "campaign_id": lambda item: item.get("campaignId"),
    "voucher_id": lambda item: item.get("voucherId"),
    "type": lambda item: item.get("type"),
    "source_id": lambda item: item.get("sourceId"),
    "reason": lambda item: item.get("reason"),
    "source": lambda item: item.get("source"),
    "balance": lambda item: _whole(item.get("balance")),
    "amount": lambda item: _whole(item.get("amount")),
    "related_transaction_id": lambda item: item.get("relatedTransactionId"),
    "created_at": lambda item: item.get("createdAt"),
    "details": lambda item: _json_cell(item.get("details")),
}


def _bucket_points(item: Item) -> int:
    """What the bucket holds now, or for an expired one what left the card when it expired."""
    if item.get("status") == "EXPIRED":
        return int(item.get("expiredPoints") or 0)
    return int(item.get("remaining") or 0)


_BUCKET_VALUES: dict[str, Callable[[Item], Any]] = {
    "id": lambda item: item.get("id"),
    "campaign_id": lambda item: item.get("campaignId"),
    "voucher_id": lambda item: item.get("voucherId"),
    "points": _bucket_points,
    "status": lambda item: item.get("status", "ACTIVE"),
    # a date, as GET .../points-expiration answers it (Voucherify's and the SDK's type)
    "expires_at": lambda item: (item.get("expiresAt") or "")[:10] or None,
}


def _no_metadata(item: Item) -> dict[str, Any]:
    return {}


def voucher_transaction_row_maker(fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    return row_maker(_TRANSACTION_VALUES, fields, _no_metadata)


def points_expiration_row_maker(fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    return row_maker(_BUCKET_VALUES, fields, _no_metadata)
