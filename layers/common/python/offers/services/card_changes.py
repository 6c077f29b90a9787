"""Every change of a card's balance goes through ``change_card``: read the card (and its active
buckets) with one Query, plan the change from exactly that version, write it with one
conditional transaction. A lost race hands back the card as it now is; the plan is made again
from that (a gift card needs no new read; a loyalty card re-reads its buckets), a bounded number
of times with jittered backoff, then 503 with Retry-After. Nothing is ever read-then-written
without the version condition, so a balance can't go below zero, even under concurrent spends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from offers.errors import NotFound, TemporarilyUnavailable
from offers.services.card_ledger import GIFT_VOUCHER
from offers.store.cards import CardChanged, CardState, CardStore
from offers.store.points_buckets import PointsBucketStore
from offers.store.retries import RETRY_AFTER_SECONDS, backoff_delay

_store = CardStore()
_buckets = PointsBucketStore()
# Racing writers of one card each get the card back from their lost race and try again; one of
# them wins every round, so N concurrent spends settle within N rounds. Past this, 503.
CHANGE_ATTEMPTS = 60


class VoucherNotFound(NotFound):
    resource_type = "voucher"

    def __init__(self, code: str):
        super().__init__(f"voucher {code} not found")
        self.resource_id = code


@dataclass
class Change:
    """What a planned change writes besides the card's version."""

    transaction: dict[str, Any]
    card_fields: dict[str, Any]
    bucket_operations: list[dict[str, Any]] = field(default_factory=list)
    extra_operations: list[dict[str, Any]] = field(default_factory=list)
    source_id: str | None = None
    result: Any = None  # whatever the caller wants back once it is written


Plan = Callable[[CardState], Change]


def read_card(tenant_id: str, code: str) -> CardState:
    state = _store.read_state(tenant_id, code)
    if state is None:
        raise VoucherNotFound(code)
    return state


def change_card(tenant_id: str, code: str, plan: Plan, *, state: CardState | None = None) -> Change:
    """Plan and write one change; raises what ``plan`` raises, ``SourceAlreadyUsed`` for a
    repeated source_id, and ``TransactionCancelled`` for a failed condition of the caller's own
    operations (their positions: after the card, the transaction, the marker, the buckets)."""
    state = state or read_card(tenant_id, code)
    for attempt in range(CHANGE_ATTEMPTS):
        change = plan(state)
        try:
            _store.write_change(
                tenant_id,
                state,
                change.transaction,
                card_fields=change.card_fields,
                bucket_operations=change.bucket_operations,
                source_id=change.source_id,
                extra_operations=change.extra_operations,
            )
            return change
        except CardChanged as lost:
            if lost.card is None:
                raise VoucherNotFound(code) from lost
            time.sleep(backoff_delay(min(attempt, 3)))
            if lost.card.get("type") == GIFT_VOUCHER:
                state = CardState(lost.card)
            else:
                state = read_card(tenant_id, code)  # its buckets may have moved too
    raise TemporarilyUnavailable(
        "this card is changing too often right now; retry shortly", retry_after=RETRY_AFTER_SECONDS
    )


def extra_operation_index(change: Change, position: int) -> int:
    """Where the ``position``-th of a change's extra operations sits in its transaction."""
    return 2 + (1 if change.source_id is not None else 0) + len(change.bucket_operations) + position


def bucket_changes(tenant_id: str, takes: Sequence[Any], now: str) -> list[dict[str, Any]]:
    return [_buckets.take_op(tenant_id, dict(take.bucket), take.remaining, now) for take in takes]
