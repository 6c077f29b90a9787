"""POST /redemptions: DynamoDB round trips and capacity per request, and handler overhead.

1. Round trips and capacity: the real handler on the emulated table (moto), for a plain
   promotion and for a coupon code with every limit and an idempotency key. Calls are
   counted with botocore events; capacity follows DynamoDB's pricing rules (a strongly
   consistent read: 1 RCU per 4 KB per item; a transactional write: 2 WCU per KB per item,
   condition checks included), from the sizes of the items involved.
2. Handler overhead: the same handler with the store replaced by a recording fake (no I/O),
   so what is timed is routing, tenancy, validation, business rules and serialization.
   Printed in microseconds and as a ratio to a bare pydantic validate + dump of the same
   payload, measured in the same run.

Usage: python bench/redemptions.py [--requests N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common" / "python")]
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")

from local.functions import LambdaContext  # noqa: E402
from local.samples import load_event  # noqa: E402
from local.stack import LocalStack  # noqa: E402

TENANT = "000000000000000000000001"


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB item size: attribute name bytes + value bytes (numbers approximated by digits)."""

    def value_size(value: dict[str, Any]) -> int:
        ((kind, raw),) = value.items()
        if kind in ("S", "B"):
            return len(raw.encode() if isinstance(raw, str) else raw)
        if kind == "N":
            return math.ceil(len(raw.lstrip("-").replace(".", "")) / 2) + 1
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "M":
            return 3 + sum(len(k.encode()) + value_size(v) for k, v in raw.items())
        if kind == "L":
            return 3 + sum(value_size(v) + 1 for v in raw)
        if kind == "SS":
            return sum(len(s.encode()) for s in raw)
        return 0

    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


