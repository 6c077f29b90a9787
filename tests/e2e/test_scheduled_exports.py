"""A schedule on the local server fires by itself: `rate(1 minute)` makes an export within about
a minute of its scheduled time, the export can be downloaded, and a webhook on 127.0.0.1 hears
that it completed (the local server plays EventBridge Scheduler and the SQS poller)."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from datetime import datetime

from tests.support.client import ApiClient
from tests.support.factories import promotion_body, wait_until
from tests.support.receiver import WebhookReceiver

TENANT = "5c5c5c5c5c5c5c5c5c5c5c5c"


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_given_a_rate_schedule_then_the_server_runs_it_and_its_export_downloads(http_api: ApiClient):
    api = http_api.as_tenant(TENANT)
    offer = api.post("/promotions", promotion_body(limits=[])).json()
    for n in range(3):
        assert api.post("/redemptions", {"orderId": f"sched-{n}", "promotionId": offer["id"]}).status == 201

    with WebhookReceiver() as receiver:
        assert api.post("/webhooks", {"url": receiver.url, "events": ["export.completed"]}).status == 201
        created = api.post(
            "/export-schedules",
            {
                "name": "Every minute",
                "expression": "rate(1 minute)",
                "export": {
                    "dialect": "fabric",
                    "body": {
                        "type": "REDEMPTION",
                        "filters": [
                            {"field": "redeemedAt", "operator": "LESS_THAN", "value": "$scheduledTime"}
                        ],
                    },
                },
            },
        )
        assert created.status == 201, created.body
        schedule = created.json()
        first_due = stamp(schedule["nextRunAt"])

        def first_run() -> dict | None:
            runs = api.get(f"/export-schedules/{schedule['id']}").json()["lastRuns"]
            return runs[-1] if runs else None

        run = wait_until(first_run, timeout=180, interval=1)
        assert stamp(run["scheduledTime"]) == first_due  # the scheduled time, not the tick's
        export = api.get(f"/offers-exports/{run['exportId']}").json()
        assert (export["scheduleId"], export["scheduledTime"]) == (schedule["id"], run["scheduledTime"])
        assert stamp(export["startedAt"]) >= first_due  # never before its time

        def completed() -> dict | None:
            current = api.get(f"/offers-exports/{run['exportId']}").json()
            return current if current["status"] == "COMPLETED" else None

        export = wait_until(completed, timeout=120, interval=0.5)
        link = api.post("/offers-exports/actions/download-export-file", {"fileId": export["fileId"]}).json()
        with urllib.request.urlopen(link["url"], timeout=30) as response:
            rows = list(csv.reader(io.StringIO(response.read().decode())))
        assert rows[0][0] == "redemptionId"
        assert sorted(row[1] for row in rows[1:]) == ["sched-0", "sched-1", "sched-2"]

        def heard() -> list | None:
            events = [json.loads(r.body) for r in receiver.requests]
            return [e for e in events if e["data"]["exportId"] == export["exportId"]] or None

        event = wait_until(heard, timeout=60)[0]
        assert (event["type"], event["data"]["scheduleId"], event["data"]["rows"]) == (
            "export.completed",
            schedule["id"],
            3,
        )
    assert api.delete(f"/export-schedules/{schedule['id']}").status == 204
