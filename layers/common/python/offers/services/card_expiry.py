"""Points expiry: the scheduled job (an EventBridge rule; locally the server runs it on a timer).

It reads the expiry queue (every tenant's active buckets, by expiry: store/cards.py) up to
``now`` and expires each due bucket as one card change: a POINTS_EXPIRATION transaction takes
the bucket's remaining points off the balance, and the bucket becomes an expired record, in the
same transaction and under the same version condition as spends. A spend that races it either
went first (the bucket has fewer points left, and the expiry takes only those) or goes after
(the points are gone): never negative, never counted twice. A bucket already expired by an
earlier or concurrent run is skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from offers.clock import format_timestamp, parse_timestamp, utc_now
from offers.observability import logger
from offers.services.card_changes import Change, VoucherNotFound, change_card, read_card
from offers.services.card_ledger import due_buckets, new_transaction
from offers.store import keys
from offers.store.cards import CardState
from offers.store.points_buckets import PointsBucketStore

_buckets = PointsBucketStore()
QUEUE_PAGE = 100


class _NothingDue(Exception):
    """The bucket was expired (or spent) by someone else meanwhile."""


def expire_bucket(tenant_id: str, code: str, bucket_sort: str, now: datetime) -> int | None:
    """Expire one bucket of one card (by its sort key): the points that left, or None when it
    was no longer there or not due (an earlier or concurrent run took it)."""
    stamp = format_timestamp(now)

    def plan(state: CardState) -> Change:
        bucket = next((b for b in state.buckets if b[keys.SK] == bucket_sort), None)
        if bucket is None or not due_buckets([bucket], stamp):
            raise _NothingDue
        card = state.card
        points = min(int(bucket["remaining"]), int(card.get("balance", 0)))
        transaction = new_transaction(
            card,
            kind="EXPIRATION",
            amount=-points,
            total=int(card.get("total", 0)),
            now=format_timestamp(utc_now()),
            operation="AUTOMATIC",
        )
        operations = _buckets.expire_ops(tenant_id, bucket, transaction["version"], transaction["createdAt"])
        return Change(
            transaction,
            {"balance": transaction["balance"], "updatedAt": transaction["createdAt"]},
            operations,
        )

    try:
        change = change_card(tenant_id, code, plan, state=read_card(tenant_id, code))
    except (_NothingDue, VoucherNotFound):
        return None
    return -int(change.transaction["amount"])


def run_expiry(now: datetime | None = None, *, max_buckets: int = 10_000) -> dict[str, Any]:
    """Expire every bucket due by ``now`` (default: the current time), shard by shard, at most
    ``max_buckets`` per run (the next run goes on). Tests and the local trigger may pass a later
    ``now`` to see expiry without waiting."""
    moment = now or utc_now()
    before = format_timestamp(moment) + "\uffff"  # every entry expiring at or before the moment
    expired = points = 0
    for shard in range(keys.CARD_SHARDS):
        start_key = None
        while expired < max_buckets:
            page = _buckets.expiring_buckets(shard, before, limit=QUEUE_PAGE, start_key=start_key)
            for entry in page.items:
                left = expire_bucket(entry["tenantId"], entry["code"], entry[keys.SK], moment)
                if left is not None:
                    expired, points = expired + 1, points + left
            if page.last_key is None:
                break
            start_key = page.last_key
    logger.info("points expiry run", buckets=expired, points=points, now=format_timestamp(moment))
    return {"expiredBuckets": expired, "expiredPoints": points, "now": format_timestamp(moment)}


def event_time(event: dict[str, Any]) -> datetime | None:
    """The scheduled event's ``time`` (EventBridge sends the time it fired for); None: now."""
    raw = event.get("time") if isinstance(event, dict) else None
    if not isinstance(raw, str):
        return None
    try:
        return parse_timestamp(raw)
    except ValueError:
        return None