class CallRecorder:
    """Counts DynamoDB calls and estimates their capacity from the items they touch."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.rcu = 0.0
        self.wcu = 0.0
        self._looking = False  # the recorder's own look-ups are not the request's work

    def attach(self, client: Any) -> None:
        client.meta.events.register("provide-client-params.dynamodb.*", self._before)
        client.meta.events.register("after-call.dynamodb.*", self._after)
        self._client = client

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self._looking:
            return
        self.calls[model.name] += 1
        if model.name == "TransactWriteItems":
            for entry in params["TransactItems"]:
                ((_kind, operation),) = entry.items()
                item = operation.get("Item")
                if item is None:  # Update / ConditionCheck / Delete: size of the stored item
                    self._looking = True
                    try:
                        found = self._client.get_item(TableName=operation["TableName"], Key=operation["Key"])
                    finally:
                        self._looking = False
                    item = found.get("Item") or operation["Key"]
                self.wcu += 2 * math.ceil(max(item_size(item), 1) / 1024)

    def _after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if self._looking:
            return
        if model.name == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                self.rcu += sum(math.ceil(max(item_size(i), 1) / 4096) for i in items)
        elif model.name == "GetItem" and parsed.get("Item"):
            self.rcu += math.ceil(item_size(parsed["Item"]) / 4096)


def http_event(body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    event = load_event("CreateRedemptionFunction")
    event["body"] = json.dumps(body)
    event["headers"] = {**event["headers"], **(headers or {})}
    event["headers"].pop("x-fabric-request-id", None)
    event["requestContext"]["authorizer"]["lambda"]["tenantId"] = TENANT
    event["headers"]["x-fabric-tenant-id"] = TENANT
    return event


def round_trips() -> None:
    stack = LocalStack().start()
    assert stack.functions is not None
    create = stack.functions.handler("CreateRedemptionFunction")
    context = LambdaContext("bench", 1024, 10)
    from offers.models.coupons import CouponInput  # after the stack has set the environment
    from offers.models.promotions import PromotionInput
    from offers.services import coupons, promotions
    from offers.store.clients import dynamodb

    base = {
        "name": "Bench",
        "type": "CART",
        "startAt": "2025-01-01T00:00:00Z",
        "discounts": [{"unit": "PERCENTAGE_OFF", "value": 10}],
    }
    plain = promotions.create_promotion(TENANT, PromotionInput.model_validate(base))
    limited = coupons.create_coupon(
        TENANT,
        CouponInput.model_validate(
            {
                **base,
                "couponCodes": [f"BENCH{i}" for i in range(50)],
                "limits": [
                    {"type": "CODE", "quantity": 1},
                    {"type": "SITE_WIDE", "quantity": 1000},
                    {"type": "CUSTOMER", "quantity": 5},
                ],
            }
        ),
    )
    recorder = CallRecorder()
    recorder.attach(dynamodb())
    scenarios = {
        "plain promotion": lambda i: http_event({"orderId": f"p-{i}", "promotionId": plain.id}),
        "coupon code, all limits, idempotency key": lambda i: http_event(
            {"orderId": f"c-{i}", "promotionId": limited.id, "couponCode": f"BENCH{i}", "userId": f"u-{i}"},
            {"idempotency-key": f"key-{i}"},
        ),
    }
    print("1. DynamoDB work per POST /redemptions (emulated table; capacity by DynamoDB's rules)")
    print(f"   {'scenario':42} {'round trips':>11}  {'calls':34} {'RCU':>5} {'WCU':>5}")
    for name, make_event in scenarios.items():
        runs = 20
        recorder.calls.clear()
        recorder.rcu = recorder.wcu = 0.0
        for i in range(runs):
            result = create(make_event(i), context)
            assert result["statusCode"] == 201, result["body"]
        per_call = {op: n / runs for op, n in recorder.calls.items() if n}
        trips = sum(per_call.values())
        calls = ", ".join(f"{op} {n:g}" for op, n in sorted(per_call.items()))
        print(f"   {name:42} {trips:>11g}  {calls:34} {recorder.rcu / runs:5.1f} {recorder.wcu / runs:5.1f}")
    stack.stop()


class FakeTable:
    """Stands in for DynamoDB in the overhead measurement: records, never waits."""

    writes = 0

    def transact_write(self, operations: list[dict[str, Any]], **_: Any) -> None:
        FakeTable.writes += len(operations)


def overhead(requests: int) -> None:
    stack = LocalStack().start()
    assert stack.functions is not None
    create = stack.functions.handler("CreateRedemptionFunction")
    from offers.models.promotions import PromotionRecord
    from offers.models.redemptions import Redemption, RedemptionInput
    from offers.services import redemptions
    from offers.store.redemptions import RedemptionContext

    promotion = PromotionRecord.model_validate(
        {
            "id": "6740e1f2a1b2c3d4e5f60718",
            "promoId": 100001,
            "name": "Bench",
            "type": "CART",
            "startAt": "2025-01-01T00:00:00Z",
            "discounts": [{"unit": "PERCENTAGE_OFF", "value": 10}],
            "limits": [{"type": "SITE_WIDE", "quantity": 10**9}, {"type": "CUSTOMER", "quantity": 10**9}],
            "createdAt": "2025-01-01T00:00:00Z",
            "updatedAt": "2025-01-01T00:00:00Z",
        }
    )

    class FakeStore(type(redemptions._store)):  # type: ignore[misc]
        def read_context(self, *_: Any, **__: Any) -> RedemptionContext:
            return RedemptionContext(
                promotion=promotion, pending_generations=set(), code=None, idempotency=None
            )

    redemptions._store = FakeStore()
    redemptions.Table = FakeTable  # type: ignore[misc, assignment]
    body = {
        "orderId": "order-1",
        "promotionId": promotion.id,
        "userId": "customer-42",
        "email": "ana@example.com",
        "storeId": "store-7",
        "additionalAttributes": [{"name": "channel", "values": ["web"]}],
    }
    event = http_event(body)
    context = LambdaContext("bench", 1024, 10)
    raw = json.dumps(body)
    sample = Redemption.model_validate(
        {
            **body,
            "id": promotion.id,
            "promotionId": promotion.id,
            "promotionName": "Bench",
            "promotionAdditionalAttributes": [],
            "couponCode": None,
            "redeemedAt": "2026-01-01T00:00:00Z",
            "status": "ACTIVE",
            "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-01T00:00:00Z",
        }
    )

    def bare() -> None:
        RedemptionInput.model_validate_json(raw)
        sample.model_dump_json(by_alias=True)

    def handler() -> None:
        assert create(event, context)["statusCode"] == 201

    for _ in range(200):  # warm up both
        bare()
        handler()
    rounds: dict[str, list[float]] = {"handler": [], "bare": []}
    for _ in range(5):
        for name, fn in (("handler", handler), ("bare", bare)):
            start = time.perf_counter()
            for _ in range(requests):
                fn()
            rounds[name].append((time.perf_counter() - start) / requests * 1e6)
    handler_us = statistics.median(rounds["handler"])
    bare_us = statistics.median(rounds["bare"])
    print("\n2. In-process overhead per POST /redemptions (store replaced by a recording fake)")
    print(f"   handler (routing, tenancy, validation, rules, serialization): {handler_us:8.1f} us")
    print(f"   bare pydantic validate + dump of the same payload:             {bare_us:8.1f} us")
    print(f"   ratio handler / bare:                                          {handler_us / bare_us:8.1f}")
    writes = FakeTable.writes // (requests * 5 + 200)
    print(f"   ({requests} requests x 5 rounds, medians; {writes} transaction items per request)")
    stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    round_trips()
    overhead(args.requests)


if __name__ == "__main__":
    main()
