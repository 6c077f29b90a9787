"""Gift cards and loyalty cards (Voucherify dialect): creating cards, reading them with their
balance, changing a balance by hand, listing a card's transactions and its points buckets.

Manual changes carry an optional ``source_id``: the first change made with it is recorded in
the card's partition in the same transaction, and the same ``source_id`` sent again for the same
card changes nothing and answers the first change's result (whatever amount the repeat names).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from offers.clock import format_timestamp, utc_now
from offers.errors import Conflict, InvalidInput, OffersError
from offers.models.cards import BalanceInput, VoucherInput
from offers.services import card_campaigns
from offers.services.card_changes import Change, VoucherNotFound, bucket_changes, change_card, read_card
from offers.services.card_ledger import (
    GIFT_VOUCHER,
    LOYALTY_CARD,
    new_transaction,
    plan_spend,
    rule_expiry,
    version_of_transaction_id,
)
from offers.services.card_views import bucket_view, transaction_view, voucher_view
from offers.services.voucherify_ids import voucher_id
from offers.store.cards import CardExists, CardState, CardStore, SourceAlreadyUsed
from offers.store.points_buckets import PointsBucketStore

_store = CardStore()
_buckets = PointsBucketStore()
CARD_TYPES = (GIFT_VOUCHER, LOYALTY_CARD)


def _invalid(path: str, message: str) -> InvalidInput:
    return InvalidInput.for_field(path, message, code="invalid_payload")


class CodeTaken(Conflict):
    code = "duplicate_found"


# -- creating ----------------------------------------------------------------------------------


def new_card(
    tenant_id: str,
    code: str,
    card_type: str,
    *,
    campaign: dict[str, Any] | None,
    initial: int,
    now: datetime,
    fields: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None, list[dict[str, Any]]]:
    """A card item, its opening transaction (when it starts with credits or points) and the
    bucket those points expire from (when its program has a rule)."""
    stamp = format_timestamp(now)
    card: dict[str, Any] = {
        "code": code,
        "id": voucher_id(tenant_id, code),
        "type": card_type,
        "balance": 0,
        "total": 0,
        "version": 0,
        "active": True,
        "createdAt": stamp,
        "updatedAt": stamp,
        **(fields or {}),
    }
    if campaign is not None:
        card["campaignId"], card["campaignName"] = campaign["id"], campaign["name"]
        rule = ((campaign.get("voucher") or {}).get("loyalty_card") or {}).get("expiration_rules")
        if rule:
            card["expirationRule"] = rule
    if initial <= 0:
        return card, None, []
    transaction = new_transaction(
        card, kind="ADDITION", amount=initial, total=initial, now=stamp, reason="initial balance"
    )
    buckets = []
    expiry = rule_expiry(card.get("expirationRule"), now) if card_type == LOYALTY_CARD else None
    if expiry is not None:
        buckets.append(_bucket(card, initial, format_timestamp(expiry), stamp))
    card.update(balance=initial, total=initial, version=1)
    return card, transaction, buckets


def _bucket(card: dict[str, Any], points: int, expires_at: str, now: str) -> dict[str, Any]:
    bucket = {
        "id": f"lpb_{secrets.token_hex(10)}",
        "code": card["code"],
        "voucherId": card["id"],
        "campaignId": card.get("campaignId"),
        "points": points,
        "remaining": points,
        "status": "ACTIVE",
        "expiresAt": expires_at,
        "createdAt": now,
        "updatedAt": now,
    }
    return {name: value for name, value in bucket.items() if value is not None}


def _card_type(data: VoucherInput, campaign: dict[str, Any] | None) -> str:
    wanted = data.type or (campaign or {}).get("voucherType")
    if wanted is None:
        wanted = GIFT_VOUCHER if data.gift else LOYALTY_CARD if data.loyalty_card else None
    if wanted not in CARD_TYPES:
        raise _invalid("type", "must be GIFT_VOUCHER or LOYALTY_CARD (discount vouchers are coupons)")
    if campaign is not None and campaign.get("voucherType") != wanted:
        raise _invalid("type", f"campaign {campaign['name']} makes {campaign['voucherType']} vouchers")
    return wanted


def create_voucher(tenant_id: str, data: VoucherInput, path_code: str | None = None) -> dict[str, Any]:
    """POST /v1/vouchers[/{code}]: a standalone card, or one more card of a campaign."""
    campaign = None
    if data.campaign_id or data.campaign:
        campaign = card_campaigns.find_campaign(tenant_id, data.campaign_id or data.campaign or "")
    card_type = _card_type(data, campaign)
    template = (campaign or {}).get("voucher") or {}
    if card_type == GIFT_VOUCHER:
        given = data.gift.amount if data.gift else None
        initial = given if given is not None else int((template.get("gift") or {}).get("amount") or 0)
    else:
        given = data.loyalty_card.points if data.loyalty_card else None
        initial = given if given is not None else int((template.get("loyalty_card") or {}).get("points") or 0)
    code = path_code or data.code
    if code is None:
        config = (
            data.code_config.model_dump(exclude_none=True)
            if data.code_config
            else template.get("code_config")
        )
        code = card_campaigns.make_code(config or {})
    fields: dict[str, Any] = {}
    for name, attribute in (("start_date", "startDate"), ("expiration_date", "expirationDate")):
        value = getattr(data, name)
        if value is not None:
            fields[attribute] = format_timestamp(value)
    if data.active is not None:
        fields["active"] = data.active
    if data.metadata is not None:
        fields["metadata"] = data.metadata
    if data.additional_info is not None:
        fields["additionalInfo"] = data.additional_info
    if card_type == LOYALTY_CARD and data.loyalty_card and data.loyalty_card.expiration_rules:
        fields["expirationRule"] = data.loyalty_card.expiration_rules.model_dump(exclude_none=True)
    card, transaction, buckets = new_card(
        tenant_id, code, card_type, campaign=campaign, initial=initial, now=utc_now(), fields=fields
    )
    try:
        _store.create(tenant_id, card, transaction, buckets)
    except CardExists:
        raise CodeTaken(f"a voucher with code {code} already exists") from None
    return voucher_view(CardState(card, buckets))


# -- reading -----------------------------------------------------------------------------------


def resolve_code(tenant_id: str, code_or_id: str) -> str:
    """The card's code from its code or its ``v_`` id (one GetItem, only for an id)."""
    if code_or_id.startswith("v_"):
        return _store.code_of_id(tenant_id, code_or_id) or code_or_id
    return code_or_id


