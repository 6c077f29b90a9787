"""Webhooks on moto: CRUD and validation, and real deliveries over HTTP to a receiver on
127.0.0.1: the export's end event goes EventBridge -> the webhook queue -> the consumer (the
template's SQS event source, polled here), signed, retried with backoff, dead-lettered."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

import boto3
import pytest

from local.stack import LocalStack
from local.template import LOCAL_REGION
from offers.settings import get_settings
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import wait_until
from tests.support.receiver import WebhookReceiver

SECRET = "whsec_test_0123456789abcdef"


def register(api: ApiClient, url: str, events=("export.completed",), **extra) -> dict:
    response = api.post("/webhooks", {"url": url, "events": list(events), "secret": SECRET, **extra})
    assert response.status == 201, response.body
    return response.json()


def finished_export(api: ApiClient) -> dict:
    created = api.post("/offers-exports", {"type": "REDEMPTION"}).json()
    return wait_until(
        lambda: (
            (e := api.get(f"/offers-exports/{created['exportId']}").json())["status"] != "IN_PROGRESS" and e
        ),
        timeout=120,
    )


def deliver_until(stack: LocalStack, condition, timeout: float = 60):
    """Lambda's SQS poller, by hand: poll the webhook queue until ``condition()`` holds."""

    def step():
        for queue in stack.queues:
            queue.poll_once()
        return condition()

    return wait_until(step, timeout=timeout, interval=0.2)


