"""Webhooks: a tenant's HTTPS endpoints told when its exports end, and each delivery's attempts."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from offers.models.base import ApiModel, ObjectId, RequestModel, Timestamp


class WebhookEvent(StrEnum):
    EXPORT_COMPLETED = "export.completed"
    EXPORT_FAILED = "export.failed"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # not yet attempted, or waiting for its next attempt
    DELIVERED = "DELIVERED"
    DEAD_LETTERED = "DEAD_LETTERED"  # every attempt for the retry window failed
    CANCELLED = "CANCELLED"  # the webhook was deleted before it was delivered


Secret = Annotated[str, StringConstraints(min_length=16, max_length=256)]


class WebhookInput(RequestModel):
    """Body of POST /webhooks. Without ``secret`` one is generated and shown once."""

    url: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2048)]
    events: list[WebhookEvent] = Field(min_length=1, max_length=len(WebhookEvent))
    secret: Secret | None = None
    description: Annotated[str, StringConstraints(max_length=512)] | None = None


class WebhookRecord(ApiModel):
    model_config = {"extra": "ignore"}

    id: ObjectId
    url: str
    events: list[WebhookEvent]
    secret: str
    description: str | None = None
    created_at: Timestamp


class Webhook(ApiModel):
    """As returned: never the secret, except in the answer to its creation."""

    id: str
    url: str
    events: list[WebhookEvent]
    description: str | None
    created_at: Timestamp
    secret: str | None = Field(default=None, exclude_if=lambda value: value is None)

    @classmethod
    def of(cls, record: WebhookRecord, *, with_secret: bool = False) -> Webhook:
        return cls(
            id=record.id,
            url=record.url,
            events=record.events,
            description=record.description,
            created_at=record.created_at,
            secret=record.secret if with_secret else None,
        )


class DeliveryAttempt(ApiModel):
    attempted_at: Timestamp
    status_code: int | None = None
    error: str | None = None
    duration_ms: int


class Delivery(ApiModel):
    """One event for one webhook, delivered at least once, retried until the window ends."""

    model_config = {"extra": "ignore"}

    event_id: str
    event_type: WebhookEvent
    webhook_id: str
    status: DeliveryStatus
    payload: dict[str, Any]
    created_at: Timestamp
    attempts: list[DeliveryAttempt] = Field(default_factory=list)
    next_attempt_at: Timestamp | None = None
    delivered_at: Timestamp | None = None
