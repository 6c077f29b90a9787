"""Scheduled exports and webhooks: what a scheduled run costs in AWS requests, and how late the
local server makes its exports and delivers its webhooks.

1. Requests per scheduled run (in process, on moto): one firing of a schedule whose export
   has a few rows, through the real path (RunScheduleFunction -> state machine -> plan, one
   segment, finalize -> EventBridge -> webhook queue -> delivery to a receiver on 127.0.0.1),
   counting every AWS API call the functions make and every Lambda invocation. The baseline is
   the same export started by POST /offers-exports: the difference is what scheduling adds.
2. Lag on the local server (`make serve`, real HTTP, the local scheduler ticking every
   OFFERS_SCHEDULER_TICK_SECONDS): a rate(1 minute) schedule, N runs; for each, export
   startedAt - scheduledTime, and webhook arrival - export endedAt. Printed as median and worst,
   and as a ratio of the tick (the bound the local scheduler is designed to).

Usage: python bench/schedules.py [--runs 10] [--skip-lag]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common" / "python")]
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.update({"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"})

import boto3  # noqa: E402

from local import devtokens  # noqa: E402
from local.stack import LocalStack  # noqa: E402
from tests.support.client import ApiClient, http_sender  # noqa: E402
from tests.support.factories import promotion_body, wait_until  # noqa: E402
from tests.support.receiver import WebhookReceiver  # noqa: E402

TENANT = "be0cbe0cbe0cbe0cbe0cbe0c"


def schedule_body(expression: str) -> dict:
    return {
        "name": "bench",
        "expression": expression,
        "export": {
            "dialect": "fabric",
            "body": {
                "type": "REDEMPTION",
                "filters": [{"field": "redeemedAt", "operator": "LESS_THAN", "value": "$scheduledTime"}],
            },
        },
    }


class CallCounter:
    """Every AWS API call made through the default boto3 session (the functions' clients)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        session = boto3.DEFAULT_SESSION or boto3.setup_default_session() or boto3.DEFAULT_SESSION
        session.events.register("before-call.*.*", self._count, unique_id="bench-count")

    def _count(self, model, **_: object) -> None:  # type: ignore[no-untyped-def]
        self.calls[f"{model.service_model.service_name}.{model.name}"] += 1

    def snapshot(self) -> Counter[str]:
        return Counter(self.calls)


def requests_per_run() -> None:
    from local.functions import LocalFunctions

    invocations: Counter[str] = Counter()
    invoke = LocalFunctions.invoke

    def counting_invoke(self: LocalFunctions, name: str, event: object) -> object:
        invocations[self.spec(name).logical_id] += 1
        return invoke(self, name, event)

    LocalFunctions.invoke = counting_invoke  # type: ignore[method-assign] - every path, Step Functions' too
    stack = LocalStack().start()
    counter = CallCounter()
    api = ApiClient(stack.gateway.handle, stack.token, TENANT)
    offer = api.post("/promotions", promotion_body(limits=[])).json()
    for n in range(3):
        api.post("/redemptions", {"orderId": f"bench-{n}", "promotionId": offer["id"]})
    schedule = api.post("/export-schedules", schedule_body("rate(1 hour)")).json()
    definition = boto3.client("scheduler").get_schedule(
        GroupName="offers-local-exports", Name=f"{TENANT}-{schedule['id']}"
    )

    def fire() -> None:  # what EventBridge Scheduler does at the scheduled time
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        event = json.loads(definition["Target"]["Input"].replace("<aws.scheduler.scheduled-time>", now))
        stack.functions.invoke(definition["Target"]["Arn"], event)

    def on_demand() -> None:
        api.post("/offers-exports", {"type": "REDEMPTION"})

    def measure(start) -> tuple[Counter[str], Counter[str]]:  # type: ignore[no-untyped-def]
        with WebhookReceiver() as receiver:
            hook = api.post("/webhooks", {"url": receiver.url, "events": ["export.completed"]}).json()
            before, invoked_before = counter.snapshot(), Counter(invocations)
            start()  # then nothing but the queue poller until the webhook arrives
            wait_until(lambda: [q.poll_once() for q in stack.queues] and receiver.requests, timeout=120)
            calls, invoked = counter.snapshot() - before, Counter(invocations) - invoked_before
            api.delete(f"/webhooks/{hook['id']}")
        return calls, invoked

    base_calls, base_invoked = measure(on_demand)
    calls, invoked = measure(fire)
    stack.stop()
    LocalFunctions.invoke = invoke  # type: ignore[method-assign]
    print("\n== AWS requests per run (3-row export, 1 segment, 1 webhook delivered at the first attempt) ==")
    print(f"{'request':44} {'scheduled':>9} {'POST export':>11}")
    idle_polls = ("sqs.ReceiveMessage",)  # the SQS poller's empty receives: time-, not run-dependent
    for name in sorted(set(calls) | set(base_calls)):
        note = "  (local poller; empty polls vary)" if name in idle_polls else ""
        print(f"{name:44} {calls[name]:9d} {base_calls[name]:11d}{note}")
    print(f"{'Lambda invocations':44} {sum(invoked.values()):9d} {sum(base_invoked.values()):11d}")
    for name in sorted(set(invoked) | set(base_invoked)):
        print(f"  {name:42} {invoked[name]:9d} {base_invoked[name]:11d}")
    print("scheduled adds: 1 EventBridge Scheduler invocation; both: 1 Step Functions execution, and")
    print("per queue message (the end event, each attempt) 1 receive + 1 delete by Lambda's poller;")
    print("the end event's send is EventBridge's (the attempts' sends are counted above)")


def lag(runs: int) -> None:
    from tests.e2e.conftest import _start_server, _stop

    tick = os.environ.get("OFFERS_SCHEDULER_TICK_SECONDS", "1")
    server = _start_server({"OFFERS_SCHEDULER_TICK_SECONDS": tick})
    key = devtokens.load_or_create_key()
    api = ApiClient(http_sender(server.url), lambda t: devtokens.mint_token(key, tenant_id=t), TENANT)
    try:
        with WebhookReceiver() as receiver:
            api.post("/webhooks", {"url": receiver.url, "events": ["export.completed"]})
            schedule = api.post("/export-schedules", schedule_body("rate(1 minute)")).json()
            minutes = runs + 1
            print(f"\n== local lag over {runs} runs of rate(1 minute), tick {tick} s (~{minutes} minutes) ==")
            exports: dict[str, dict] = {}
            deadline = time.monotonic() + (runs + 2) * 60 + 60
            while len(exports) < runs and time.monotonic() < deadline:
                time.sleep(2)
                for run in api.get(f"/export-schedules/{schedule['id']}").json()["lastRuns"]:
                    exports.setdefault(run["exportId"], run)
            api.delete(f"/export-schedules/{schedule['id']}")
            creation, delivery = [], []
            for export_id, run in sorted(exports.items())[:runs]:
                export = wait_until(
                    lambda e=export_id: (
                        (x := api.get(f"/offers-exports/{e}").json())["status"] == "COMPLETED" and x
                    ),
                    timeout=120,
                )
                scheduled = datetime.fromisoformat(run["scheduledTime"].replace("Z", "+00:00"))
                started = datetime.fromisoformat(export["startedAt"].replace("Z", "+00:00"))
                ended = datetime.fromisoformat(export["endedAt"].replace("Z", "+00:00"))
                creation.append((started - scheduled).total_seconds())
                arrived = wait_until(
                    lambda e=export_id: next(
                        (r.at for r in receiver.requests if json.loads(r.body)["data"]["exportId"] == e), None
                    ),
                    timeout=60,
                )
                delivery.append(arrived - ended.timestamp())
    finally:
        _stop(server)
    for label, values in (
        ("scheduled time -> export created", creation),
        ("export ended -> webhook received", delivery),
    ):
        print(
            f"{label:34} median {statistics.median(values):6.2f} s  worst {max(values):6.2f} s"
            f"  (median / tick {statistics.median(values) / float(tick):.2f}, n={len(values)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--skip-lag", action="store_true")
    args = parser.parse_args()
    started = datetime.now(UTC)
    requests_per_run()
    if not args.skip_lag:
        lag(args.runs)
    print(f"\n(bench took {(datetime.now(UTC) - started).total_seconds():.0f} s)")


if __name__ == "__main__":
    main()
