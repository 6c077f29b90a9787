"""Request bodies with sensible defaults; tests override only what they are about."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def days_from_now(days: float) -> str:
    return iso(datetime.now(UTC) + timedelta(days=days))


def promotion_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Winter sale",
        "type": "PRODUCT",
        "startAt": days_from_now(-1),
        "endAt": days_from_now(30),
        "level": 1,
        "stackingType": "STACKABLE",
        "eligiblePriceLists": [10000056],
        "discounts": [
            {
                "unit": "PERCENTAGE_OFF",
                "value": 15,
                "targets": [{"type": "CATEGORY", "operator": "IN", "values": ["coats"]}],
            }
        ],
        "limits": [{"type": "SITE_WIDE", "quantity": 500}],
        "additionalAttributes": [{"name": "campaign", "values": ["winter-2026"]}],
    }
    body.update(overrides)
    return body


def coupon_body(codes: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    body = promotion_body(
        name="Spring coupon",
        type="CART",
        limits=[
            {"type": "SITE_WIDE", "quantity": 1000},
            {"type": "CUSTOMER", "quantity": 1},
            {"type": "CODE", "quantity": 1},
        ],
        couponCodes=codes if codes is not None else [],
    )
    body.update(overrides)
    return body


def wait_until(condition: Callable[[], Any], *, timeout: float = 300, interval: float = 0.2) -> Any:
    """Poll ``condition`` until it returns something truthy (background jobs)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)
