"""Gift cards and loyalty cards: DynamoDB round trips per balance change and per spend, and
concurrent spends against one card.

1. Round trips: the real handlers (through the emulated HTTP API, in process, on moto), with
   every DynamoDB call counted by a botocore event hook on the service's own client. The goal
   is one transactional write and at most one read per balance change and per spend (a loyalty
   card's read is one Query that brings the card and its active points buckets); the baseline
   printed beside it is what a read-then-write design needs (read, conditional update, put of
   the transaction, and for a loyalty card a read of its buckets).
2. Concurrency: the local server (worker processes, as Lambda runs them; moto behind it) gets
   50 simultaneous spends of 100 against a gift card holding exactly 2,000: 20 must succeed,
   30 get a 400 ``not_enough_balance``, the balance ends at 0 and the sum of the card's ledger
   equals it. moto answers one call at a time and never reports transaction conflicts, so the
   races here are lost version conditions (re-planned from the card the failure returns);
   conflicts are injected in tests/integration/test_voucherify_cards_api.py.

Usage: python bench/cards.py [--spends 50] [--covered 20]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common" / "python")]
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
for name, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}.items():
    os.environ.setdefault(name, value)

from local import appkeys  # noqa: E402
from local.gateway import HttpRequest  # noqa: E402
from local.server import _Holder, make_server  # noqa: E402
from local.stack import LocalStack, ServerStack  # noqa: E402
from tests.support.client import http_sender  # noqa: E402

TENANT = "000000000000000000000042"
SPEND = 100


class Client:
    """The Voucherify dialect over a gateway (in process) or a sender (HTTP)."""

    def __init__(self, send: Any, app_id: str, app_token: str):
        self.send, self.app_id, self.app_token = send, app_id, app_token

    def call(self, method: str, path: str, body: Any = None, query: str = "") -> tuple[int, Any]:
        headers = {"host": "bench.local", "x-app-id": self.app_id, "x-app-token": self.app_token}
        raw = b""
        if body is not None:
            raw, headers["content-type"] = json.dumps(body).encode(), "application/json"
        response = self.send(HttpRequest(method, path, query, headers, raw))
        return response.status, json.loads(response.body) if response.body else None


def app_key(send: Any) -> Client:
    def post(path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        response = send(HttpRequest("POST", path, "", headers, body))
        return response.status, response.body

    created = appkeys.request_app_key(post, TENANT)
    return Client(send, created["appId"], created["appToken"])


class CallCounter:
    def __init__(self, client: Any):
        self.calls: Counter[str] = Counter()
        client.meta.events.register("provide-client-params.dynamodb.*", self._count)

    def _count(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        key = str(params.get("Key", {}).get("pk", {}).get("S", ""))
        if key.endswith("#APPKEYS"):
            return  # the /v1 authorizer's look-up: API Gateway caches its answer per key pair
        self.calls[model.name] += 1

    def measure(self, action: Any) -> Counter[str]:
        self.calls.clear()
        action()
        return Counter(self.calls)


def round_trips() -> list[tuple[str, Counter[str], int]]:
    from offers.store.clients import dynamodb

    stack = LocalStack().start()
    try:
        assert stack.gateway is not None
        client = app_key(stack.gateway.handle)
        counter = CallCounter(dynamodb())

        def ok(method: str, path: str, body: Any = None) -> Any:
            status, answer = client.call(method, path, body)
            assert status == 200, (path, status, answer)
            return answer

        ok("POST", "/v1/vouchers/BENCH-GIFT", {"type": "GIFT_VOUCHER", "gift": {"amount": 100000}})
        program = {
            "name": "bench-club",
            "campaign_type": "LOYALTY_PROGRAM",
            "voucher": {
                "type": "LOYALTY_CARD",
                "loyalty_card": {
                    "points": 500,
                    "expiration_rules": {"period_type": "MONTH", "period_value": 6},
                },
            },
        }
        ok("POST", "/v1/campaigns", program)
        ok("POST", "/v1/vouchers/BENCH-CLUB", {"campaign": "bench-club"})
        for days in (10, 20):  # two more buckets, so a spend crosses buckets
            expiry = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() + days * 86400))
            ok(
                "POST",
                "/v1/loyalties/members/BENCH-CLUB/balance",
                {"points": 50, "expiration_type": "CUSTOM_DATE", "expiration_date": expiry},
            )
        redeemed: dict[str, Any] = {}

        def gift_spend() -> None:
            body = {"redeemables": [{"object": "voucher", "id": "BENCH-GIFT", "gift": {"credits": 700}}]}
            redeemed["gift"] = ok("POST", "/v1/redemptions", body)["redemptions"][0]["id"]

        scenarios = [
            (
                "gift card: add credits (source_id)",
                lambda: ok(
                    "POST", "/v1/vouchers/BENCH-GIFT/balance", {"amount": 500, "source_id": "bench-1"}
                ),
                3,
            ),
            (
                "gift card: remove credits",
                lambda: ok("POST", "/v1/vouchers/BENCH-GIFT/balance", {"amount": -200}),
                3,
            ),
            ("gift card: spend (redemption)", gift_spend, 3),
            (
                "loyalty card: add points (program rule, new bucket)",
                lambda: ok("POST", "/v1/loyalties/members/BENCH-CLUB/balance", {"points": 40}),
                4,
            ),
            (
                "loyalty card: spend across 2 buckets",
                lambda: ok(
                    "POST",
                    "/v1/redemptions",
                    {"redeemables": [{"object": "voucher", "id": "BENCH-CLUB", "reward": {"points": 80}}]},
                ),
                4,
            ),
            (
                "gift card: roll a spend back",
                lambda: ok("POST", f"/v1/redemptions/{redeemed['gift']}/rollback"),
                4,
            ),
        ]
        return [(name, counter.measure(action), baseline) for name, action, baseline in scenarios]
    finally:
        stack.stop()


def concurrent_spends(spends: int, covered: int) -> dict[str, Any]:
    stack = ServerStack().start()
    holder = _Holder()
    holder.gateway = stack.gateway
    server = make_server(0, holder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        send = http_sender(f"http://127.0.0.1:{server.server_address[1]}")
        client = app_key(send)
        status, _ = client.call(
            "POST", "/v1/vouchers/RACE", {"type": "GIFT_VOUCHER", "gift": {"amount": covered * SPEND}}
        )
        assert status == 200
        body = {"redeemables": [{"object": "voucher", "id": "RACE", "gift": {"credits": SPEND}}]}
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=spends) as pool:
            answers = list(pool.map(lambda _: client.call("POST", "/v1/redemptions", body), range(spends)))
        elapsed = time.monotonic() - started
        statuses = Counter(status for status, _ in answers)
        keys = Counter(answer.get("key") for status, answer in answers if status != 200)
        _, voucher = client.call("GET", "/v1/vouchers/RACE")
        ledger, after = [], ""
        while True:
            _, page = client.call(
                "GET", "/v1/vouchers/RACE/transactions", query=f"limit=100&order=created_at{after}"
            )
            ledger += page["data"]
            if not page["has_more"]:
                break
            after = f"&starting_after_id={page['more_starting_after']}"
        return {
            "statuses": dict(statuses),
            "error keys": dict(keys),
            "balance": voucher["gift"]["balance"],
            "ledger sum": sum(tx["details"]["balance"]["amount"] for tx in ledger),
            "ledger entries": len(ledger),
            "seconds": round(elapsed, 2),
        }
    finally:
        server.shutdown()
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spends", type=int, default=50)
    parser.add_argument("--covered", type=int, default=20)
    args = parser.parse_args()

    print(
        "DynamoDB round trips per operation (real handlers on moto; the authorizer's cached app-key"
        " look-up left out), against a read-then-write design's count:"
    )
    for name, calls, baseline in round_trips():
        reads = sum(n for op, n in calls.items() if op in ("GetItem", "Query", "BatchGetItem"))
        writes = sum(n for op, n in calls.items() if op not in ("GetItem", "Query", "BatchGetItem"))
        detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
        print(
            f"  {name:52s} {reads + writes} calls ({detail}): {reads} read, {writes} transactional write;"
            f" read-then-write {baseline} -> {(reads + writes) / baseline:.2f}x"
        )
    result = concurrent_spends(args.spends, args.covered)
    print(f"{args.spends} concurrent spends of {SPEND} against a balance covering {args.covered}:")
    for name, value in result.items():
        print(f"  {name}: {value}")
    expected = {200: args.covered, 400: args.spends - args.covered}
    invariant = result["balance"] == result["ledger sum"] == 0
    print(f"  as required: {result['statuses'] == expected and invariant}")


if __name__ == "__main__":
    main()
