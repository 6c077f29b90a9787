"""Limits hold when redemptions race: many threads, one limit, exactly the limit succeeds.

Threads call the service directly (the in-process gateway serves one request at a time, as
a Lambda execution environment does); every DynamoDB call is atomic, as in AWS.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from offers.errors import OffersError
from offers.models.redemptions import RedemptionInput, RedemptionStatus
from offers.services import redemptions
from offers.store import keys
from offers.store.table import Table
from tests.support.client import TENANT_A, ApiClient
from tests.support.factories import coupon_body, promotion_body

RACERS = 24


def race(attempts: list[dict], idempotency_key: str | None = None) -> Counter:
    """Start every attempt at once; count outcomes ("CREATED" or the refusal type)."""
    start = threading.Barrier(len(attempts))

    def attempt(body: dict) -> str:
        data = RedemptionInput.model_validate(body)
        start.wait()
        try:
            redemptions.redeem(TENANT_A, data, idempotency_key)
        except OffersError as error:
            return error.code
        return "CREATED"

    with ThreadPoolExecutor(len(attempts)) as pool:
        return Counter(pool.map(attempt, attempts))


def active_redemptions(api: ApiClient, **query) -> list[dict]:
    page = api.get("/redemptions", query={"size": 100, **query}).json()
    return [r for r in page["data"] if r["status"] == RedemptionStatus.ACTIVE]


def usage(key: keys.Key) -> int:
    return int((Table().get(key, consistent=True) or {}).get("uses", 0))


def test_given_a_code_with_limit_5_when_24_redemptions_race_then_exactly_5_are_active(api: ApiClient):
    offer = api.post("/coupons", coupon_body(["HOT"], limits=[{"type": "CODE", "quantity": 5}])).json()
    attempts = [{"orderId": f"o-{i}", "promotionId": offer["id"], "couponCode": "HOT"} for i in range(RACERS)]
    outcomes = race(attempts)
    assert outcomes == Counter({"CREATED": 5, "COUPON_CODE_USED_UP": RACERS - 5})
    assert len(active_redemptions(api, couponCode="HOT")) == 5
    code = api.get(f"/coupons/{offer['id']}/codes").json()["data"][0]
    assert (code["uses"], code["status"]) == (5, "REDEEMED")


def test_given_a_site_wide_limit_of_7_when_24_race_over_many_codes_then_exactly_7(api: ApiClient):
    codes = [f"W{i:02d}" for i in range(RACERS)]
    offer = api.post("/coupons", coupon_body(codes, limits=[{"type": "SITE_WIDE", "quantity": 7}])).json()
    attempts = [
        {"orderId": f"o-{i}", "promotionId": offer["id"], "couponCode": code} for i, code in enumerate(codes)
    ]
    outcomes = race(attempts)
    assert outcomes == Counter({"CREATED": 7, "SITE_WIDE_LIMIT_REACHED": RACERS - 7})
    assert len(active_redemptions(api, promotionId=offer["id"])) == 7
    assert usage(keys.site_usage_key(TENANT_A, offer["id"])) == 7


def test_given_a_per_customer_limit_of_2_when_one_customer_races_then_exactly_2(api: ApiClient):
    offer = api.post("/promotions", promotion_body(limits=[{"type": "CUSTOMER", "quantity": 2}])).json()
    attempts = [{"orderId": f"o-{i}", "promotionId": offer["id"], "userId": "greedy"} for i in range(RACERS)]
    outcomes = race(attempts)
    assert outcomes == Counter({"CREATED": 2, "CUSTOMER_LIMIT_REACHED": RACERS - 2})
    assert len(active_redemptions(api, userId="greedy")) == 2


def test_given_one_request_retried_concurrently_with_its_key_then_exactly_one_redemption(api: ApiClient):
    offer = api.post("/promotions", promotion_body(limits=[])).json()
    body = {"orderId": "o-1", "promotionId": offer["id"]}
    outcomes = race([body] * 12, idempotency_key="client-retry-1")
    assert outcomes == Counter({"CREATED": 12})  # every retry gets the (same) first answer
    assert len(active_redemptions(api, orderId="o-1")) == 1


def test_given_deactivations_racing_new_redemptions_then_counters_equal_active_redemptions(api: ApiClient):
    offer = api.post("/promotions", promotion_body(limits=[{"type": "SITE_WIDE", "quantity": 3}])).json()
    made = [
        redemptions.redeem(TENANT_A, RedemptionInput(order_id=f"first-{i}", promotion_id=offer["id"]), None)
        for i in range(3)
    ]
    start = threading.Barrier(1 + RACERS)

    def deactivate() -> str:
        start.wait()
        redemptions.set_status(TENANT_A, made[0].redemption.id, RedemptionStatus.INACTIVE)
        return "DEACTIVATED"

    def attempt(i: int) -> str:
        data = RedemptionInput(order_id=f"late-{i}", promotion_id=offer["id"])
        start.wait()
        try:
            redemptions.redeem(TENANT_A, data, None)
        except OffersError as error:
            return error.code
        return "CREATED"

    with ThreadPoolExecutor(1 + RACERS) as pool:
        futures = [pool.submit(deactivate)] + [pool.submit(attempt, i) for i in range(RACERS)]
        outcomes = Counter(f.result() for f in futures)
    assert outcomes["DEACTIVATED"] == 1
    assert outcomes["CREATED"] <= 1
    active = active_redemptions(api, promotionId=offer["id"])
    assert len(active) == 3 - 1 + outcomes["CREATED"]
    assert usage(keys.site_usage_key(TENANT_A, offer["id"])) == len(active)
