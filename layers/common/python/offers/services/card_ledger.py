"""The card ledger's pure decisions: which points buckets a spend takes, when added points
expire under a program's rule, and what a transaction records. No storage, no HTTP.

Points that expire live in buckets (``remaining`` each); points that never expire are the
balance minus the buckets. A spend or a removal takes the oldest-expiring bucket first, then
the points that never expire, so what a customer loses to expiry is as little as it can be.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from offers.errors import OffersError

GIFT_VOUCHER = "GIFT_VOUCHER"
LOYALTY_CARD = "LOYALTY_CARD"
BALANCE_TYPES = {GIFT_VOUCHER: "gift_voucher", LOYALTY_CARD: "loyalty_card"}
UNIT_FIELDS = {GIFT_VOUCHER: "amount", LOYALTY_CARD: "points"}
# One transaction holds at most 100 operations; a change touches the card, its transaction,
# a source marker, a redemption and a customer besides its buckets.
MAX_BUCKETS_PER_CHANGE = 90


class NotEnoughBalance(OffersError):
    """A spend or a removal larger than what the card holds (nothing was written)."""

    code = "not_enough_balance"


class NotEnoughPoints(NotEnoughBalance):
    code = "not_enough_points"


class TooManyBuckets(OffersError):
    code = "too_many_buckets"


def shortfall(card_type: str, wanted: int, balance: int) -> NotEnoughBalance:
    if card_type == LOYALTY_CARD:
        return NotEnoughPoints(f"the loyalty card holds {balance} points; {wanted} were asked for")
    return NotEnoughBalance(f"the gift card's balance is {balance}; {wanted} were asked for")


@dataclass(frozen=True)
class Take:
    """Points taken from one bucket, and what it keeps."""

    bucket: Mapping[str, Any]
    points: int
    remaining: int


def plan_spend(card_type: str, balance: int, buckets: Sequence[Mapping[str, Any]], amount: int) -> list[Take]:
    """Take ``amount`` from a card: from ``buckets`` (active, any order) oldest-expiring first,
    then from the points that never expire. Refused when the balance doesn't cover it."""
    if amount > balance:
        raise shortfall(card_type, amount, balance)
    takes: list[Take] = []
    left = amount
    for bucket in sorted(buckets, key=lambda b: (b["expiresAt"], b["id"])):
        if left <= 0:
            break
        remaining = int(bucket.get("remaining", 0))
        taken = min(remaining, left)
        if taken <= 0:
            continue
        takes.append(Take(bucket, taken, remaining - taken))
        left -= taken
    if len(takes) > MAX_BUCKETS_PER_CHANGE:
        raise TooManyBuckets(
            f"this change would take points from {len(takes)} expiry buckets; at most "
            f"{MAX_BUCKETS_PER_CHANGE} per change: split it into smaller ones"
        )
    return takes


def due_buckets(buckets: Sequence[Mapping[str, Any]], now: str) -> list[Mapping[str, Any]]:
    """The active buckets whose expiry has come by ``now`` (ISO text), with points left."""
    return [b for b in buckets if b["expiresAt"] <= now and int(b.get("remaining", 0)) > 0]


def next_expiration(buckets: Sequence[Mapping[str, Any]], now: str) -> tuple[str | None, int]:
    """The earliest expiry still to come among buckets with points, and the points it takes."""
    upcoming = [b for b in buckets if b["expiresAt"] > now and int(b.get("remaining", 0)) > 0]
    if not upcoming:
        return None, 0
    first = min(b["expiresAt"] for b in upcoming)
    return first, sum(int(b["remaining"]) for b in upcoming if b["expiresAt"] == first)


# -- expiry under a program's rule ---------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _end_of_month(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _round_up(day: date, rounding_type: str | None, rounding_value: int | None) -> date:
    if rounding_type == "END_OF_MONTH":
        return _end_of_month(day)
    if rounding_type in ("END_OF_QUARTER", "END_OF_HALF_YEAR", "END_OF_YEAR"):
        span = {"END_OF_QUARTER": 3, "END_OF_HALF_YEAR": 6, "END_OF_YEAR": 12}[rounding_type]
        last_month = ((day.month - 1) // span + 1) * span
        return _end_of_month(date(day.year, last_month, 1))
    if rounding_type == "PARTICULAR_MONTH" and rounding_value:
        year = day.year if day.month <= rounding_value else day.year + 1
        return _end_of_month(date(year, rounding_value, 1))
    return day


def rule_expiry(rule: Mapping[str, Any] | None, now: datetime) -> datetime | None:
    """When points added at ``now`` expire under a loyalty program's ``expiration_rules``:
    the end (UTC) of the day the rule names; None when the program has no rule."""
    if not rule:
        return None
    today = now.astimezone(UTC).date()
    if rule.get("period_type") == "FIXED_DAY_OF_YEAR":
        month, day = int(rule.get("fixed_month") or 12), int(rule.get("fixed_day") or 31)
        candidate = date(today.year, month, min(day, calendar.monthrange(today.year, month)[1]))
        if candidate <= today:
            candidate = date(today.year + 1, month, min(day, calendar.monthrange(today.year + 1, month)[1]))
        last_day = candidate
    else:
        last_day = _round_up(
            _add_months(today, int(rule.get("period_value") or 1)),
            rule.get("rounding_type"),
            rule.get("rounding_value"),
        )
    return datetime.combine(last_day, time(23, 59, 59, 999000), UTC)


# -- what a transaction records ------------------------------------------------------------------


def transaction_id(version: int) -> str:
    """``vtx_`` + the ledger position as 8 hex + 12 random hex: unique, sorted like the card's
    ledger, and it finds its place in it (``starting_after_id``) without a lookup."""
    return f"vtx_{version:08x}{secrets.token_hex(6)}"


def version_of_transaction_id(transaction_id: str) -> int | None:
    if not transaction_id.startswith("vtx_") or len(transaction_id) != 24:
        return None
    try:
        return int(transaction_id[4:12], 16)
    except ValueError:
        return None


def balance_details(
    card: Mapping[str, Any], amount: int, balance: int, total: int, operation: str
) -> dict[str, Any]:
    """Voucherify's ``details.balance`` (also the balance endpoints' answer)."""
    card_type = card["type"]
    return {
        "type": BALANCE_TYPES[card_type],
        "total": total,
        "object": "balance",
        UNIT_FIELDS[card_type]: amount,
        "balance": balance,
        "operation_type": operation,
        "related_object": {"id": card["id"], "type": "voucher"},
    }


def new_transaction(
    card: Mapping[str, Any],
    *,
    kind: str,
    amount: int,
    total: int,
    now: str,
    operation: str = "MANUAL",
    source_id: str | None = None,
    reason: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ledger entry moving ``card`` (as read) by ``amount`` to its next version."""
    version = int(card.get("version", 0)) + 1
    balance = int(card.get("balance", 0)) + amount
    prefix = "CREDITS_" if card["type"] == GIFT_VOUCHER else "POINTS_"
    transaction = {
        "id": transaction_id(version),
        "code": card["code"],
        "voucherId": card["id"],
        "campaignId": card.get("campaignId"),
        "campaignName": card.get("campaignName"),
        "cardType": card["type"],
        "version": version,
        "type": prefix + kind,
        "amount": amount,
        "balance": balance,
        "total": total,
        "sourceId": source_id,
        "source": "API" if operation == "MANUAL" else None,
        "reason": reason,
        "details": {"balance": balance_details(card, amount, balance, total, operation), **(details or {})},
        "createdAt": now,
    }
    return {name: value for name, value in transaction.items() if value is not None}
