"""Webhooks: register, list, delete, and deliver export-end events to them at least once.

Flow (docs/architecture.md, "Notifications"): the export's end event reaches the webhook queue
(an EventBridge rule); ``fan_out`` makes one delivery per subscribed webhook (once per event)
each as an attempt message on the same queue; a failed attempt queues the next, delayed by
the backoff (SQS delays at most 15 minutes a hop, so a longer wait re-queues until it is due);
after the retry window the delivery is DEAD_LETTERED and copied to the dead-letter queue.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

from offers.clock import format_timestamp, parse_timestamp, utc_now
from offers.errors import InvalidInput
from offers.ids import new_id
from offers.models.webhooks import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Webhook,
    WebhookInput,
    WebhookRecord,
)
from offers.observability import logger
from offers.services import export_events, webhook_delivery
from offers.settings import get_settings
from offers.store import messages
from offers.store.keys import Key
from offers.store.table import Page
from offers.store.webhooks import AttemptAlreadyRecorded, WebhookNotFound, WebhookStore

_store = WebhookStore()
DELIVERY_MESSAGE = "webhook.delivery"


def create_webhook(tenant_id: str, data: WebhookInput) -> Webhook:
    webhook_delivery.check_url(data.url, allow_loopback=get_settings().webhook_allow_loopback)
    record = WebhookRecord(
        id=new_id(),
        url=data.url,
        events=sorted(set(data.events)),
        secret=data.secret or f"whsec_{secrets.token_urlsafe(32)}",
        description=data.description,
        created_at=utc_now(),
    )
    _store.create(tenant_id, record)
    return Webhook.of(record, with_secret=True)


def list_webhooks(tenant_id: str, size: int, start_key: Key | None) -> Page:
    page = _store.list_page(tenant_id, size, start_key)
    return Page([Webhook.of(record) for record in page.items], page.last_key)


def delete_webhook(tenant_id: str, webhook_id: str) -> None:
    _store.delete(tenant_id, webhook_id)


def list_deliveries(tenant_id: str, webhook_id: str, size: int, start_key: Key | None) -> Page:
    _store.get(tenant_id, webhook_id)  # 404 for an unknown (or another tenant's) webhook
    return _store.deliveries_page(tenant_id, webhook_id, size, start_key)


# -- delivery -------------------------------------------------------------------------------------


def fan_out(detail_type: str, detail: dict[str, Any]) -> int:
    """One delivery per webhook subscribed to this event (never two for one event), each handed
    to the queue as its own attempt message, so one slow endpoint never holds up the others and
    a crash between the two steps is repaired when the event message comes back. Returns how
    many attempt messages were sent."""
    event_type = export_events.WEBHOOK_EVENTS.get(detail_type)
    if event_type is None:
        return 0
    tenant_id = detail["tenantId"]
    payload = {
        "id": detail["eventId"],
        "type": event_type.value,
        "createdAt": format_timestamp(utc_now()),
        "data": detail,
    }
    sent = 0
    for webhook in _store.all(tenant_id):
        if event_type not in webhook.events:
            continue
        delivery = Delivery(
            event_id=detail["eventId"],
            event_type=event_type,
            webhook_id=webhook.id,
            status=DeliveryStatus.PENDING,
            payload=payload,
            created_at=utc_now(),
        )
        if not _store.create_delivery(tenant_id, delivery):
            existing = _store.get_delivery(tenant_id, webhook.id, delivery.event_id)
            if existing is None or existing.status != DeliveryStatus.PENDING or existing.attempts:
                continue  # already under way: its own messages carry it
        _queue_attempt(tenant_id, webhook.id, delivery.event_id, attempts=0, due=utc_now())
        sent += 1
    return sent


def _queue_attempt(tenant_id: str, webhook_id: str, event_id: str, *, attempts: int, due: datetime) -> None:
    message = {
        "kind": DELIVERY_MESSAGE,
        "tenantId": tenant_id,
        "webhookId": webhook_id,
        "eventId": event_id,
        "attempt": attempts,  # attempts made before this one
        "notBefore": format_timestamp(due),
    }
    delay = int((due - utc_now()).total_seconds() + 0.999)
    messages.send_message(get_settings().webhook_queue_url, message, delay_seconds=max(delay, 0))


def handle_attempt(message: dict[str, Any]) -> None:
    """An attempt message: attempt when due; a wait longer than SQS's 15 minutes goes round again."""
    due = parse_timestamp(message["notBefore"])
    wait = (due - utc_now()).total_seconds()
    if wait > 1:
        messages.send_message(get_settings().webhook_queue_url, message, delay_seconds=int(wait + 0.999))
        return
    tenant_id, webhook_id, event_id = message["tenantId"], message["webhookId"], message["eventId"]
    delivery = _store.get_delivery(tenant_id, webhook_id, event_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return  # delivered, dead-lettered or cancelled
    made = len(delivery.attempts)
    if made == message["attempt"] + 1 and delivery.next_attempt_at is not None:
        # This attempt was recorded, but the run that recorded it may have died before queueing
        # the next one (this message came back): queue it (a duplicate costs one extra request).
        _queue_attempt(tenant_id, webhook_id, event_id, attempts=made, due=delivery.next_attempt_at)
        return
    if made != message["attempt"]:
        return  # an old message: later attempts were made
    try:
        webhook = _store.get(tenant_id, webhook_id)
    except WebhookNotFound:
        _store.cancel_delivery(tenant_id, delivery)
        return
    _attempt(tenant_id, webhook, delivery)


def _attempt(tenant_id: str, webhook: WebhookRecord, delivery: Delivery) -> None:
    """Send, record the attempt (only one copy of a duplicated message records it), then queue
    the next one; a crash in between brings this message back, which then queues it."""
    settings = get_settings()
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    now = utc_now()
    try:  # again before every attempt: the name may resolve elsewhere than when it was saved
        webhook_delivery.check_url(webhook.url, allow_loopback=settings.webhook_allow_loopback)
    except InvalidInput as refused:  # here a failed attempt, not a 400
        result = webhook_delivery.SendResult(None, f"refused: {refused}", 0)
    else:
        headers = {
            webhook_delivery.SIGNATURE_HEADER: webhook_delivery.sign(webhook.secret, int(time.time()), body),
            webhook_delivery.EVENT_ID_HEADER: delivery.event_id,
            webhook_delivery.EVENT_TYPE_HEADER: delivery.event_type,
        }
        result = webhook_delivery.send(webhook.url, body, headers, timeout=settings.webhook_timeout_seconds)
    attempt = DeliveryAttempt(
        attempted_at=now, status_code=result.status_code, error=result.error, duration_ms=result.duration_ms
    )
    attempts = len(delivery.attempts) + 1
    first = delivery.attempts[0].attempted_at if delivery.attempts else now
    if result.delivered:
        status, next_at = DeliveryStatus.DELIVERED, None
    elif (now - first).total_seconds() >= settings.webhook_retry_window_seconds:
        status, next_at = DeliveryStatus.DEAD_LETTERED, None
    else:
        delay = webhook_delivery.retry_delay(
            attempts, settings.webhook_retry_base_seconds, settings.webhook_retry_max_seconds
        )
        status, next_at = DeliveryStatus.PENDING, now + timedelta(seconds=delay)
    try:
        _store.record_attempt(
            tenant_id,
            delivery,
            attempt,
            status,
            next_attempt_at=_stamp(next_at),
            delivered_at=format_timestamp(now) if result.delivered else None,
        )
    except AttemptAlreadyRecorded:
        return  # a duplicate of this attempt's message got there first and carries on from here
    logger.info(
        "webhook attempt", webhook_id=webhook.id, event_id=delivery.event_id, attempt=attempts, status=status
    )
    if next_at is not None:
        _queue_attempt(tenant_id, webhook.id, delivery.event_id, attempts=attempts, due=next_at)
    elif status == DeliveryStatus.DEAD_LETTERED and settings.webhook_dead_letter_queue_url:
        dead = {
            "tenantId": tenant_id,
            "webhookId": webhook.id,
            "eventId": delivery.event_id,
            "attempts": attempts,
        }
        messages.send_message(settings.webhook_dead_letter_queue_url, dead)


def _stamp(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment else None


def handle_message(body: dict[str, Any]) -> None:
    """One message of the webhook queue: an export-end event (from EventBridge) or a retry."""
    if body.get("kind") == DELIVERY_MESSAGE:
        handle_attempt(body)
    elif body.get("source") == export_events.SOURCE:
        fan_out(body["detail-type"], body["detail"])
    else:
        logger.warning("unknown webhook queue message ignored", keys=sorted(body))
