"""Redemptions: recording an order's use of a promotion or code, keeping every limit true.

POST costs two round trips: one BatchGetItem (promotion, code, idempotency record) and one
TransactWriteItems holding the redemption, one conditional counter per limit in force, the
code's uses and the idempotency record. The conditions *are* the limits, so concurrent or
retried requests can never take more uses than allowed; whichever condition fails names
the refusal. Nothing is read and then written unconditionally.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from offers.clock import format_timestamp, utc_now
from offers.errors import Conflict, InvalidInput, LimitReached, NotFound, OffersError, Unprocessable
from offers.ids import new_id
from offers.models.coupons import CodeStatus
from offers.models.promotions import LimitType, PromotionRecord, PromotionStatus, promotion_status
from offers.models.redemptions import (
    BatchError,
    Redemption,
    RedemptionBatchResult,
    RedemptionBatchUpdate,
    RedemptionDeleted,
    RedemptionFilters,
    RedemptionInput,
    RedemptionRecord,
    RedemptionStatus,
    Usage,
)
from offers.services.voucherify_ids import customer_id
from offers.settings import get_settings
from offers.store import keys
from offers.store.customers import CustomerStore
from offers.store.metadata_keys import REDEMPTION, MetadataKeyStore
from offers.store.redemptions import RedemptionContext, RedemptionStore
from offers.store.table import Page, Table, TransactionCancelled

_store = RedemptionStore()
_customers = CustomerStore()
_metadata_keys = MetadataKeyStore()
_FUTURE_SKEW = timedelta(minutes=5)
_ATTEMPTS = 4  # a code's last use is raced optimistically; a lost race re-reads and retries
IDEMPOTENCY_OPERATION = "create-redemption"


class RedemptionNotFound(NotFound):
    def __init__(self, redemption_id: str):
        super().__init__(f"redemption {redemption_id} not found")


@dataclass
class Created:
    redemption: Redemption
    replayed: bool  # True when this is the stored first answer to an idempotent retry


def _request_hash(data: RedemptionInput) -> str:
    canonical = json.dumps(data.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _customer_totals_op(
    tenant_id: str, user_id: str | None, email: str | None, changes: dict[str, int], stamp: str
) -> dict[str, Any] | None:
    """The redemption's customer (source_id = userId, else the email): created if the tenant
    doesn't know it yet, its redemptions_total_* moved, in the redemption's own transaction.
    redeemed/succeeded count the customer's redemptions; rolled_back/rollback_succeeded the
    INACTIVE ones among them."""
    source_id = user_id or email
    if not source_id:
        return None
    return _customers.totals_op(tenant_id, customer_id(tenant_id, source_id), source_id, changes, stamp)


_CREATED = {"redeemed": 1, "succeeded": 1}
_DEACTIVATED = {"rolled_back": 1, "rollback_succeeded": 1}


def _customer(data: RedemptionInput) -> str | None:
    """Who per-customer limits count: the userId, else the email (case-insensitive)."""
    if data.user_id:
        return data.user_id
    return f"email:{data.email.casefold()}" if data.email else None


# -- creating -------------------------------------------------------------------------------------


def redeem(tenant_id: str, data: RedemptionInput, idempotency_key: str | None) -> Created:
    now = utc_now()
    redeemed_at = data.redeemed_at or now
    if redeemed_at > now + _FUTURE_SKEW:
        raise InvalidInput.for_field("redeemedAt", "is in the future")
    request_hash = _request_hash(data)
    idempotency = (
        keys.idempotency_key(tenant_id, IDEMPOTENCY_OPERATION, idempotency_key) if idempotency_key else None
    )
    for attempt in range(_ATTEMPTS):
        context = _store.read_context(tenant_id, data.promotion_id, data.coupon_code, idempotency)
        if context.idempotency is not None:
            return _replay(context.idempotency, request_hash)
        plan = _plan(
            tenant_id,
            data,
            context,
            redeemed_at=redeemed_at,
            now=now,
            request_hash=request_hash,
            idempotency=idempotency,
        )
        try:
            Table().transact_write(plan.operations)
        except TransactionCancelled as cancelled:
            if idempotency is not None and cancelled.failed(plan.idempotency_index):
                continue  # a concurrent twin won: the next read replays its answer
            _raise_refusal(cancelled, plan, last_attempt=attempt == _ATTEMPTS - 1)
            continue
        if data.additional_attributes:
            _metadata_keys.remember(tenant_id, REDEMPTION, (a.name for a in data.additional_attributes))
        return Created(plan.view, replayed=False)
    raise Conflict("the coupon code is being redeemed concurrently; retry", code="CONCURRENT_REDEMPTION")


def _replay(record: dict[str, Any], request_hash: str) -> Created:
    if record["requestHash"] != request_hash:
        raise Unprocessable(
            "this idempotency key was used with a different request body", code="IDEMPOTENCY_KEY_REUSED"
        )
    return Created(Redemption.model_validate(record["response"]), replayed=True)


@dataclass
class _Plan:
    operations: list[dict[str, Any]]
    view: Redemption
    refusals: dict[int, OffersError]  # operation index -> what its failed condition means
    idempotency_index: int
    code_index: int | None


def _plan(
    tenant_id: str,
    data: RedemptionInput,
    context: RedemptionContext,
    *,
    redeemed_at: datetime,
    now: datetime,
    request_hash: str,
    idempotency: keys.Key | None,
) -> _Plan:
    promotion = _redeemable_promotion(data, context.promotion, redeemed_at)
    customer = _customer(data)
    stamp = format_timestamp(now)
    usage = Usage(order=True)
    operations: list[dict[str, Any]] = []
    refusals: dict[int, OffersError] = {}
    code_index = None

    def add(operation: dict[str, Any], refusal: OffersError | None = None) -> int:
        operations.append(operation)
        if refusal is not None:
            refusals[len(operations) - 1] = refusal
        return len(operations) - 1

    if data.coupon_code:
        code = _usable_code(data, promotion, context, customer)
        code_limit = promotion.limit_of(LimitType.CODE)
        used_up = LimitReached(f"coupon code {code.code} is used up", code="COUPON_CODE_USED_UP")
        if code_limit is None:
            code_index = add(_store.code_check_op(tenant_id, code, data.user_id), used_up)
        else:
            code_index = add(_store.code_take_op(tenant_id, code, data.user_id, code_limit, stamp), used_up)
            usage.code = code.code
        if code.generation_id:
            add(
                _store.coupon_not_pending_op(tenant_id, promotion.id, code.generation_id),
                NotFound(f"coupon code {code.code} not found", code="COUPON_CODE_NOT_FOUND"),
            )
    site_limit = promotion.limit_of(LimitType.SITE_WIDE)
    if site_limit is not None:
        add(
            _store.counter_take_op(keys.site_usage_key(tenant_id, promotion.id), site_limit, stamp),
            LimitReached(
                f"promotion {promotion.id} has reached its site-wide limit", code="SITE_WIDE_LIMIT_REACHED"
            ),
        )
        usage.site = True
    customer_limit = promotion.limit_of(LimitType.CUSTOMER)
    if customer_limit is not None:
        if customer is None:
            raise InvalidInput.for_field("userId", "is required: this promotion limits uses per customer")
        add(
            _store.counter_take_op(
                keys.customer_usage_key(tenant_id, promotion.id, customer), customer_limit, stamp
            ),
            LimitReached("this customer has used up this promotion", code="CUSTOMER_LIMIT_REACHED"),
        )
        usage.customer = customer
    order_limit = promotion.limit_of(LimitType.ORDER) or 1
    add(
        _store.counter_take_op(
            keys.order_usage_key(tenant_id, promotion.id, data.order_id), order_limit, stamp
        ),
        Conflict(f"order {data.order_id} has already redeemed this promotion", code="ALREADY_REDEEMED"),
    )
    record = RedemptionRecord(
        id=new_id(),
        order_id=data.order_id,
        promotion_id=promotion.id,
        promotion_name=promotion.name,
        promotion_additional_attributes=promotion.additional_attributes,
        coupon_code=data.coupon_code,
        email=data.email,
        user_id=data.user_id,
        store_id=data.store_id,
        redeemed_at=redeemed_at,
        additional_attributes=data.additional_attributes,
        created_at=now,
        updated_at=now,
        usage=usage,
    )
    view = Redemption.of(record)
    add(_store.put_op(tenant_id, record))
    if record.additional_attributes:  # the keys its metadata columns and filters know
        names = [attribute.name for attribute in record.additional_attributes]
        for operation in _metadata_keys.add_ops(tenant_id, REDEMPTION, names, record.id):
            add(operation)
    totals = _customer_totals_op(tenant_id, data.user_id, data.email, _CREATED, stamp)
    if totals is not None:
        add(totals)
    idempotency_index = -1
    if idempotency is not None:
        expires = int(time.time()) + get_settings().idempotency_hours * 3600
        response = view.model_dump(mode="json", by_alias=True)
        idempotency_index = add(
            _store.idempotency_put_op(idempotency, request_hash, response, expires, stamp)
        )
    return _Plan(operations, view, refusals, idempotency_index, code_index)


def _redeemable_promotion(
    data: RedemptionInput, promotion: PromotionRecord | None, redeemed_at: datetime
) -> PromotionRecord:
    if promotion is None:
        raise NotFound(f"promotion {data.promotion_id} not found", code="PROMOTION_NOT_FOUND")
    status = promotion_status(promotion, redeemed_at)
    if status != PromotionStatus.ACTIVE:
        raise Unprocessable(
            f"promotion {promotion.id} is not active at {format_timestamp(redeemed_at)}"
            f" (it is {status.value})",
            code="PROMOTION_NOT_ACTIVE",
        )
    if not promotion.is_implicit and not data.coupon_code:
        raise InvalidInput.for_field(
            "couponCode", "is required: this promotion is a coupon", code="COUPON_CODE_REQUIRED"
        )
    if promotion.is_implicit and data.coupon_code:
        raise InvalidInput.for_field(
            "couponCode", "this promotion is applied without a code", code="COUPON_CODE_NOT_APPLICABLE"
        )
    return promotion


def _usable_code(
    data: RedemptionInput, promotion: PromotionRecord, context: RedemptionContext, customer: str | None
):
    code = context.code
    if code is None or (code.generation_id and code.generation_id in context.pending_generations):
        raise NotFound(f"coupon code {data.coupon_code} not found", code="COUPON_CODE_NOT_FOUND")
    if code.promotion_id != promotion.id:
        raise Unprocessable(
            f"coupon code {code.code} belongs to another promotion", code="COUPON_CODE_OTHER_PROMOTION"
        )
    if code.user_id is not None and code.user_id != data.user_id:
        raise Unprocessable(
            f"coupon code {code.code} is assigned to another customer", code="COUPON_CODE_ASSIGNED_ELSEWHERE"
        )
    if code.status == CodeStatus.INACTIVE:
        raise Unprocessable(f"coupon code {code.code} is inactive", code="COUPON_CODE_INACTIVE")
    code_limit = promotion.limit_of(LimitType.CODE)
    if code.status == CodeStatus.REDEEMED or (code_limit is not None and code.uses >= code_limit):
        raise LimitReached(f"coupon code {code.code} is used up", code="COUPON_CODE_USED_UP")
    return code


def _raise_refusal(cancelled: TransactionCancelled, plan: _Plan, *, last_attempt: bool) -> None:
    """Turn the first failed condition into its named error; a lost race on the code retries."""
    failed = [i for i, _ in enumerate(cancelled.reasons) if cancelled.failed(i)]
    if not failed:
        raise cancelled  # throttling or a conflicting transaction: not a refusal, let it surface
    if failed == [plan.code_index] and not last_attempt:
        return  # the code changed since it was read: read again and decide afresh
    raise plan.refusals.get(failed[0]) or Conflict("the redemption clashed with a concurrent change; retry")


# -- reading --------------------------------------------------------------------------------------


def get_redemption(tenant_id: str, redemption_id: str) -> Redemption:
    record = _store.get(tenant_id, redemption_id)
    if record is None:
        raise RedemptionNotFound(redemption_id)
    return Redemption.of(record)


def list_redemptions(
    tenant_id: str, filters: RedemptionFilters, size: int, start_key: dict[str, Any] | None
) -> Page:
    if filters.redeemed_from and filters.redeemed_before and filters.redeemed_before <= filters.redeemed_from:
        raise InvalidInput.for_field("redeemedAtTo", "must be after redeemedAtFrom")
    page = _store.list_page(tenant_id, filters, size, start_key)
    return Page([Redemption.of(record) for record in page.items], page.last_key)


# -- changing status, deleting ----------------------------------------------------------------------


def _release_operations(tenant_id: str, record: RedemptionRecord, stamp: str) -> list[dict[str, Any]]:
    usage, operations = record.usage, []
    if usage.code:
        operations.append(_store.code_release_op(tenant_id, usage.code, stamp))
    if usage.site:
        operations.append(
            _store.counter_release_op(keys.site_usage_key(tenant_id, record.promotion_id), stamp)
        )
    if usage.customer:
        key = keys.customer_usage_key(tenant_id, record.promotion_id, usage.customer)
        operations.append(_store.counter_release_op(key, stamp))
    if usage.order:
        key = keys.order_usage_key(tenant_id, record.promotion_id, record.order_id)
        operations.append(_store.counter_release_op(key, stamp))
    return operations


def _retake_plan(tenant_id: str, record: RedemptionRecord, stamp: str) -> tuple[list[dict[str, Any]], dict]:
    """Take again the uses a deactivated redemption gave back, under today's limits."""
    context = _store.read_context(tenant_id, record.promotion_id, record.usage.code, None)
    if context.promotion is None:
        raise Unprocessable(f"promotion {record.promotion_id} no longer exists", code="PROMOTION_NOT_FOUND")
    promotion, usage = context.promotion, record.usage
    operations: list[dict[str, Any]] = []
    refusals: dict[int, OffersError] = {}

    def add(operation: dict[str, Any], refusal: OffersError) -> None:
        refusals[len(operations)] = refusal
        operations.append(operation)

    if usage.code and context.code is not None:
        limit = promotion.limit_of(LimitType.CODE)
        code = context.code
        if limit is not None and (code.uses >= limit or code.status != CodeStatus.ACTIVE):
            raise LimitReached(f"coupon code {code.code} is used up", code="COUPON_CODE_USED_UP")
        if limit is not None:
            add(
                _store.code_take_op(tenant_id, code, record.user_id, limit, stamp),
                LimitReached(f"coupon code {code.code} is used up", code="COUPON_CODE_USED_UP"),
            )
    if usage.site:
        add(
            _store.counter_take_op(
                keys.site_usage_key(tenant_id, promotion.id), promotion.limit_of(LimitType.SITE_WIDE), stamp
            ),
            LimitReached(
                f"promotion {promotion.id} has reached its site-wide limit", code="SITE_WIDE_LIMIT_REACHED"
            ),
        )
    if usage.customer:
        add(
            _store.counter_take_op(
                keys.customer_usage_key(tenant_id, promotion.id, usage.customer),
                promotion.limit_of(LimitType.CUSTOMER),
                stamp,
            ),
            LimitReached("this customer has used up this promotion", code="CUSTOMER_LIMIT_REACHED"),
        )
    if usage.order:
        add(
            _store.counter_take_op(
                keys.order_usage_key(tenant_id, promotion.id, record.order_id),
                promotion.limit_of(LimitType.ORDER) or 1,
                stamp,
            ),
            Conflict(f"order {record.order_id} has already redeemed this promotion", code="ALREADY_REDEEMED"),
        )
    return operations, refusals


