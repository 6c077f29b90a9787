"""Rolling a card spend back (``POST /v1/redemptions/{id}/rollback``): ONE card change that
refunds the spend (CREDITS_REFUND / POINTS_REFUND; points go back to the buckets they came from),
sets the redemption INACTIVE under ``status = ACTIVE`` and moves the customer's totals. A second
rollback, even one racing the first, is refused: exactly one refund per spend.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from offers.clock import format_timestamp, utc_now
from offers.errors import Conflict, InvalidInput, NotFound
from offers.ids import is_id, new_id
from offers.models.cards import RollbackInput
from offers.services.card_changes import Change, change_card, extra_operation_index
from offers.services.card_ledger import new_transaction
from offers.services.card_redemption_views import REDEMPTION_PREFIX, rollback_view
from offers.services.card_redemptions import CARD_KIND
from offers.services.voucherify_ids import customer_id as derived_customer_id
from offers.store import keys
from offers.store.cards import CardState
from offers.store.customers import CustomerStore
from offers.store.points_buckets import PointsBucketStore
from offers.store.table import Table, TransactionCancelled

_buckets = PointsBucketStore()
_customers = CustomerStore()
ROLLBACK_PREFIX = "rr_"
_ROLLED_BACK = {"rolled_back": 1, "rollback_succeeded": 1}


def _invalid(path: str, message: str) -> InvalidInput:
    return InvalidInput.for_field(path, message, code="invalid_payload")


class RedemptionNotFound(NotFound):
    resource_type = "redemption"

    def __init__(self, redemption_id: str):
        super().__init__(f"redemption {redemption_id} not found")
        self.resource_id = redemption_id


class AlreadyRolledBack(Conflict):
    code = "already_rolled_back"


def rollback(tenant_id: str, redemption_id: str, data: RollbackInput) -> dict[str, Any]:
    stored_id = redemption_id.removeprefix(REDEMPTION_PREFIX)
    item = (
        Table().get(keys.redemption_key(tenant_id, stored_id), consistent=True) if is_id(stored_id) else None
    )
    if item is None or item.get("kind") != CARD_KIND:
        raise RedemptionNotFound(redemption_id)
    if item.get("status") != "ACTIVE":
        raise AlreadyRolledBack(f"redemption {redemption_id} was rolled back already")
    rollback_id = f"{ROLLBACK_PREFIX}{new_id()}"
    units = int(item.get("giftAmount") or item.get("loyaltyPoints") or 0)

    planned: list[Change] = []

    def plan(state: CardState) -> Change:
        card = state.card
        now = format_timestamp(utc_now())
        details: dict[str, Any] = {
            "redemption": {"id": REDEMPTION_PREFIX + stored_id},
            "rollback": {"id": rollback_id},
        }
        if item.get("order"):
            details["order"] = {k: v for k, v in item["order"].items() if k in ("id", "source_id")}
        transaction = new_transaction(
            card,
            kind="REFUND",
            amount=units,
            total=int(card.get("total", 0)),
            now=now,
            operation="AUTOMATIC",
            details=details,
        )
        buckets = [
            _buckets.give_back_op(tenant_id, taken["bucket"], int(taken["points"]), now)
            for taken in item.get("takenFromBuckets") or []
        ]
        extra = [
            Table().update_op(
                keys.redemption_key(tenant_id, stored_id),
                "SET #status = :inactive, updatedAt = :now, rolledBackAt = :now, "
                "rollbackId = :rollback, rollbackReason = :reason",
                condition="#status = :active",
                names={"#status": "status"},
                values={
                    ":inactive": "INACTIVE",
                    ":active": "ACTIVE",
                    ":now": now,
                    ":rollback": rollback_id,
                    ":reason": data.reason or "",
                },
            )
        ]
        if item.get("userId"):
            source_id = item["userId"]
            extra.append(
                _customers.totals_op(
                    tenant_id, derived_customer_id(tenant_id, source_id) or "", source_id, _ROLLED_BACK, now
                )
            )
        planned.append(
            Change(transaction, {"balance": transaction["balance"], "updatedAt": now}, buckets, extra)
        )
        return planned[-1]

    try:
        change = change_card(tenant_id, item["couponCode"], plan)
    except TransactionCancelled as error:
        if planned and error.failed(extra_operation_index(planned[-1], 0)):
            raise AlreadyRolledBack(f"redemption {redemption_id} was rolled back already") from error
        raise
    return rollback_view(tenant_id, item, rollback_id, change.transaction, data.reason)


def rollback_input(body: Any, query: dict[str, str]) -> RollbackInput:
    """The rollback's options: ``reason`` and ``tracking_id`` from the query (as the SDK sends
    them) or the body, the body's customer, order and metadata."""
    if not isinstance(body, dict):
        raise _invalid("body", "must be a JSON object")
    fields = {**body}
    for name in ("reason", "tracking_id"):
        if query.get(name):
            fields[name] = query[name]
    try:
        return RollbackInput.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise _invalid(where, first["msg"].removeprefix("Value error, ")) from None
