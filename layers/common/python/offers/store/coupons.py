"""Coupon codes and code generation jobs in DynamoDB.

A code is one item keyed by the code itself, so uniqueness per tenant is a conditional put.
Codes are written in transactions of up to ``CODES_PER_TRANSACTION`` puts plus one update
of the generation's progress: a batch and its progress land together or not at all, which
lets an interrupted generation resume exactly where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from offers.clock import format_timestamp
from offers.errors import Conflict, NotFound, OffersError
from offers.models.coupons import CodeGeneration, CouponCodeRecord, GenerationStatus
from offers.settings import get_settings
from offers.store import keys
from offers.store.merge import IndexRange, merged, sort_key_range
from offers.store.table import ConditionFailed, Page, Table, TransactionCancelled

CODE_ENTITY = "COUPON_CODE"
GENERATION_ENTITY = "CODE_GENERATION"
CODES_PER_TRANSACTION = 98  # + progress update + coupon check = DynamoDB's 100 per transaction
PENDING_GENERATIONS = "pendingGenerations"


class CodeNotFound(NotFound):
    def __init__(self, code: str):
        super().__init__(f"coupon code {code} not found")


class CodesTaken(Conflict):
    """Some codes of a batch exist already (in this or another coupon of the tenant)."""

    code = "COUPON_CODE_EXISTS"

    def __init__(self, codes: Sequence[str]):
        shown = ", ".join(codes[:10]) + (" ..." if len(codes) > 10 else "")
        super().__init__(f"coupon codes already exist: {shown}")
        self.codes = list(codes)


class BatchAlreadyWritten(Exception):
    """The generation's progress moved on: another invocation of the same job wrote this batch."""


class CouponGone(Exception):
    """The coupon was deleted while its codes were being written."""


def code_item(tenant_id: str, record: CouponCodeRecord) -> dict[str, Any]:
    body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
    index = keys.code_index_attributes(
        tenant_id,
        code=record.code,
        coupon_id=record.promotion_id,
        user_id=record.user_id,
        created_at=body["createdAt"],
        shards=get_settings().code_shards,
    )
    return {**keys.code_key(tenant_id, record.code), "entity": CODE_ENTITY, **index, **body}


def code_from_item(item: dict[str, Any]) -> CouponCodeRecord:
    return CouponCodeRecord.model_validate(item)


class CouponCodeStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    # -- writing codes ------------------------------------------------------------------------

    def put_operations(self, tenant_id: str, records: Sequence[CouponCodeRecord]) -> list[dict[str, Any]]:
        return [
            self.table.put_op(code_item(tenant_id, record), condition="attribute_not_exists(pk)")
            for record in records
        ]

    def write_batch(
        self,
        tenant_id: str,
        coupon_id: str,
        records: Sequence[CouponCodeRecord],
        *,
        progress: dict[str, Any] | None = None,
    ) -> None:
        """Put up to CODES_PER_TRANSACTION new codes atomically, while the coupon exists.

        ``progress`` is an extra transaction operation (a generation's progress update).
        Raises CodesTaken (naming the codes that exist), BatchAlreadyWritten or CouponGone.
        """
        operations = self.put_operations(tenant_id, records)
        operations.append(
            self.table.check_op(keys.promotion_key(tenant_id, coupon_id), "attribute_exists(pk)")
        )
        if progress is not None:
            operations.append(progress)
        try:
            self.table.transact_write(operations)
        except TransactionCancelled as error:
            taken = [records[i].code for i in range(len(records)) if error.failed(i)]
            if taken:
                raise CodesTaken(taken) from error
            if error.failed(len(records)):
                raise CouponGone from error
            if progress is not None and error.failed(len(records) + 1):
                raise BatchAlreadyWritten from error
            raise

    def delete_codes(self, tenant_id: str, codes: Sequence[str]) -> None:
        self.table.batch_write(deletes=[keys.code_key(tenant_id, code) for code in codes])

    # -- reading codes --------------------------------------------------------------------------

    def get(self, tenant_id: str, code: str) -> CouponCodeRecord | None:
        item = self.table.get(keys.code_key(tenant_id, code))
        return code_from_item(item) if item else None

    def codes_of_coupon(self, tenant_id: str, coupon_id: str) -> Iterator[CouponCodeRecord]:
        """Every code of a coupon (GSI1), for purging; eventually consistent like any GSI."""
        name, partition_attribute, _ = keys.GSI1
        for item in self.table.query_all(
            keys.coupon_codes_partition(tenant_id, coupon_id),
            index=name,
            partition_attribute=partition_attribute,
        ):
            yield code_from_item(item)

    def list_by_coupon(
        self,
        tenant_id: str,
        coupon_id: str,
        *,
        size: int,
        start_key: keys.Key | None,
        date_range: tuple[str | None, str | None],
        status: str | None,
        user_id: str | None,
    ) -> Page:
        return self._list_one_partition(
            keys.GSI1,
            keys.coupon_codes_partition(tenant_id, coupon_id),
            size=size,
            start_key=start_key,
            date_range=date_range,
            filters={"status": status, "userId": user_id},
        )

    def list_by_user(
        self,
        tenant_id: str,
        user_id: str,
        *,
        size: int,
        start_key: keys.Key | None,
        date_range: tuple[str | None, str | None],
        status: str | None,
        coupon_id: str | None,
    ) -> Page:
        return self._list_one_partition(
            keys.GSI2,
            keys.user_codes_partition(tenant_id, user_id),
            size=size,
            start_key=start_key,
            date_range=date_range,
            filters={"status": status, "promotionId": coupon_id},
        )

    def list_by_tenant(
        self,
        tenant_id: str,
        *,
        size: int,
        after: str | None,
        date_range: tuple[str | None, str | None],
        status: str | None,
    ) -> tuple[list[CouponCodeRecord], str | None]:
        """All of the tenant's codes, oldest first, merged over the write shards of GSI3."""
        name, partition_attribute, sort_attribute = keys.GSI3
        source = IndexRange(
            index=name,
            partition_attribute=partition_attribute,
            sort_attribute=sort_attribute,
            partitions=tuple(
                keys.tenant_codes_partition(tenant_id, shard) for shard in range(get_settings().code_shards)
            ),
        )
        filter_expression, names, values = _filters({"status": status})
        lower, upper = date_range
        items, position = merged(
            self.table,
            source,
            limit=size,
            after=after,
            lower=lower,
            upper=upper,
            filter_expression=filter_expression,
            names=names,
            values=values,
        )
        return [code_from_item(item) for item in items], position

    def _list_one_partition(
        self,
        index: tuple[str, str, str],
        partition: str,
        *,
        size: int,
        start_key: keys.Key | None,
        date_range: tuple[str | None, str | None],
        filters: dict[str, str | None],
    ) -> Page:
        name, partition_attribute, sort_attribute = index
        sort_condition, bounds = sort_key_range(date_range[0], True, date_range[1])
        filter_expression, names, values = _filters(filters)
        page = self.table.query_page(
            partition,
            size=size,
            index=name,
            partition_attribute=partition_attribute,
            key_attributes=(keys.PK, keys.SK, partition_attribute, sort_attribute),
            sort_condition=sort_condition,
            names={"#sk": sort_attribute, **names},
            values={**bounds, **values},
            filter_expression=filter_expression,
            start_key=start_key,
        )
        return Page([code_from_item(item) for item in page.items], page.last_key)

    # -- changing a code ------------------------------------------------------------------------

    def update(
        self,
        tenant_id: str,
        coupon_id: str,
        code: str,
        changes: dict[str, Any],
        now: str,
        *,
        with_operations: Sequence[dict[str, Any]] = (),
        keep_other_customer: bool = False,
    ) -> CouponCodeRecord:
        """Set userId (None unassigns) and/or status of a code of this coupon; a used-up code
        can't change. ``with_operations`` are written in the same transaction (a publication,
        its customer); ``keep_other_customer`` refuses a code assigned to another customer."""
        current = self.get(tenant_id, code)
        if current is None or current.promotion_id != coupon_id:
            raise CodeNotFound(code)
        fields: dict[str, Any] = {"updatedAt": now}
        remove: list[str] = []
        if "status" in changes:
            fields["status"] = changes["status"]
        condition = "promotionId = :coupon AND #status <> :redeemed"
        values: dict[str, Any] = {":coupon": coupon_id, ":redeemed": "REDEEMED"}
        if "userId" in changes:
            user_id = changes["userId"]
            if user_id is None:
                remove += ["userId", keys.GSI2[1], keys.GSI2[2]]
            else:
                fields["userId"] = user_id
                fields[keys.GSI2[1]] = keys.user_codes_partition(tenant_id, user_id)
                fields[keys.GSI2[2]] = keys.code_time_key(format_timestamp(current.created_at), code)
                if keep_other_customer:
                    condition += " AND (attribute_not_exists(userId) OR userId = :user)"
                    values[":user"] = user_id
        params = {"remove": remove, "condition": condition, "names": {"#status": "status"}, "values": values}
        key = keys.code_key(tenant_id, code)
        try:
            if not with_operations:
                return code_from_item(self.table.update_fields(key, fields, **params))
            self.table.transact_write([self.table.update_fields_op(key, fields, **params), *with_operations])
        except ConditionFailed as error:
            raise _refusal(code, error.item) from error
        except TransactionCancelled as cancelled:
            if cancelled.failed(0):
                raise _refusal(code, cancelled.items[0]) from None
            raise
        return code_from_item(self.table.get(key, consistent=True) or {})


def _refusal(code: str, item: dict[str, Any] | None) -> OffersError:
    if item is None:
        return CodeNotFound(code)
    if item.get("status") == "REDEEMED":
        return Conflict(f"coupon code {code} is used up and can't be changed", code="CODE_REDEEMED")
    return Conflict(f"coupon code {code} is assigned to another customer", code="CODE_ASSIGNED")