def _refuse_card_redemption(record: RedemptionRecord) -> None:
    """A card spend moved its card's ledger: only its rollback (which refunds the card) undoes it."""
    if record.kind == "CARD":
        raise Conflict(
            f"redemption {record.id} spent a gift or loyalty card: roll it back with "
            f"POST /v1/redemptions/r_{record.id}/rollback",
            code="CARD_REDEMPTION",
        )


def set_status(tenant_id: str, redemption_id: str, status: RedemptionStatus) -> Redemption:
    """ACTIVE -> INACTIVE gives every counted use back; INACTIVE -> ACTIVE takes them again
    (refused if a limit has been reached meanwhile). Both atomically with the status."""
    record = _store.get(tenant_id, redemption_id)
    if record is None:
        raise RedemptionNotFound(redemption_id)
    _refuse_card_redemption(record)
    if record.status == status:
        return Redemption.of(record)
    now = utc_now()
    stamp = format_timestamp(now)
    change = _store.status_change_op(tenant_id, redemption_id, record.status, status, stamp)
    if status == RedemptionStatus.INACTIVE:
        operations, refusals = [change, *_release_operations(tenant_id, record, stamp)], {}
    else:
        takes, take_refusals = _retake_plan(tenant_id, record, stamp)
        operations = [change, *takes]
        refusals = {index + 1: refusal for index, refusal in take_refusals.items()}
    deactivating = status == RedemptionStatus.INACTIVE
    changes = {total: 1 if deactivating else -1 for total in _DEACTIVATED}
    totals = _customer_totals_op(tenant_id, record.user_id, record.email, changes, stamp)
    if totals is not None:
        operations.append(totals)
    try:
        Table().transact_write(operations)
    except TransactionCancelled as cancelled:
        failed = [i for i, _ in enumerate(cancelled.reasons) if cancelled.failed(i)]
        if not failed:
            raise
        if failed[0] == 0:
            raise Conflict(
                f"redemption {redemption_id} changed meanwhile; retry", code="CONCURRENT_UPDATE"
            ) from None
        raise refusals.get(failed[0], Conflict("a limit changed meanwhile; retry")) from None
    record.status, record.updated_at = status, now
    return Redemption.of(record)


