"""Redemptions, usage counters and idempotency records in DynamoDB.

A redemption and everything it changes (the usage counters of each limit, the code's uses,
the idempotency record) are written by one TransactWriteItems whose conditions are the
limits. This module builds those operations; the service composes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from offers.clock import format_timestamp
from offers.models.coupons import CodeStatus, CouponCodeRecord
from offers.models.promotions import PromotionRecord
from offers.models.redemptions import RedemptionFilters, RedemptionRecord
from offers.settings import get_settings
from offers.store import keys
from offers.store.coupons import PENDING_GENERATIONS, code_from_item
from offers.store.merge import IndexRange, merged, sort_key_range
from offers.store.promotions import from_item as promotion_from_item
from offers.store.table import Page, Table

ENTITY = "REDEMPTION"
IDEMPOTENCY_ENTITY = "IDEMPOTENCY"
METADATA = "metadata"


def redemption_item(tenant_id: str, record: RedemptionRecord) -> dict[str, Any]:
    body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
    index = keys.redemption_index_attributes(
        tenant_id,
        redemption_id=record.id,
        promotion_id=record.promotion_id,
        redeemed_at=body["redeemedAt"],
        user_id=record.user_id,
        coupon_code=record.coupon_code,
        order_id=record.order_id,
        email=record.email,
        shards=get_settings().redemption_shards,
    )
    extra: dict[str, Any] = {"emailKey": record.email.casefold()} if record.email else {}
    if record.additional_attributes:  # as a map too, so export filters can reach one key (metadata.X)
        extra[METADATA] = {
            a.name: a.values[0] if len(a.values) == 1 else a.values for a in record.additional_attributes
        }
    return {**keys.redemption_key(tenant_id, record.id), "entity": ENTITY, **index, **extra, **body}


def redemption_from_item(item: dict[str, Any]) -> RedemptionRecord:
    return RedemptionRecord.model_validate(item)


@dataclass
class RedemptionContext:
    """What one read round trip brings for a redemption: promotion, code, idempotency record."""

    promotion: PromotionRecord | None
    pending_generations: set[str]
    code: CouponCodeRecord | None
    idempotency: dict[str, Any] | None


_INCREMENT = "ADD #uses :one SET updatedAt = :now"
_UNDER_LIMIT = "attribute_not_exists(#uses) OR #uses < :limit"


class RedemptionStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    # -- reads ----------------------------------------------------------------------------------

    def read_context(
        self, tenant_id: str, promotion_id: str, code: str | None, idempotency: keys.Key | None
    ) -> RedemptionContext:
        """Promotion, code and idempotency record in one BatchGetItem (strongly consistent)."""
        wanted = [keys.promotion_key(tenant_id, promotion_id)]
        if code:
            wanted.append(keys.code_key(tenant_id, code))
        if idempotency:
            wanted.append(idempotency)
        found = {
            (item[keys.PK], item[keys.SK]): item for item in self.table.batch_get(wanted, consistent=True)
        }

        def pick(key: keys.Key | None) -> dict[str, Any] | None:
            return found.get((key[keys.PK], key[keys.SK])) if key else None

        promotion = pick(wanted[0])
        code_item = pick(keys.code_key(tenant_id, code)) if code else None
        return RedemptionContext(
            promotion=promotion_from_item(promotion) if promotion else None,
            pending_generations=set(promotion.get(PENDING_GENERATIONS, set())) if promotion else set(),
            code=code_from_item(code_item) if code_item else None,
            idempotency=pick(idempotency),
        )

    def get(self, tenant_id: str, redemption_id: str, *, consistent: bool = True) -> RedemptionRecord | None:
        item = self.table.get(keys.redemption_key(tenant_id, redemption_id), consistent=consistent)
        return redemption_from_item(item) if item else None

    # -- transaction operations -------------------------------------------------------------------

    def put_op(self, tenant_id: str, record: RedemptionRecord) -> dict[str, Any]:
        return self.table.put_op(redemption_item(tenant_id, record), condition="attribute_not_exists(pk)")

    def counter_take_op(self, key: keys.Key, limit: int | None, now: str) -> dict[str, Any]:
        """One more use of a counter, refused when it has reached ``limit`` (None: no limit)."""
        values: dict[str, Any] = {":one": 1, ":now": now}
        condition = None
        if limit is not None:
            condition, values[":limit"] = _UNDER_LIMIT, limit
        return self.table.update_op(
            key, _INCREMENT, condition=condition, names={"#uses": "uses"}, values=values
        )

    def counter_release_op(self, key: keys.Key, now: str) -> dict[str, Any]:
        return self.table.update_op(
            key, _INCREMENT, names={"#uses": "uses"}, values={":one": -1, ":now": now}
        )

    def code_check_op(self, tenant_id: str, code: CouponCodeRecord, customer: str | None) -> dict[str, Any]:
        """The code is still this promotion's, active, and not assigned to someone else."""
        condition, names, values = self._code_conditions(code, customer)
        return self.table.check_op(keys.code_key(tenant_id, code.code), condition, names=names, values=values)

    def code_take_op(
        self, tenant_id: str, code: CouponCodeRecord, customer: str | None, limit: int, now: str
    ) -> dict[str, Any]:
        """One more use of the code. The use that reaches ``limit`` also marks it REDEEMED, so it
        is taken only while the code still has exactly the uses read (retried on a race)."""
        condition, names, values = self._code_conditions(code, customer)
        last_use = code.uses + 1 >= limit
        values |= {":uses": code.uses, ":now": now, ":next": code.uses + 1}
        condition += " AND #uses = :uses" if last_use else " AND #uses < :before_last"
        if not last_use:
            values[":before_last"] = limit - 1
        update = (
            "SET #uses = :next, updatedAt = :now"
            if last_use
            else "SET #uses = #uses + :one, updatedAt = :now"
        )
        if last_use:
            update += ", #status = :redeemed"
            values[":redeemed"] = CodeStatus.REDEEMED.value
        else:
            values[":one"] = 1
        names["#uses"] = "uses"
        return self.table.update_op(
            keys.code_key(tenant_id, code.code), update, condition=condition, names=names, values=values
        )

    def code_release_op(self, tenant_id: str, code: str, now: str) -> dict[str, Any]:
        """Give a use back; a used-up code becomes ACTIVE again."""
        return self.table.update_op(
            keys.code_key(tenant_id, code),
            "SET #uses = #uses - :one, #status = :active, updatedAt = :now",
            condition="attribute_exists(pk) AND #uses > :zero",
            names={"#uses": "uses", "#status": "status"},
            values={":one": 1, ":active": CodeStatus.ACTIVE.value, ":now": now, ":zero": 0},
        )

    @staticmethod
    def _code_conditions(
        code: CouponCodeRecord, customer: str | None
    ) -> tuple[str, dict[str, str], dict[str, Any]]:
        condition = "promotionId = :promotion AND #status = :active"
        values: dict[str, Any] = {":promotion": code.promotion_id, ":active": CodeStatus.ACTIVE.value}
        if customer is not None:
            condition += " AND (attribute_not_exists(userId) OR userId = :customer)"
            values[":customer"] = customer
        else:
            condition += " AND attribute_not_exists(userId)"
        return condition, {"#status": "status"}, values

    def coupon_not_pending_op(self, tenant_id: str, coupon_id: str, generation_id: str) -> dict[str, Any]:
        return self.table.check_op(
            keys.promotion_key(tenant_id, coupon_id),
            f"NOT contains({PENDING_GENERATIONS}, :generation)",
            values={":generation": generation_id},
        )

    def idempotency_put_op(
        self, key: keys.Key, request_hash: str, response: dict[str, Any], expires_at: int, now: str
    ) -> dict[str, Any]:
        item = {
            **key,
            "entity": IDEMPOTENCY_ENTITY,
            "requestHash": request_hash,
            "response": response,
            "createdAt": now,
            keys.TTL_ATTRIBUTE: expires_at,
        }
        return self.table.put_op(item, condition="attribute_not_exists(pk)")

    def status_change_op(
        self, tenant_id: str, redemption_id: str, old: str, new: str, now: str
    ) -> dict[str, Any]:
        return self.table.update_op(
            keys.redemption_key(tenant_id, redemption_id),
            "SET #status = :new, updatedAt = :now",
            condition="#status = :old",
            names={"#status": "status"},
            values={":new": new, ":old": old, ":now": now},
        )

    def delete_op(self, tenant_id: str, redemption_id: str, status: str) -> dict[str, Any]:
        return self.table.delete_op(
            keys.redemption_key(tenant_id, redemption_id),
            condition="#status = :status",
            names={"#status": "status"},
            values={":status": status},
        )

    # -- lists ----------------------------------------------------------------------------------

    def list_page(
        self, tenant_id: str, filters: RedemptionFilters, size: int, position: dict[str, Any] | None
    ) -> Page:
        """Newest first, through the narrowest index the filters allow; other filters apply on it.

        ``position`` (and the returned Page.last_key) is {"after": sort key} for the sharded
        indexes and DynamoDB's start key for the others.
        """
        index, partitions, used = redemption_index(tenant_id, _equal_values(filters))
        filter_expression, names, values = _residual_filters(filters, used)
        lower = _stamp(filters.redeemed_from)
        upper = _stamp(filters.redeemed_before)
        name, partition_attribute, sort_attribute = index
        if len(partitions) > 1:
            items, after = merged(
                self.table,
                IndexRange(name, partition_attribute, sort_attribute, tuple(partitions)),
                limit=size,
                after=(position or {}).get("after"),
                lower=lower,
                upper=upper,
                forward=False,
                filter_expression=filter_expression,
                names=names,
                values=values,
            )
            return Page(
                [redemption_from_item(item) for item in items], None if after is None else {"after": after}
            )
        sort_condition, bounds = sort_key_range(lower, True, upper)
        page = self.table.query_page(
            partitions[0],
            size=size,
            index=name,
            partition_attribute=partition_attribute,
            key_attributes=(keys.PK, keys.SK, partition_attribute, sort_attribute),
            sort_condition=sort_condition,
            names={"#sk": sort_attribute, **names},
            values={**bounds, **values},
            filter_expression=filter_expression,
            start_key=position,
            forward=False,
        )
        return Page([redemption_from_item(item) for item in page.items], page.last_key)


