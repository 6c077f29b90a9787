"""SQS messages (webhook work) and EventBridge events (export ends)."""

from __future__ import annotations

import json
from typing import Any

from offers.store.clients import client

MAX_DELAY_SECONDS = 900  # SQS's per-message maximum


def send_message(queue_url: str, body: dict[str, Any], *, delay_seconds: int = 0) -> None:
    client("sqs").send_message(
        QueueUrl=queue_url,
        MessageBody=json.dumps(body, separators=(",", ":")),
        DelaySeconds=max(0, min(delay_seconds, MAX_DELAY_SECONDS)),
    )


def put_event(bus_name: str, source: str, detail_type: str, detail: dict[str, Any]) -> None:
    response = client("events").put_events(
        Entries=[
            {
                "EventBusName": bus_name,
                "Source": source,
                "DetailType": detail_type,
                "Detail": json.dumps(detail, separators=(",", ":")),
            }
        ]
    )
    if response.get("FailedEntryCount"):
        entry = response["Entries"][0]
        raise RuntimeError(
            f"PutEvents refused the event: {entry.get('ErrorCode')} {entry.get('ErrorMessage')}"
        )