def get_voucher(tenant_id: str, code: str) -> dict[str, Any]:
    return voucher_view(read_card(tenant_id, resolve_code(tenant_id, code)))


def list_transactions(
    tenant_id: str, code: str, *, limit: int, starting_after_id: str | None, oldest_first: bool
) -> dict[str, Any]:
    """GET /v1/vouchers/{code}/transactions: newest first unless ``order=created_at``. One Query;
    the card is read only when the page is empty (no card, or no transactions yet)."""
    code = resolve_code(tenant_id, code)
    after = None
    if starting_after_id:
        after = version_of_transaction_id(starting_after_id)
        if after is None:
            raise InvalidInput.for_field(
                "starting_after_id", "is not a transaction id of this card", code="invalid_query_params"
            )
    page = _store.transactions(
        tenant_id, code, limit=limit, after_version=after, newest_first=not oldest_first
    )
    if not page.items and _store.get_card(tenant_id, code) is None:
        raise VoucherNotFound(code)
    data = [transaction_view(item) for item in page.items]
    body: dict[str, Any] = {
        "object": "list",
        "data_ref": "data",
        "data": data,
        "has_more": page.last_key is not None,
    }
    if page.last_key is not None and data:
        body["more_starting_after"] = data[-1]["id"]
    return body


def list_points_expiration(
    tenant_id: str, campaign_id: str, member_id: str, *, limit: int = 10, page: int = 1
) -> dict[str, Any]:
    """GET /v1/loyalties/{campaignId}/members/{memberId}/points-expiration: the card's buckets,
    active ones first (soonest first), then expired ones; ``limit`` per ``page``, ``total`` all."""
    card = _loyalty_member(tenant_id, campaign_id, member_id)
    buckets = _store.buckets_of_card(tenant_id, card["code"])
    shown = buckets[(page - 1) * limit : page * limit]
    return {
        "object": "list",
        "data_ref": "data",
        "data": [bucket_view(b) for b in shown],
        "total": len(buckets),
    }


def _is_member(card: dict[str, Any], campaign: str | None) -> bool:
    """A loyalty card, of the program named by id or name (if one is named): checked on the card
    as read for the change, so the member routes need no read of their own."""
    if card.get("type") != LOYALTY_CARD:
        return False
    return campaign is None or campaign in (card.get("campaignId"), card.get("campaignName"))


