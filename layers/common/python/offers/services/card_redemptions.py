"""Spending a card (``POST /v1/redemptions`` with one gift card or loyalty card) and rolling a
spend back (``POST /v1/redemptions/{id}/rollback``), each as ONE card change (services/card_changes):
the ledger entry, the card's new balance, the redemption item and the customer's totals land
together or not at all. A spend against an ``order`` with an ``amount`` counts that order in the
customer's ``orders_*`` aggregates (total, count, last amount and date); a rollback leaves them:
they count the orders redeemed, as they do for coupons.

The redemption is stored as the ledger's other redemptions are (store/redemptions.py's item and
indexes), so the ``redemption`` export and the customer's ``redemptions_total_*`` count it; it
adds ``kind=CARD``, ``giftAmount`` / ``loyaltyPoints``, ``orderAmount`` and the buckets its points
came from. A rollback sets it INACTIVE under ``status = ACTIVE``: a second rollback is refused,
even when two race.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from offers.clock import format_timestamp, utc_now
from offers.errors import InvalidInput, OffersError, Unprocessable
from offers.ids import new_id
from offers.models.cards import RedemptionInput
from offers.services.card_changes import Change, bucket_changes, change_card, extra_operation_index, read_card
from offers.services.card_ledger import GIFT_VOUCHER, new_transaction, plan_spend
from offers.services.card_redemption_views import (
    REDEMPTION_PREFIX,
    order_view,
    redemption_view,
)
from offers.services.customers import upsert_customer
from offers.services.voucherify_ids import customer_id as derived_customer_id
from offers.settings import get_settings
from offers.store import keys
from offers.store.cards import CardState
from offers.store.customers import CustomerNotFound, CustomerStore
from offers.store.metadata_keys import REDEMPTION, MetadataKeyStore
from offers.store.redemptions import RedemptionStore
from offers.store.table import Table, TransactionCancelled

_customers = CustomerStore()
_redemptions = RedemptionStore()
_metadata_keys = MetadataKeyStore()
CARD_KIND = "CARD"
IDEMPOTENCY_OPERATION = "card-redemption"
_CREATED = {"redeemed": 1, "succeeded": 1}


class CardNotRedeemable(InvalidInput):
    code = "voucher_not_active"


def _invalid(path: str, message: str) -> InvalidInput:
    return InvalidInput.for_field(path, message, code="invalid_payload")


def _units(card: dict[str, Any], data: RedemptionInput) -> int:
    redeemable = data.redeemables[0]
    order_amount = data.order.amount if data.order else None
    if card["type"] == GIFT_VOUCHER:
        credits = redeemable.gift.credits if redeemable.gift else None
        if credits is None:
            if not order_amount:
                raise _invalid("redeemables[0].gift.credits", "is required (or order.amount) for a gift card")
            credits = min(order_amount, int(card.get("balance", 0)))
        if order_amount is not None and credits > order_amount:
            raise _invalid("redeemables[0].gift.credits", f"is more than the order's amount ({order_amount})")
        if credits <= 0:
            raise _invalid("redeemables[0].gift.credits", "the gift card has no balance left")
        return credits
    points = (redeemable.reward.points if redeemable.reward else None) or redeemable.points
    if points is None:
        raise _invalid(
            "redeemables[0].reward.points", "is required: the points to spend from the loyalty card"
        )
    return points


def _check_redeemable(card: dict[str, Any], now: str) -> None:
    if not card.get("active", True):
        raise CardNotRedeemable(f"voucher {card['code']} is not active")
    if card.get("startDate") and card["startDate"] > now:
        raise CardNotRedeemable(f"voucher {card['code']} is not active yet (starts {card['startDate']})")
    if card.get("expirationDate") and card["expirationDate"] <= now:
        raise CardNotRedeemable(f"voucher {card['code']} expired at {card['expirationDate']}")


def _customer_source_id(tenant_id: str, data: RedemptionInput) -> str | None:
    """Who redeems: the customer's source_id (a customer named by id must exist), else tracking_id."""
    if data.customer is not None and data.customer.source_id:
        return data.customer.source_id
    if data.customer is not None and data.customer.id:
        found = _customers.get(tenant_id, data.customer.id)
        if found is None:
            raise CustomerNotFound(data.customer.id)
        return found.get("sourceId") or data.tracking_id
    return data.tracking_id


def _request_hash(data: RedemptionInput) -> str:
    return hashlib.sha256(data.model_dump_json(exclude_none=True).encode()).hexdigest()


def _replay(record: dict[str, Any], request_hash: str) -> dict[str, Any]:
    if record["requestHash"] != request_hash:
        raise Unprocessable(
            "this idempotency key was used with a different request body", code="IDEMPOTENCY_KEY_REUSED"
        )
    return record["response"]


