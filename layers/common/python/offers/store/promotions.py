"""Promotion records in DynamoDB, with the attributes that place them in the search indexes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from offers.clock import format_timestamp
from offers.errors import Conflict, NotFound
from offers.models.promotions import PromotionInput, PromotionRecord
from offers.store import keys
from offers.store.metadata_keys import VOUCHER, MetadataKeyStore
from offers.store.table import ConditionFailed, Page, Table, TransactionCancelled

ENTITY = "PROMOTION"
FIRST_PROMO_ID = 100_001


class PromotionNotFound(NotFound):
    def __init__(self, promotion_id: str):
        super().__init__(f"promotion {promotion_id} not found")


def to_item(tenant_id: str, record: PromotionRecord) -> dict[str, Any]:
    body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
    index = keys.search_attributes(
        tenant_id,
        promotion_id=record.id,
        name=record.name,
        enabled=record.is_enabled,
        updated_at=body["updatedAt"],
        start_at=body["startAt"],
        end_at=body.get("endAt"),
        level=record.level,
    )
    pricing = keys.pricing_promotion_attributes(tenant_id, record.id, body.get("endAt"))
    return {**keys.promotion_key(tenant_id, record.id), "entity": ENTITY, **index, **pricing, **body}


def from_item(item: dict[str, Any]) -> PromotionRecord:
    return PromotionRecord.model_validate(item)


class PromotionStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def next_promo_id(self, tenant_id: str) -> int:
        """The tenant's next numeric promoId: an atomic counter, so never handed out twice."""
        item = self.table.update(
            keys.promo_id_counter_key(tenant_id),
            "SET #n = if_not_exists(#n, :before_first) + :one",
            names={"#n": "value"},
            values={":before_first": FIRST_PROMO_ID - 1, ":one": 1},
            return_values="UPDATED_NEW",
        )
        return int(item["value"])

    def _count_change(self, tenant_id: str, delta: int) -> dict[str, Any]:
        return self.table.update_op(
            keys.tenant_stats_key(tenant_id), "ADD promotions :delta", values={":delta": delta}
        )

    def create_operations(self, tenant_id: str, record: PromotionRecord) -> list[dict[str, Any]]:
        """The writes that create a promotion (for callers that add their own to the transaction)."""
        operations = [
            self.table.put_op(to_item(tenant_id, record), condition="attribute_not_exists(pk)"),
            self._count_change(tenant_id, +1),
        ]
        if record.additional_attributes and not record.is_implicit:  # a coupon's: its vouchers' metadata
            names = [attribute.name for attribute in record.additional_attributes]
            operations += MetadataKeyStore(self.table).add_ops(tenant_id, VOUCHER, names, record.id)
        return operations

    def create(self, tenant_id: str, record: PromotionRecord) -> None:
        self.table.transact_write(self.create_operations(tenant_id, record))
        self.created(tenant_id, record)

    @staticmethod
    def created(tenant_id: str, record: PromotionRecord) -> None:
        """After create_operations' transaction succeeded: its metadata keys are in the set."""
        if record.additional_attributes and not record.is_implicit:
            MetadataKeyStore.remember(tenant_id, VOUCHER, (a.name for a in record.additional_attributes))

    def get(self, tenant_id: str, promotion_id: str, *, consistent: bool = False) -> PromotionRecord:
        item = self.table.get(keys.promotion_key(tenant_id, promotion_id), consistent=consistent)
        if item is None:
            raise PromotionNotFound(promotion_id)
        return from_item(item)

    def get_many(self, tenant_id: str, promotion_ids: list[str]) -> dict[str, PromotionRecord]:
        items = self.table.batch_get([keys.promotion_key(tenant_id, pid) for pid in promotion_ids])
        return {item["id"]: from_item(item) for item in items}

    def replace(
        self, tenant_id: str, promotion_id: str, data: PromotionInput, now: datetime
    ) -> PromotionRecord:
        """PUT: set every input field, keep identity, counters and anything else others own.

        One conditional UpdateItem, so a concurrent code generation's counters survive. A
        promotion that has coupon codes can't be turned implicit (409).
        """
        fields = data.model_dump(mode="json", by_alias=True, exclude_none=True)
        fields["updatedAt"] = format_timestamp(now)
        fields.update(
            keys.search_attributes(
                tenant_id,
                promotion_id=promotion_id,
                name=data.name,
                enabled=data.is_enabled,
                updated_at=fields["updatedAt"],
                start_at=fields["startAt"],
                end_at=fields.get("endAt"),
                level=data.level,
            )
        )
        fields.update(keys.pricing_promotion_attributes(tenant_id, promotion_id, fields.get("endAt")))
        unset = [
            field.alias or name
            for name, field in type(data).model_fields.items()
            if getattr(data, name) is None
        ]
        if data.additional_attributes and not data.is_implicit:  # first: the key set never misses one
            names = [attribute.name for attribute in data.additional_attributes]
            MetadataKeyStore(self.table).add(tenant_id, VOUCHER, names, promotion_id)
        condition, values = "attribute_exists(pk)", {}
        if data.is_implicit:
            condition += " AND (attribute_not_exists(codeCount) OR codeCount = :zero)"
            values[":zero"] = 0
        try:
            item = self.table.update_fields(
                keys.promotion_key(tenant_id, promotion_id),
                fields,
                remove=unset,
                condition=condition,
                values=values or None,
            )
        except ConditionFailed as error:
            if error.item is None:
                raise PromotionNotFound(promotion_id) from error
            raise Conflict(
                f"promotion {promotion_id} has coupon codes, so it can't be made implicit",
                code="COUPON_HAS_CODES",
            ) from error
        return from_item(item)

    def set_enabled(self, tenant_id: str, promotion_id: str, enabled: bool, now: datetime) -> PromotionRecord:
        stamp = format_timestamp(now)
        try:
            item = self.table.update(
                keys.promotion_key(tenant_id, promotion_id),
                "SET isEnabled = :enabled, updatedAt = :now, #ps = :partition, #psu = :psu",
                condition="attribute_exists(pk)",
                names={"#ps": keys.SEARCH_PARTITION, "#psu": keys.SEARCH_BY_UPDATED.sort_attribute},
                values={
                    ":enabled": enabled,
                    ":now": stamp,
                    ":partition": keys.search_partition(tenant_id, enabled=enabled),
                    ":psu": keys.search_updated(stamp, promotion_id),
                },
            )
        except ConditionFailed as error:
            raise PromotionNotFound(promotion_id) from error
        return from_item(item)

    def end(self, tenant_id: str, promotion_id: str, now: datetime) -> PromotionRecord:
        """Set endAt to now, only for a promotion that has started and not yet ended."""
        stamp = format_timestamp(now)
        try:
            item = self.table.update(
                keys.promotion_key(tenant_id, promotion_id),
                "SET endAt = :now, updatedAt = :now, #psu = :psu, #pse = :pse, #pre = :pre",
                condition=(
                    "attribute_exists(pk) AND startAt < :now"
                    " AND (attribute_not_exists(endAt) OR endAt > :now)"
                ),
                names={
                    "#psu": keys.SEARCH_BY_UPDATED.sort_attribute,
                    "#pse": keys.SEARCH_BY_END.sort_attribute,
                    "#pre": keys.GSI6[2],
                },
                values={
                    ":now": stamp,
                    ":psu": keys.search_updated(stamp, promotion_id),
                    ":pse": keys.search_end(stamp, promotion_id),
                    ":pre": keys.pricing_promotion_end(stamp, promotion_id),
                },
            )
        except ConditionFailed as error:
            if error.item is None:
                raise PromotionNotFound(promotion_id) from error
            if error.item["startAt"] >= stamp:
                raise Conflict(
                    f"promotion {promotion_id} has not started yet; disable or delete it instead",
                    code="PROMOTION_NOT_STARTED",
                ) from error
            raise Conflict(
                f"promotion {promotion_id} has already ended", code="PROMOTION_ALREADY_ENDED"
            ) from error
        return from_item(item)

    def delete_operations(self, tenant_id: str, promotion_id: str) -> list[dict[str, Any]]:
        return [
            self.table.delete_op(
                keys.promotion_key(tenant_id, promotion_id), condition="attribute_exists(pk)"
            ),
            self._count_change(tenant_id, -1),
        ]

    def delete(self, tenant_id: str, promotion_id: str) -> None:
        try:
            self.table.transact_write(self.delete_operations(tenant_id, promotion_id))
        except TransactionCancelled as error:
            if error.failed(0):
                raise PromotionNotFound(promotion_id) from error
            raise

    def coupons_named(self, tenant_id: str, name: str) -> list[str]:
        """Ids of the coupons (not implicit promotions) named exactly ``name``: the name index's
        two partitions (enabled, disabled), a few items each."""
        index = keys.SEARCH_BY_NAME
        found = []
        for enabled in (True, False):
            items = self.table.query_all(
                keys.search_partition(tenant_id, enabled=enabled),
                index=index.name,
                partition_attribute=keys.SEARCH_PARTITION,
                sort_condition="begins_with(#sk, :name)",
                names={"#sk": index.sort_attribute},
                values={":name": index.prefix(name)},
            )
            found += [item["id"] for item in items if item.get("name") == name and not item.get("isImplicit")]
        return found

    def count(self, tenant_id: str) -> int:
        stats = self.table.get(keys.tenant_stats_key(tenant_id)) or {}
        return int(stats.get("promotions", 0))

    def list_page(self, tenant_id: str, size: int, start_key: keys.Key | None) -> Page:
        """Newest first."""
        page = self.table.query_page(
            keys.promotions_partition(tenant_id),
            size=size,
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.PROMOTION_SK_PREFIX},
            start_key=start_key,
            forward=False,
        )
        return Page([from_item(item) for item in page.items], page.last_key)
