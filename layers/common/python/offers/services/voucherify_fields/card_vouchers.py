"""Voucherify's voucher fields over gift cards and loyalty cards (the card items of
store/cards.py), for the ``voucher`` export's card rows: ``voucher_type`` GIFT_VOUCHER or
LOYALTY_CARD, ``value`` the card's total (cents or points), ``gift_balance`` /
``loyalty_balance`` its balance now. Discount fields stay empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from offers.services.voucherify_fields.common import Item, metadata_cell, own_metadata, row_maker
from offers.services.voucherify_fields.vouchers import VOUCHER_FIELDS

GIFT_VOUCHER = "GIFT_VOUCHER"
LOYALTY_CARD = "LOYALTY_CARD"


def _whole(value: Any) -> int:
    return int(value or 0)


def _balance_of(card_type: str) -> Callable[[Item], int | None]:
    return lambda item: _whole(item.get("balance")) if item.get("type") == card_type else None


def _card_values() -> dict[str, Callable[[Item], Any]]:
    def nothing(item: Item) -> None:
        return None

    values: dict[str, Callable[[Item], Any]] = dict.fromkeys(VOUCHER_FIELDS, nothing)
    values.update(
        {
            "id": lambda item: item.get("id"),
            "code": lambda item: item.get("code"),
            "voucher_type": lambda item: item.get("type"),
            "value": lambda item: _whole(item.get("total")),
            "campaign": lambda item: item.get("campaignName"),
            "campaign_id": lambda item: item.get("campaignId"),
            "start_date": lambda item: item.get("startDate"),
            "expiration_date": lambda item: item.get("expirationDate"),
            "gift_balance": lambda item: (
                _whole(item.get("balance")) if item.get("type") == GIFT_VOUCHER else None
            ),
            "loyalty_balance": lambda item: (
                _whole(item.get("balance")) if item.get("type") == LOYALTY_CARD else None
            ),
            "active": lambda item: "true" if item.get("active", True) is not False else "false",
            "metadata": lambda item: metadata_cell(item.get("metadata") or None),
            "is_referral_code": lambda item: "false",
            "created_at": lambda item: item.get("createdAt"),
            "updated_at": lambda item: item.get("updatedAt"),
            "additional_info": lambda item: item.get("additionalInfo"),
        }
    )
    return values


def card_voucher_row_maker(fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    """card item -> the requested voucher fields (``metadata.X`` from the card's own metadata)."""
    return row_maker(_card_values(), fields, own_metadata)