def _loyalty_member(tenant_id: str, campaign_id: str | None, member_id: str) -> dict[str, Any]:
    """A loyalty card named as a program's member (its code); in that program when one is named."""
    card = _store.get_card(tenant_id, member_id)
    if card is None or card.get("type") != LOYALTY_CARD:
        raise VoucherNotFound(member_id)
    if campaign_id is not None:
        campaign = card_campaigns.find_campaign(tenant_id, campaign_id)
        if card.get("campaignId") != campaign["id"]:
            raise VoucherNotFound(member_id)
    return card


# -- manual balance changes --------------------------------------------------------------------


def _signed_units(card_type: str, data: BalanceInput, *, points_only: bool) -> int:
    if points_only or card_type == LOYALTY_CARD:
        given = {name: value for name in ("amount", "points") if (value := getattr(data, name)) is not None}
        if points_only:
            given.pop("amount", None)
        if len(given) != 1:
            raise _invalid(
                "points" if points_only else "amount", "is required: a signed whole number of points"
            )
        units = next(iter(given.values()))
    else:
        if data.points is not None:
            raise _invalid("points", "is for loyalty cards; a gift card's change is amount (in cents)")
        if data.amount is None:
            raise _invalid("amount", "is required: a signed whole number of cents")
        units = data.amount
    if units == 0:
        raise _invalid("points" if points_only else "amount", "must not be 0")
    return units


def _addition_expiry(card: dict[str, Any], data: BalanceInput, now: datetime) -> str | None:
    if card["type"] != LOYALTY_CARD or data.expiration_type == "NON_EXPIRING":
        return None
    if data.expiration_type == "CUSTOM_DATE" or data.expiration_date is not None:
        if data.expiration_date is None:
            raise _invalid("expiration_date", "is required when expiration_type is CUSTOM_DATE")
        if data.expiration_date <= now:
            raise _invalid("expiration_date", "must be in the future")
        return format_timestamp(data.expiration_date)
    expiry = rule_expiry(card.get("expirationRule"), now)
    return format_timestamp(expiry) if expiry is not None else None


def update_balance(
    tenant_id: str,
    code: str,
    data: BalanceInput,
    *,
    campaign_id: str | None = None,
    points_only: bool = False,
) -> dict[str, Any]:
    """Add (positive) or remove (negative) credits or points; answers the balance object."""
    code = resolve_code(tenant_id, code)

    def plan(state: CardState) -> Change:
        card = state.card
        if points_only and not _is_member(card, campaign_id):
            raise VoucherNotFound(code)
        units = _signed_units(card["type"], data, points_only=points_only)
        now = utc_now()
        stamp = format_timestamp(now)
        total = int(card.get("total", 0)) + units
        bucket_operations: list[dict[str, Any]] = []
        if units < 0:
            takes = plan_spend(card["type"], int(card.get("balance", 0)), state.buckets, -units)
            bucket_operations = bucket_changes(tenant_id, takes, stamp)
        else:
            expiry = _addition_expiry(card, data, now)
            if expiry is not None:
                bucket_operations = [_buckets.put_op(tenant_id, _bucket(card, units, expiry, stamp))]
        transaction = new_transaction(
            card,
            kind="ADDITION" if units > 0 else "REMOVAL",
            amount=units,
            total=total,
            now=stamp,
            source_id=data.source_id,
            reason=data.reason,
        )
        return Change(
            transaction,
            {"balance": transaction["balance"], "total": total, "updatedAt": stamp},
            bucket_operations,
            source_id=data.source_id,
        )

    try:
        change = change_card(tenant_id, code, plan)
    except SourceAlreadyUsed as repeated:  # the transaction met this source_id's marker
        return _first_result(tenant_id, code, repeated.marker)
    except OffersError:
        # A repeat whose amount no longer fits (a removal after the balance moved) still answers
        # the first result: the marker is read only on this failure path, never on the way in.
        marker = _store.source_marker(tenant_id, code, data.source_id) if data.source_id else None
        if marker is None:
            raise
        return _first_result(tenant_id, code, marker)
    return change.transaction["details"]["balance"]


def _first_result(tenant_id: str, code: str, marker: dict[str, Any]) -> dict[str, Any]:
    first = _store.get_transaction(tenant_id, code, int(marker["transactionVersion"]))
    if first is None:  # the marker and its transaction are written together: never apart
        raise VoucherNotFound(code)
    return first["details"]["balance"]
