"""Promotion records in DynamoDB."""

from __future__ import annotations

from datetime import datetime

from offers.clock import format_timestamp
from offers.errors import Conflict, NotFound
from offers.models.promotions import PromotionRecord
from offers.store import keys
from offers.store.table import ConditionFailed, Page, Table

ENTITY = "PROMOTION"
FIRST_PROMO_ID = 100_001


class PromotionNotFound(NotFound):
    def __init__(self, promotion_id: str):
        super().__init__(f"promotion {promotion_id} not found")


def to_item(tenant_id: str, record: PromotionRecord) -> dict:
    body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {**keys.promotion_key(tenant_id, record.id), "entity": ENTITY, **body}


def from_item(item: dict) -> PromotionRecord:
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

    def create(self, tenant_id: str, record: PromotionRecord) -> None:
        self.table.put(to_item(tenant_id, record), condition="attribute_not_exists(pk)")

    def get(self, tenant_id: str, promotion_id: str) -> PromotionRecord:
        item = self.table.get(keys.promotion_key(tenant_id, promotion_id))
        if item is None:
            raise PromotionNotFound(promotion_id)
        return from_item(item)

    def replace(self, tenant_id: str, record: PromotionRecord) -> None:
        try:
            self.table.put(to_item(tenant_id, record), condition="attribute_exists(pk)")
        except ConditionFailed as error:
            raise PromotionNotFound(record.id) from error

    def set_enabled(self, tenant_id: str, promotion_id: str, enabled: bool, now: datetime) -> PromotionRecord:
        try:
            item = self.table.update(
                keys.promotion_key(tenant_id, promotion_id),
                "SET isEnabled = :enabled, updatedAt = :now",
                condition="attribute_exists(pk)",
                values={":enabled": enabled, ":now": format_timestamp(now)},
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
                "SET endAt = :now, updatedAt = :now",
                condition=(
                    "attribute_exists(pk) AND startAt < :now"
                    " AND (attribute_not_exists(endAt) OR endAt > :now)"
                ),
                values={":now": stamp},
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

    def delete(self, tenant_id: str, promotion_id: str) -> None:
        try:
            self.table.delete(keys.promotion_key(tenant_id, promotion_id), condition="attribute_exists(pk)")
        except ConditionFailed as error:
            raise PromotionNotFound(promotion_id) from error

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
