"""Coupons: promotions applied by code, their codes, code generation and code lists.

Codes are unique per tenant because each is a conditional put; nothing reads first. Writing
many codes can't be one transaction (100 items at most), so codes are written in batches
while the coupon lists the writing job in ``pendingGenerations``: until the job completes
its codes are unusable (redemptions check the set they read with the coupon anyway), and
if a code turns out to be taken the job deletes what it wrote and the request fails with
409, leaving nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import islice

from offers.clock import format_timestamp, utc_now
from offers.errors import InvalidInput, NotFound
from offers.ids import new_id
from offers.models.coupons import (
    CodeGeneration,
    CodeGenerationRequest,
    CodeGenerationSpec,
    CouponCodeRecord,
    CouponCodeView,
    CouponInput,
    GeneratedCodes,
    GenerationStatus,
)
from offers.models.promotions import Promotion, PromotionRecord, promotion_view
from offers.services import codes as code_maker
from offers.settings import get_settings
from offers.store import keys
from offers.store.clients import client
from offers.store.coupons import (
    CODES_PER_TRANSACTION,
    PENDING_GENERATIONS,
    BatchAlreadyWritten,
    CodesTaken,
    CouponCodeStore,
    CouponGone,
    GenerationStore,
)
from offers.store.promotions import PromotionNotFound, PromotionStore
from offers.store.table import Page, Table, TransactionCancelled

_promotions = PromotionStore()
_codes = CouponCodeStore()
_generations = GenerationStore()
_RANDOM_RETRIES = 5
_CONTINUE_WITH_MS_LEFT = 60_000  # an async job hands over to a fresh invocation this early


class CouponNotFound(NotFound):
    def __init__(self, coupon_id: str):
        super().__init__(f"coupon {coupon_id} not found")


def _coupon(tenant_id: str, coupon_id: str) -> PromotionRecord:
    try:
        record = _promotions.get(tenant_id, coupon_id, consistent=True)
    except PromotionNotFound as error:
        raise CouponNotFound(coupon_id) from error
    if record.is_implicit:
        raise CouponNotFound(coupon_id)
    return record


def _code_records(coupon_id: str, codes: Sequence[str], now: datetime, generation_id: str | None) -> list:
    return [
        CouponCodeRecord(
            code=code, promotion_id=coupon_id, generation_id=generation_id, created_at=now, updated_at=now
        )
        for code in codes
    ]


def _batches(codes: Sequence[str]) -> list[Sequence[str]]:
    return [codes[i : i + CODES_PER_TRANSACTION] for i in range(0, len(codes), CODES_PER_TRANSACTION)]


# -- coupons ------------------------------------------------------------------------------------


def create_coupon(tenant_id: str, data: CouponInput) -> Promotion:
    now = utc_now()
    record = PromotionRecord(
        **data.__dict__,
        id=new_id(),
        promo_id=_promotions.next_promo_id(tenant_id),
        created_at=now,
        updated_at=now,
    )
    codes = data.coupon_codes
    if len(codes) <= CODES_PER_TRANSACTION:
        _create_with_codes_atomically(tenant_id, record, codes, now)
    else:
        _create_with_codes_in_batches(tenant_id, record, codes, now)
    return promotion_view(_promotions.get(tenant_id, record.id, consistent=True), now)


def _create_with_codes_atomically(
    tenant_id: str, record: PromotionRecord, codes: Sequence[str], now: datetime
) -> None:
    record.code_count = len(codes)
    operations = _promotions.create_operations(tenant_id, record)
    first_code = len(operations)
    operations += _codes.put_operations(tenant_id, _code_records(record.id, codes, now, None))
    try:
        Table().transact_write(operations)
    except TransactionCancelled as error:
        taken = [code for i, code in enumerate(codes) if error.failed(first_code + i)]
        if taken:
            raise CodesTaken(taken) from error
        raise
    _promotions.created(tenant_id, record)


def _create_with_codes_in_batches(
    tenant_id: str, record: PromotionRecord, codes: Sequence[str], now: datetime
) -> None:
    generation_id = new_id()
    operations = _promotions.create_operations(tenant_id, record)
    operations[0]["Put"]["Item"][PENDING_GENERATIONS] = {"SS": [generation_id]}
    Table().transact_write(operations)
    _promotions.created(tenant_id, record)
    try:
        _add_codes(tenant_id, record.id, codes, generation_id, now)
    except CodesTaken:
        _promotions.delete(tenant_id, record.id)
        raise
    _generations.finish_on_coupon(tenant_id, record.id, generation_id, len(codes))


def _add_codes(
    tenant_id: str, coupon_id: str, codes: Sequence[str], generation_id: str, now: datetime
) -> None:
    """Write codes in batches under a pending job; if any is taken, delete ours and re-raise."""
    written: list[str] = []
    try:
        for batch in _batches(codes):
            _codes.write_batch(tenant_id, coupon_id, _code_records(coupon_id, batch, now, generation_id))
            written.extend(batch)
    except (CodesTaken, CouponGone):
        _codes.delete_codes(tenant_id, written)
        raise


def get_coupon(tenant_id: str, coupon_id: str) -> Promotion:
    return promotion_view(_coupon(tenant_id, coupon_id), utc_now())


def replace_coupon(tenant_id: str, coupon_id: str, data: CouponInput) -> Promotion:
    """PUT: every field is replaced; couponCodes added are created (409 if taken), removed ones deleted."""
    now = utc_now()
    current = _coupon(tenant_id, coupon_id)
    added = [code for code in data.coupon_codes if code not in set(current.coupon_codes)]
    removed = [code for code in current.coupon_codes if code not in set(data.coupon_codes)]
    generation_id = new_id()
    if added:
        _generations.mark_pending(tenant_id, coupon_id, generation_id)
        try:
            _add_codes(tenant_id, coupon_id, added, generation_id, now)
        except CodesTaken:
            _generations.finish_on_coupon(tenant_id, coupon_id, generation_id, 0)
            raise
    record = _promotions.replace(tenant_id, coupon_id, data, now)
    if removed:
        _codes.delete_codes(tenant_id, removed)
    if added or removed:
        _generations.finish_on_coupon(tenant_id, coupon_id, generation_id, len(added) - len(removed))
        record = _promotions.get(tenant_id, coupon_id, consistent=True)
    return promotion_view(record, now)


def delete_coupon(tenant_id: str, coupon_id: str) -> None:
    coupon = _coupon(tenant_id, coupon_id)
    _promotions.delete(tenant_id, coupon_id)
    purge_codes_later(tenant_id, coupon.id, coupon.code_count)


def purge_codes_later(tenant_id: str, coupon_id: str, code_count: int) -> None:
    """Free a deleted coupon's codes for reuse: now if few, else in the background."""
    if code_count <= get_settings().sync_code_limit:
        purge_codes(tenant_id, coupon_id)
    else:
        invoke_code_worker({"action": "purge", "tenantId": tenant_id, "couponId": coupon_id})