def verify_signature(secret: str, header: str, body: bytes, now: float) -> bool:
    """The README's recipe, written out independently of the service's code."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    signed = fields["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(now - int(fields["t"])) <= 300


# -- the resource -------------------------------------------------------------------------------


def test_given_a_webhook_when_created_then_201_with_its_secret_once_and_listed_without_it(api: ApiClient):
    created = api.post("/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["export.completed"]})
    assert created.status == 201, created.body
    body = created.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 30
    listed = api.get("/webhooks").json()["data"]
    assert [w["id"] for w in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert listed[0]["events"] == ["export.completed"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://10.1.2.3/hook", "events": ["export.completed"]}, "url"),
        ({"url": "ftp://127.0.0.1/hook", "events": ["export.completed"]}, "url"),
        ({"url": "http://127.0.0.1/hook", "events": ["export.started"]}, "events[0]"),
        ({"url": "http://127.0.0.1/hook", "events": []}, "events"),
        ({"url": "http://127.0.0.1/hook", "events": ["export.failed"], "secret": "short"}, "secret"),
    ],
)
def test_given_an_invalid_webhook_then_400_naming_the_field(api: ApiClient, body, field):
    response = api.post("/webhooks", body)
    assert response.status == 400, response.body
    assert field in [d["field"] for d in response.json()["details"]]
    assert api.get("/webhooks").json()["data"] == []


def test_given_another_tenants_webhook_then_invisible_and_undeletable(api: ApiClient):
    webhook = register(api, "http://127.0.0.1:9/hook")
    other = api.as_tenant(TENANT_B)
    assert other.get("/webhooks").json()["data"] == []
    assert other.get(f"/webhooks/{webhook['id']}/deliveries").status == 404
    assert other.delete(f"/webhooks/{webhook['id']}").status == 404
    assert api.delete(f"/webhooks/{webhook['id']}").status == 204
    assert api.get(f"/webhooks/{webhook['id']}/deliveries").status == 404
    assert api.delete(f"/webhooks/{webhook['id']}").status == 404


# -- deliveries ---------------------------------------------------------------------------------


def test_given_a_receiver_failing_three_times_then_the_fourth_attempt_delivers_a_verifiable_event(
    api: ApiClient, stack: LocalStack
):
    with WebhookReceiver(statuses=[500, 503, 500]) as receiver:
        webhook = register(api, receiver.url)
        other_tenant_hook = register(api.as_tenant(TENANT_B), receiver.url)
        export = finished_export(api)
        assert export["status"] == "COMPLETED"
        deliver_until(stack, lambda: len(receiver.requests) >= 4)
        time.sleep(0.5)  # nothing more should come: it was delivered
        assert len(receiver.requests) == 4

    last = receiver.requests[-1]
    assert verify_signature(SECRET, last.headers["offers-signature"], last.body, now=last.at)
    assert not verify_signature(
        "another-secret-entirely", last.headers["offers-signature"], last.body, last.at
    )
    event = json.loads(last.body)
    event_ids = {r.headers["offers-event-id"] for r in receiver.requests}
    assert event_ids == {event["id"]} == {f"{export['exportId']}.COMPLETED"}  # stable across attempts
    assert {json.loads(r.body)["id"] for r in receiver.requests} == {event["id"]}
    assert event["type"] == "export.completed"
    assert event["data"] == {
        "eventId": event["id"],
        "tenantId": api.tenant_id,
        "exportId": export["exportId"],
        "dialect": "fabric",
        "type": "REDEMPTION",
        "status": "COMPLETED",
        "rows": export["totalDataExported"],
        "fileId": export["fileId"],
        "startedAt": export["startedAt"],
        "endedAt": export["endedAt"],
        "errors": [],
    }
    gaps = [b.at - a.at for a, b in zip(receiver.requests, receiver.requests[1:], strict=False)]
    assert gaps[0] >= 0.9 and gaps[1] >= 1.9 and gaps[2] >= 3.9  # 1 s, 2 s, 4 s: exponential

    deliveries = api.get(f"/webhooks/{webhook['id']}/deliveries").json()["data"]
    assert len(deliveries) == 1
    delivery = deliveries[0]
    assert (delivery["eventId"], delivery["status"], delivery["eventType"]) == (
        event["id"],
        "DELIVERED",
        "export.completed",
    )
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 503, 500, 200]
    assert delivery["deliveredAt"] and delivery["nextAttemptAt"] is None
    # the other tenant's webhook heard nothing of this tenant's export
    assert api.as_tenant(TENANT_B).get(f"/webhooks/{other_tenant_hook['id']}/deliveries").json()["data"] == []


def test_given_the_end_event_announced_twice_then_one_delivery(api: ApiClient, stack: LocalStack):
    from offers.services import export_engine

    with WebhookReceiver() as receiver:
        webhook = register(api, receiver.url)
        export = finished_export(api)
        export_engine.finalize_export(api.tenant_id, export["exportId"])  # a retried finalize re-announces
        deliver_until(stack, lambda: len(receiver.requests) >= 1)
        for _ in range(5):
            for queue in stack.queues:
                queue.poll_once()
    assert len(receiver.requests) == 1
    assert len(api.get(f"/webhooks/{webhook['id']}/deliveries").json()["data"]) == 1


def test_given_a_failed_export_then_an_export_failed_event_for_webhooks_that_asked(
    api: ApiClient, stack: LocalStack
):
    from offers.clock import utc_now
    from offers.ids import new_id
    from offers.models.exports import ExportRecord
    from offers.services import export_engine
    from offers.store.exports import ExportStore

    record = ExportRecord(
        export_id=new_id(), type="REDEMPTION", status="IN_PROGRESS", filters=[], spec={}, started_at=utc_now()
    )
    ExportStore().create(api.tenant_id, record)
    with WebhookReceiver() as receiver:
        completed_only = register(api, receiver.url)
        failed = register(api, receiver.url, events=["export.failed"])
        export_engine.fail_export(api.tenant_id, record.export_id, {"Error": "Boom", "Cause": "segment lost"})
        deliver_until(stack, lambda: len(receiver.requests) >= 1)
    event = json.loads(receiver.requests[0].body)
    assert (event["type"], event["data"]["status"], event["data"]["exportId"]) == (
        "export.failed",
        "ERROR",
        record.export_id,
    )
    assert event["data"]["errors"] == [{"type": "Boom", "message": "segment lost"}]
    assert len(api.get(f"/webhooks/{failed['id']}/deliveries").json()["data"]) == 1
    assert api.get(f"/webhooks/{completed_only['id']}/deliveries").json()["data"] == []


def test_given_a_receiver_that_never_answers_2xx_then_dead_lettered_after_the_window(
    api: ApiClient, stack: LocalStack, monkeypatch
):
    monkeypatch.setenv("WEBHOOK_RETRY_WINDOW_SECONDS", "3")
    get_settings.cache_clear()
    try:
        with WebhookReceiver(statuses=[500] * 50) as receiver:
            webhook = register(api, receiver.url)
            finished_export(api)

            def dead() -> dict | None:
                data = api.get(f"/webhooks/{webhook['id']}/deliveries").json()["data"]
                return data and data[0]["status"] == "DEAD_LETTERED" and data[0]

            delivery = deliver_until(stack, dead)
    finally:
        get_settings.cache_clear()
    assert len(delivery["attempts"]) == len(receiver.requests) >= 3
    assert {a["statusCode"] for a in delivery["attempts"]} == {500}
    sqs = boto3.client("sqs", region_name=LOCAL_REGION)
    url = sqs.get_queue_url(QueueName="offers-local-WebhookDeadLetterQueue")["QueueUrl"]
    dead_letters = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url).get("Messages", [])]
    assert [(m["webhookId"], m["eventId"]) for m in dead_letters] == [(webhook["id"], delivery["eventId"])]


def test_given_a_webhook_deleted_while_retrying_then_its_delivery_is_cancelled(
    api: ApiClient, stack: LocalStack
):
    with WebhookReceiver(statuses=[500] * 10) as receiver:
        webhook = register(api, receiver.url)
        finished_export(api)
        deliver_until(stack, lambda: len(receiver.requests) >= 1)
        deliveries = api.get(f"/webhooks/{webhook['id']}/deliveries").json()["data"]
        assert api.delete(f"/webhooks/{webhook['id']}").status == 204
        started = datetime.now(UTC)
        deliver_until(stack, lambda: (datetime.now(UTC) - started).total_seconds() > 2.5)
    assert len(receiver.requests) == 1
    assert deliveries[0]["status"] == "PENDING" and deliveries[0]["nextAttemptAt"]


def test_given_the_consumer_dies_after_recording_an_attempt_then_the_next_attempt_still_happens(
    api: ApiClient, stack: LocalStack, monkeypatch
):
    """Recorded, but the next attempt never queued (the function died): the message comes back
    after its visibility timeout and queues it, so the delivery is not stranded PENDING."""
    from offers.services import webhooks

    queue_attempt = webhooks._queue_attempt
    crashes = []

    def dying_queue_attempt(*args, attempts: int, **kwargs):
        if attempts == 1 and not crashes:
            crashes.append(attempts)
            raise RuntimeError("function timed out")
        return queue_attempt(*args, attempts=attempts, **kwargs)

    monkeypatch.setattr(webhooks, "_queue_attempt", dying_queue_attempt)
    with WebhookReceiver(statuses=[500]) as receiver:
        webhook = register(api, receiver.url)
        finished_export(api)
        deliver_until(stack, lambda: len(receiver.requests) >= 2, timeout=90)
    assert crashes == [1]
    delivery = api.get(f"/webhooks/{webhook['id']}/deliveries").json()["data"][0]
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 200]
    assert delivery["status"] == "DELIVERED"