def delete_redemption(tenant_id: str, redemption_id: str) -> RedemptionDeleted:
    """Delete; an active redemption's uses are given back in the same transaction."""
    record = _store.get(tenant_id, redemption_id)
    if record is None:
        raise RedemptionNotFound(redemption_id)
    _refuse_card_redemption(record)
    stamp = format_timestamp(utc_now())
    operations = [_store.delete_op(tenant_id, redemption_id, record.status)]
    if record.status == RedemptionStatus.ACTIVE:
        operations += _release_operations(tenant_id, record, stamp)
    changes = {total: -1 for total in _CREATED}
    if record.status == RedemptionStatus.INACTIVE:
        changes.update({total: -1 for total in _DEACTIVATED})
    totals = _customer_totals_op(tenant_id, record.user_id, record.email, changes, stamp)
    if totals is not None:
        operations.append(totals)
    try:
        Table().transact_write(operations)
    except TransactionCancelled as cancelled:
        if cancelled.failed(0):
            raise Conflict(
                f"redemption {redemption_id} changed meanwhile; retry", code="CONCURRENT_UPDATE"
            ) from None
        raise
    return RedemptionDeleted(id=redemption_id, is_deleted=True)


def update_batch(tenant_id: str, batch: RedemptionBatchUpdate) -> RedemptionBatchResult:
    """Each item on its own: one failing never stops the others."""
    seen: set[str] = set()
    data, errors = [], []
    for item in batch.data:
        if item.id in seen:
            errors.append(
                BatchError(id=item.id, type="DUPLICATE_ID", message="the id appears twice in this batch")
            )
            continue
        seen.add(item.id)
        try:
            data.append(set_status(tenant_id, item.id, item.status))
        except OffersError as error:
            errors.append(BatchError(id=item.id, type=error.code, message=error.message))
    return RedemptionBatchResult(data=data, errors=errors)