def purge_codes(tenant_id: str, coupon_id: str) -> int:
    codes = [record.code for record in _codes.codes_of_coupon(tenant_id, coupon_id)]
    _codes.delete_codes(tenant_id, codes)
    return len(codes)


# -- code generation ----------------------------------------------------------------------------


def generate_codes(tenant_id: str, request: CodeGenerationRequest) -> CodeGeneration | GeneratedCodes:
    """Codes for a coupon (stored; in the request when few, else as a background job), or
    without a coupon just made up and returned, for the client to put in couponCodes."""
    settings = get_settings()
    spec = CodeGenerationSpec.model_validate(request.model_dump(exclude={"coupon_id"}))
    if request.coupon_id is None:
        if spec.count > settings.sync_code_limit:
            raise InvalidInput.for_field(
                "count", f"without couponId at most {settings.sync_code_limit} codes"
            )
        made = (
            list(code_maker.sequential_codes(spec))
            if code_maker.is_sequential(spec)
            else code_maker.random_codes(spec, spec.count)
        )
        return GeneratedCodes(codes=made)
    now = utc_now()
    generation = CodeGeneration(
        id=new_id(),
        coupon_id=request.coupon_id,
        status=GenerationStatus.IN_PROGRESS,
        spec=spec,
        requested=spec.count,
        created_at=now,
        updated_at=now,
    )
    _generations.start(tenant_id, generation)
    if spec.count <= settings.sync_code_limit:
        return run_generation(tenant_id, generation.coupon_id, generation.id, collect_codes=True)
    invoke_code_worker({"action": "generate", **generation_reference(tenant_id, generation)})
    return generation