def _filters(equal_to: dict[str, str | None]) -> tuple[str | None, dict[str, str], dict[str, Any]]:
    """A FilterExpression ANDing attribute = value for each given value."""
    clauses, names, values = [], {}, {}
    for i, (attribute, value) in enumerate(equal_to.items()):
        if value is None:
            continue
        names[f"#a{i}"] = attribute
        values[f":a{i}"] = value
        clauses.append(f"#a{i} = :a{i}")
    return (" AND ".join(clauses) or None), names, values


# -- generations ------------------------------------------------------------------------------


def generation_item(tenant_id: str, generation: CodeGeneration) -> dict[str, Any]:
    body = generation.model_dump(mode="json", by_alias=True, exclude_none=True)
    body.pop("codes", None)
    return {
        **keys.code_generation_key(tenant_id, generation.coupon_id, generation.id),
        "entity": GENERATION_ENTITY,
        **body,
    }


class GenerationStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def start(self, tenant_id: str, generation: CodeGeneration) -> None:
        """Store the job and mark its codes unusable on the coupon until it completes."""
        try:
            self.table.transact_write(
                [
                    self.table.put_op(
                        generation_item(tenant_id, generation), condition="attribute_not_exists(pk)"
                    ),
                    self.table.update_op(
                        keys.promotion_key(tenant_id, generation.coupon_id),
                        f"ADD {PENDING_GENERATIONS} :generation",
                        condition="attribute_exists(pk) AND isImplicit = :coupon",
                        values={":generation": {generation.id}, ":coupon": False},
                    ),
                ]
            )
        except TransactionCancelled as error:
            if error.failed(1):
                raise NotFound(f"coupon {generation.coupon_id} not found", code="NOT_FOUND") from error
            raise

    def get(
        self, tenant_id: str, coupon_id: str, generation_id: str, *, consistent: bool = False
    ) -> CodeGeneration:
        item = self.table.get(
            keys.code_generation_key(tenant_id, coupon_id, generation_id), consistent=consistent
        )
        if item is None:
            raise NotFound(f"code generation {generation_id} of coupon {coupon_id} not found")
        return CodeGeneration.model_validate(item)

    def progress_operation(self, tenant_id: str, generation: CodeGeneration, written: int, now: str) -> dict:
        """Moves ``generated`` from its current value on, or fails if another writer did."""
        return self.table.update_op(
            keys.code_generation_key(tenant_id, generation.coupon_id, generation.id),
            "SET generated = generated + :written, updatedAt = :now",
            condition="generated = :expected AND #status = :running",
            names={"#status": "status"},
            values={
                ":written": written,
                ":now": now,
                ":expected": generation.generated,
                ":running": GenerationStatus.IN_PROGRESS.value,
            },
        )

    def complete(self, tenant_id: str, generation: CodeGeneration, now: str) -> None:
        """Make the codes usable: done, counted on the coupon, no longer pending."""
        self.table.transact_write(
            [
                self.table.update_op(
                    keys.code_generation_key(tenant_id, generation.coupon_id, generation.id),
                    "SET #status = :done, updatedAt = :now, completedAt = :now",
                    condition="#status = :running",
                    names={"#status": "status"},
                    values={
                        ":done": GenerationStatus.COMPLETED.value,
                        ":running": GenerationStatus.IN_PROGRESS.value,
                        ":now": now,
                    },
                ),
                self._finish_on_coupon(tenant_id, generation.coupon_id, generation.id, generation.generated),
            ]
        )

    def fail(
        self, tenant_id: str, generation: CodeGeneration, error_type: str, message: str, now: str
    ) -> None:
        """Record the failure. The job stays pending on the coupon, so any code it left is unusable."""
        self.table.update(
            keys.code_generation_key(tenant_id, generation.coupon_id, generation.id),
            "SET #status = :failed, updatedAt = :now, completedAt = :now,"
            " errors = list_append(errors, :error)",
            names={"#status": "status"},
            values={
                ":failed": GenerationStatus.FAILED.value,
                ":now": now,
                ":error": [{"type": error_type, "message": message}],
            },
        )

    def mark_pending(self, tenant_id: str, coupon_id: str, generation_id: str) -> None:
        """Codes written under ``generation_id`` are unusable until ``finish_on_coupon``."""
        try:
            self.table.update(
                keys.promotion_key(tenant_id, coupon_id),
                f"ADD {PENDING_GENERATIONS} :generation",
                condition="attribute_exists(pk)",
                values={":generation": {generation_id}},
            )
        except ConditionFailed as error:
            raise NotFound(f"coupon {coupon_id} not found") from error

    def finish_on_coupon(self, tenant_id: str, coupon_id: str, generation_id: str, count: int) -> None:
        self.table.transact_write([self._finish_on_coupon(tenant_id, coupon_id, generation_id, count)])

    def _finish_on_coupon(
        self, tenant_id: str, coupon_id: str, generation_id: str, count: int
    ) -> dict[str, Any]:
        return self.table.update_op(
            keys.promotion_key(tenant_id, coupon_id),
            f"ADD codeCount :count DELETE {PENDING_GENERATIONS} :generation",
            condition="attribute_exists(pk)",
            values={":count": count, ":generation": {generation_id}},
        )
