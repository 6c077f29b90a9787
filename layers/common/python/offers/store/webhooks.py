"""Webhooks and their deliveries in DynamoDB.

A delivery is written once per (webhook, event) with ``attribute_not_exists``, so an export-end
event delivered twice (EventBridge and SQS are at least once) never makes a second delivery.
Each attempt is appended under a condition on the number of attempts so far, so two copies of
one retry message can't both record (and send) the same attempt.
"""

from __future__ import annotations

from typing import Any

from offers.errors import NotFound
from offers.models.webhooks import Delivery, DeliveryAttempt, DeliveryStatus, WebhookRecord
from offers.store import keys
from offers.store.table import ConditionFailed, Page, Table

ENTITY = "WEBHOOK"
DELIVERY_ENTITY = "WEBHOOK_DELIVERY"


class WebhookNotFound(NotFound):
    def __init__(self, webhook_id: str):
        super().__init__(f"webhook {webhook_id} not found")


class AttemptAlreadyRecorded(Exception):
    """Another consumer recorded this attempt (a duplicated retry message)."""


class WebhookStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def create(self, tenant_id: str, record: WebhookRecord) -> None:
        body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
        item = {**keys.webhook_key(tenant_id, record.id), "entity": ENTITY, **body}
        self.table.put(item, condition="attribute_not_exists(pk)")

    def get(self, tenant_id: str, webhook_id: str) -> WebhookRecord:
        item = self.table.get(keys.webhook_key(tenant_id, webhook_id), consistent=True)
        if item is None:
            raise WebhookNotFound(webhook_id)
        return WebhookRecord.model_validate(item)

    def delete(self, tenant_id: str, webhook_id: str) -> None:
        try:
            self.table.delete(keys.webhook_key(tenant_id, webhook_id), condition="attribute_exists(pk)")
        except ConditionFailed as error:
            raise WebhookNotFound(webhook_id) from error

    def list_page(self, tenant_id: str, size: int, start_key: keys.Key | None) -> Page:
        page = self.table.query_page(
            keys.webhooks_partition(tenant_id),
            size=size,
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.WEBHOOK_SK_PREFIX},
            start_key=start_key,
            forward=False,
        )
        return Page([WebhookRecord.model_validate(item) for item in page.items], page.last_key)

    def all(self, tenant_id: str) -> list[WebhookRecord]:
        items = self.table.query_all(
            keys.webhooks_partition(tenant_id),
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.WEBHOOK_SK_PREFIX},
            consistent=True,
        )
        return [WebhookRecord.model_validate(item) for item in items]

    # -- deliveries -----------------------------------------------------------------------------

    def create_delivery(self, tenant_id: str, delivery: Delivery) -> bool:
        """False when this event already has its delivery for this webhook."""
        body = delivery.model_dump(mode="json", by_alias=True, exclude_none=True)
        item = {
            **keys.webhook_delivery_key(tenant_id, delivery.webhook_id, delivery.event_id),
            "entity": DELIVERY_ENTITY,
            **body,
        }
        try:
            self.table.put(item, condition="attribute_not_exists(pk)")
        except ConditionFailed:
            return False
        return True

    def get_delivery(self, tenant_id: str, webhook_id: str, event_id: str) -> Delivery | None:
        item = self.table.get(keys.webhook_delivery_key(tenant_id, webhook_id, event_id), consistent=True)
        return Delivery.model_validate(item) if item else None

    def record_attempt(
        self,
        tenant_id: str,
        delivery: Delivery,
        attempt: DeliveryAttempt,
        status: DeliveryStatus,
        *,
        next_attempt_at: str | None,
        delivered_at: str | None,
    ) -> None:
        values: dict[str, Any] = {
            ":attempt": [attempt.model_dump(mode="json", by_alias=True, exclude_none=True)],
            ":status": status.value,
            ":seen": len(delivery.attempts),
            ":pending": DeliveryStatus.PENDING.value,
        }
        assignments = ["attempts = list_append(attempts, :attempt)", "#status = :status"]
        removals = []
        for name, value in (("nextAttemptAt", next_attempt_at), ("deliveredAt", delivered_at)):
            if value is None:
                removals.append(name)
            else:
                assignments.append(f"{name} = :{name}")
                values[f":{name}"] = value
        update = "SET " + ", ".join(assignments) + (" REMOVE " + ", ".join(removals) if removals else "")
        try:
            self.table.update(
                keys.webhook_delivery_key(tenant_id, delivery.webhook_id, delivery.event_id),
                update,
                condition="size(attempts) = :seen AND #status = :pending",
                names={"#status": "status"},
                values=values,
            )
        except ConditionFailed as error:
            raise AttemptAlreadyRecorded from error

    def cancel_delivery(self, tenant_id: str, delivery: Delivery) -> None:
        self.table.update(
            keys.webhook_delivery_key(tenant_id, delivery.webhook_id, delivery.event_id),
            "SET #status = :cancelled REMOVE nextAttemptAt",
            names={"#status": "status"},
            values={":cancelled": DeliveryStatus.CANCELLED.value},
        )

    def deliveries_page(self, tenant_id: str, webhook_id: str, size: int, start_key: keys.Key | None) -> Page:
        """Newest event first."""
        page = self.table.query_page(
            keys.webhook_deliveries_partition(tenant_id, webhook_id),
            size=size,
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.DELIVERY_SK_PREFIX},
            start_key=start_key,
            forward=False,
            consistent=True,
        )
        return Page([Delivery.model_validate(item) for item in page.items], page.last_key)