def generation_reference(tenant_id: str, generation: CodeGeneration) -> dict[str, str]:
    return {"tenantId": tenant_id, "couponId": generation.coupon_id, "generationId": generation.id}


def get_generation(tenant_id: str, coupon_id: str, generation_id: str) -> CodeGeneration:
    return _generations.get(tenant_id, coupon_id, generation_id)


def run_generation(
    tenant_id: str,
    coupon_id: str,
    generation_id: str,
    *,
    collect_codes: bool = False,
    millis_left: Callable[[], int] | None = None,
) -> CodeGeneration:
    """Write the job's remaining codes, resuming from its stored progress.

    Safe to run again or twice at once: each batch commits together with the progress it
    expects, so a batch is never written twice. With ``millis_left`` (a Lambda context's
    clock) it stops early and leaves the job IN_PROGRESS for a fresh invocation.
    """
    generation = _generations.get(tenant_id, coupon_id, generation_id, consistent=True)
    spec = generation.spec
    collected: list[str] = []
    try:
        while generation.generated < generation.requested:
            if millis_left is not None and millis_left() < _CONTINUE_WITH_MS_LEFT:
                return generation
            batch = _next_batch(spec, generation)
            written = _write_generated(tenant_id, generation, batch)
            generation.generated += len(written)
            collected.extend(written)
        _generations.complete(tenant_id, generation, format_timestamp(utc_now()))
    except BatchAlreadyWritten:
        return _generations.get(tenant_id, coupon_id, generation_id, consistent=True)  # another run is on it
    except (CodesTaken, CouponGone) as error:
        _abandon(tenant_id, generation, error)
        if isinstance(error, CouponGone):
            raise CouponNotFound(coupon_id) from error
        raise
    finished = _generations.get(tenant_id, coupon_id, generation_id, consistent=True)
    if collect_codes:
        finished.codes = collected
    return finished


def _next_batch(spec: CodeGenerationSpec, generation: CodeGeneration) -> list[str]:
    size = min(CODES_PER_TRANSACTION, generation.requested - generation.generated)
    if code_maker.is_sequential(spec):
        return list(islice(code_maker.sequential_codes(spec, skip=generation.generated), size))
    return code_maker.random_codes(spec, size)


def _write_generated(tenant_id: str, generation: CodeGeneration, batch: list[str]) -> list[str]:
    """Write one batch with the job's progress. Random codes that are taken are replaced."""
    now = utc_now()
    for _ in range(_RANDOM_RETRIES):
        records = _code_records(generation.coupon_id, batch, now, generation.id)
        progress = _generations.progress_operation(tenant_id, generation, len(batch), format_timestamp(now))
        try:
            _codes.write_batch(tenant_id, generation.coupon_id, records, progress=progress)
        except CodesTaken as taken:
            if code_maker.is_sequential(generation.spec):
                raise
            keep = [code for code in batch if code not in set(taken.codes)]
            fresh = [
                code for code in code_maker.random_codes(generation.spec, len(batch)) if code not in set(keep)
            ]
            batch = keep + fresh[: len(batch) - len(keep)]
            continue
        return batch
    raise CodesTaken(batch)  # random codes kept clashing: the code space is nearly full


def _abandon(tenant_id: str, generation: CodeGeneration, error: Exception) -> None:
    """Delete what the job wrote and record why it failed; it stays pending on the coupon."""
    if code_maker.is_sequential(generation.spec):
        written = list(islice(code_maker.sequential_codes(generation.spec), generation.generated))
    else:
        written = [
            r.code
            for r in _codes.codes_of_coupon(tenant_id, generation.coupon_id)
            if r.generation_id == generation.id
        ]
    _codes.delete_codes(tenant_id, written)
    error_type = getattr(error, "code", type(error).__name__)
    message = getattr(error, "message", "the coupon was deleted while its codes were being generated")
    _generations.fail(tenant_id, generation, error_type, message, format_timestamp(utc_now()))


def invoke_code_worker(payload: dict[str, str]) -> None:
    """Hand a job to the code worker function (asynchronous invocation, retried by Lambda)."""
    client("lambda").invoke(
        FunctionName=get_settings().code_worker_function,
        InvocationType="Event",
        Payload=json.dumps(payload).encode(),
    )