def redeem(tenant_id: str, data: RedemptionInput, idempotency_key: str | None = None) -> dict[str, Any]:
    """One spend. With an Idempotency-Key the answer is stored in the spend's own transaction, and
    the same key again answers it without spending twice (read only when the write fails)."""
    redeemable = data.redeemables[0]
    if redeemable.object != "voucher":
        raise _invalid(
            "redeemables[0].object", "must be voucher: gift cards and loyalty cards are redeemed here"
        )
    code = redeemable.id
    state = read_card(tenant_id, code)
    source_id = _customer_source_id(tenant_id, data)
    redemption_id = new_id()
    order = data.order
    order_id = (order.id or order.source_id) if order else None
    idempotency = (
        keys.idempotency_key(tenant_id, IDEMPOTENCY_OPERATION, idempotency_key) if idempotency_key else None
    )
    request_hash = _request_hash(data)
    planned: list[Change] = []

    def plan(state: CardState) -> Change:
        card = state.card
        now = format_timestamp(utc_now())
        _check_redeemable(card, now)
        units = _units(card, data)
        takes = plan_spend(card["type"], int(card.get("balance", 0)), state.buckets, units)
        details = {"redemption": {"id": REDEMPTION_PREFIX + redemption_id}}
        if order is not None:
            details["order"] = order.model_dump(include={"id", "source_id"}, exclude_none=True)
        transaction = new_transaction(
            card,
            kind="REDEMPTION",
            amount=-units,
            total=int(card.get("total", 0)),
            now=now,
            operation="AUTOMATIC",
            details=details,
        )
        redemption = _redemption_item(
            tenant_id,
            card,
            redemption_id=redemption_id,
            units=units,
            order_id=order_id or REDEMPTION_PREFIX + redemption_id,
            order=order.model_dump(exclude_none=True) if order else None,
            source_id=source_id,
            metadata=data.metadata,
            now=now,
            transaction=transaction,
            taken=[
                {"sk": t.bucket[keys.SK], "bucket": _bucket_identity(t.bucket), "points": t.points}
                for t in takes
            ],
        )
        extra = [Table().put_op(redemption, condition="attribute_not_exists(pk)")]
        # the keys the redemption export's metadata columns know (the idempotency record stays last)
        extra += _metadata_keys.add_ops(tenant_id, REDEMPTION, data.metadata or (), redemption_id)
        if source_id:
            extra.append(
                _customers.totals_op(
                    tenant_id,
                    derived_customer_id(tenant_id, source_id) or "",
                    source_id,
                    _CREATED,
                    now,
                    order=(order.amount, now) if order is not None and order.amount is not None else None,
                )
            )
        response = _response(tenant_id, redemption)
        if idempotency is not None:
            expires = int(time.time()) + get_settings().idempotency_hours * 3600
            extra.append(_redemptions.idempotency_put_op(idempotency, request_hash, response, expires, now))
        planned.append(
            Change(
                transaction,
                {"balance": transaction["balance"], "updatedAt": now},
                bucket_changes(tenant_id, takes, now),
                extra,
                result=response,
            )
        )
        return planned[-1]

    try:
        change = change_card(tenant_id, code, plan, state=state)
    except TransactionCancelled as cancelled:
        last = len(planned[-1].extra_operations) - 1 if planned else -1
        if idempotency is None or last < 0 or not cancelled.failed(extra_operation_index(planned[-1], last)):
            raise
        return _replay(_redemptions.table.get(idempotency, consistent=True) or {}, request_hash)
    except OffersError:
        # A retry whose spend no longer fits (the first one took the balance) answers the first.
        record = _redemptions.table.get(idempotency, consistent=True) if idempotency is not None else None
        if record is None:
            raise
        return _replay(record, request_hash)
    if data.metadata:
        _metadata_keys.remember(tenant_id, REDEMPTION, data.metadata)
    # Details sent with a source_id (name, email, ...) are kept, as Voucherify keeps them: an
    # idempotent upsert once the spend is in (its transaction made the customer if new).
    customer = data.customer
    if (
        customer is not None
        and customer.source_id
        and any(v is not None for n, v in customer if n != "source_id")
    ):
        upsert_customer(tenant_id, customer)
    return change.result


def _response(tenant_id: str, redemption: dict[str, Any]) -> dict[str, Any]:
    order = order_view(redemption)
    return {"redemptions": [redemption_view(tenant_id, redemption)], **({"order": order} if order else {})}


def _bucket_identity(bucket: Any) -> dict[str, Any]:
    """What a rollback needs to give points back to a bucket (even one used up meanwhile)."""
    return {
        name: bucket[name]
        for name in ("id", "code", "voucherId", "campaignId", "points", "expiresAt", "createdAt")
        if name in bucket
    }


def _redemption_item(
    tenant_id: str,
    card: dict[str, Any],
    *,
    redemption_id: str,
    units: int,
    order_id: str,
    order: dict[str, Any] | None,
    source_id: str | None,
    metadata: dict[str, Any] | None,
    now: str,
    transaction: dict[str, Any],
    taken: list[dict[str, Any]],
) -> dict[str, Any]:
    promotion_id = card.get("campaignId") or card["id"]
    index = keys.redemption_index_attributes(
        tenant_id,
        redemption_id=redemption_id,
        promotion_id=promotion_id,
        redeemed_at=now,
        user_id=source_id,
        coupon_code=card["code"],
        order_id=order_id,
        email=None,
        shards=get_settings().redemption_shards,
    )
    item = {
        **keys.redemption_key(tenant_id, redemption_id),
        "entity": "REDEMPTION",
        **index,
        "kind": CARD_KIND,
        "id": redemption_id,
        "orderId": order_id,
        "promotionId": promotion_id,
        "promotionName": card.get("campaignName") or "",
        "couponCode": card["code"],
        "userId": source_id,
        "redeemedAt": now,
        "status": "ACTIVE",
        "createdAt": now,
        "updatedAt": now,
        "usage": {},
        "cardType": card["type"],
        "voucherId": card["id"],
        "giftAmount" if card["type"] == GIFT_VOUCHER else "loyaltyPoints": units,
        "orderAmount": (order or {}).get("amount"),
        "order": order,
        "metadata": metadata,
        "transactionVersion": transaction["version"],
        "transactionId": transaction["id"],
        "takenFromBuckets": taken,
    }
    return {name: value for name, value in item.items() if value is not None}