def _stamp(moment: Any) -> str | None:
    return format_timestamp(moment) if moment else None


IndexChoice = tuple[tuple[str, str, str], list[str], str | None]
# Exact-value filters whose value has an index partition of its own, most selective first.
_SELECTIVE_INDEXES = (
    ("orderId", keys.GSI5, keys.redemption_order_partition),
    ("userId", keys.GSI3, keys.redemption_user_partition),
    ("emailKey", keys.GSI6, keys.redemption_email_partition),
    ("couponCode", keys.GSI4, keys.redemption_code_partition),
)


def redemption_index(tenant_id: str, equal: Mapping[str, str | None]) -> IndexChoice:
    """Which index serves redemptions with these exact values (stored attribute -> value):
    (index, partitions to read, the attribute the index already applies). One value's own
    partition when there is one; a promotion's shards; else every shard of the ledger.
    Shared by lists (here) and exports (services/export_sources), so both read alike."""
    shards = range(get_settings().redemption_shards)
    for attribute, index, partition in _SELECTIVE_INDEXES:
        value = equal.get(attribute)
        if value:
            return index, [partition(tenant_id, value)], attribute
    promotion_id = equal.get("promotionId")
    if promotion_id:
        partitions = [keys.redemption_promotion_partition(tenant_id, promotion_id, s) for s in shards]
        return keys.GSI2, partitions, "promotionId"
    return keys.GSI1, [keys.redemption_ledger_partition(tenant_id, s) for s in shards], None


def _equal_values(filters: RedemptionFilters) -> dict[str, str | None]:
    return {
        "orderId": filters.order_id,
        "userId": filters.user_id,
        "emailKey": filters.email.casefold() if filters.email else None,
        "couponCode": filters.coupon_code,
        "promotionId": filters.promotion_id,
    }


def _residual_filters(
    filters: RedemptionFilters, applied: str | None
) -> tuple[str | None, dict[str, str], dict[str, Any]]:
    wanted = {
        **_equal_values(filters),
        "promotionName": filters.promotion_name,
        "storeId": filters.store_id,
        "status": filters.status,
    }
    if applied:
        wanted.pop(applied)
    clauses, names, values = [], {}, {}
    for i, (attribute, value) in enumerate(item for item in wanted.items() if item[1] is not None):
        names[f"#f{i}"] = attribute
        values[f":f{i}"] = value
        clauses.append(f"#f{i} = :f{i}")
    return (" AND ".join(clauses) or None), names, values