# -- codes ----------------------------------------------------------------------------------------


def code_view(record: CouponCodeRecord) -> CouponCodeView:
    return CouponCodeView(**{name: getattr(record, name) for name in CouponCodeView.model_fields})


def update_code(tenant_id: str, coupon_id: str, code: str, changes: dict) -> CouponCodeView:
    """Assigning a code to a new customer also records the publication and creates the
    customer (Voucherify dialect), in the same transaction."""
    coupon = _coupon(tenant_id, coupon_id)
    now = format_timestamp(utc_now())
    user_id = changes.get("userId")
    assignment: list[dict] = []
    current = _codes.get(tenant_id, code) if user_id else None
    if current is not None and current.user_id != user_id:
        from offers.services.publications import assignment_operations  # noqa: PLC0415 - only this path

        assignment, _ = assignment_operations(tenant_id, code=code, coupon=coupon, source_id=user_id, now=now)
    return code_view(_codes.update(tenant_id, coupon_id, code, changes, now, with_operations=assignment))


class CodeFilters:
    """Filters of the code lists: status, assigned customer, coupon, creation-date range."""

    def __init__(
        self,
        *,
        status: str | None = None,
        user_id: str | None = None,
        coupon_id: str | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
    ):
        if start_date and end_date and end_date <= start_date:
            raise InvalidInput.for_field("endDate", "must be after startDate")
        self.status = status
        self.user_id = user_id
        self.coupon_id = coupon_id
        self.date_range = (
            format_timestamp(start_date) if start_date else None,
            format_timestamp(end_date) if end_date else None,
        )

    def fingerprint(self) -> tuple:
        return (self.status, self.user_id, self.coupon_id, self.date_range)


def list_coupon_codes(
    tenant_id: str, coupon_id: str, filters: CodeFilters, size: int, start_key: keys.Key | None
) -> Page:
    _coupon(tenant_id, coupon_id)
    page = _codes.list_by_coupon(
        tenant_id,
        coupon_id,
        size=size,
        start_key=start_key,
        date_range=filters.date_range,
        status=filters.status,
        user_id=filters.user_id,
    )
    return Page([code_view(r) for r in page.items], page.last_key)


def list_codes(tenant_id: str, filters: CodeFilters, size: int, start_key: keys.Key | None) -> Page:
    """The tenant's codes, through the narrowest index the filters allow."""
    if filters.coupon_id:
        return list_coupon_codes(tenant_id, filters.coupon_id, filters, size, start_key)
    if filters.user_id:
        page = _codes.list_by_user(
            tenant_id,
            filters.user_id,
            size=size,
            start_key=start_key,
            date_range=filters.date_range,
            status=filters.status,
            coupon_id=None,
        )
        return Page([code_view(r) for r in page.items], page.last_key)
    records, position = _codes.list_by_tenant(
        tenant_id,
        size=size,
        after=(start_key or {}).get("after"),
        date_range=filters.date_range,
        status=filters.status,
    )
    return Page([code_view(r) for r in records], None if position is None else {"after": position})


def run_worker_job(job: dict[str, str], millis_left: Callable[[], int]) -> dict[str, object]:
    """The code worker's entry: generate a job's codes (continuing in a fresh invocation when
    time runs short) or purge a deleted coupon's codes."""
    if job["action"] == "generate_cards":  # a card campaign's cards (services/card_campaigns.py)
        from offers.services import card_campaigns  # noqa: PLC0415 - only card jobs need it

        return card_campaigns.run_worker_job(job, millis_left)
    tenant_id, coupon_id = job["tenantId"], job["couponId"]
    if job["action"] == "purge":
        return {"purged": purge_codes(tenant_id, coupon_id)}
    try:
        generation = run_generation(tenant_id, coupon_id, job["generationId"], millis_left=millis_left)
    except (CodesTaken, CouponNotFound) as error:
        return {"status": GenerationStatus.FAILED.value, "error": error.message}  # recorded on the job
    if generation.status == GenerationStatus.IN_PROGRESS and generation.generated < generation.requested:
        invoke_code_worker(job)
    return {"status": generation.status, "generated": generation.generated}
