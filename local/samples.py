"""The sample events in events/: loading them, the data they refer to, what they should get.

Shared by `sam local invoke` checks (local/sam_check.py) and the integration tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from local.template import ROOT

EVENTS_DIR = ROOT / "events"
SAMPLE_TENANT_ID = "000000000000000000000001"
SAMPLE_PROMOTION_ID = "6740e1f2a1b2c3d4e5f60718"
SAMPLE_COUPON_ID = "6740e1f2a1b2c3d4e5f60719"
SAMPLE_GENERATION_ID = "6740e1f2a1b2c3d4e5f6071a"
SAMPLE_PENDING_GENERATION_ID = "6740e1f2a1b2c3d4e5f6071b"
SAMPLE_REDEMPTION_ID = "6740e1f2a1b2c3d4e5f6071c"


def load_event(function_id: str) -> dict[str, Any]:
    return json.loads((EVENTS_DIR / f"{function_id}.json").read_text())


def sample_environment() -> dict[str, str]:
    """The variables `sam local invoke --env-vars events/env.json` gives every function."""
    return json.loads((EVENTS_DIR / "env.json").read_text())["Parameters"]


def expected_answers() -> dict[str, Any]:
    """Function -> its documented answer: an HTTP status code, or keys the result must hold."""
    answers = json.loads((EVENTS_DIR / "expected-status.json").read_text())
    return {name: value for name, value in answers.items() if not name.startswith("_")}


def answer_matches(expected: Any, result: Any) -> bool:
    if isinstance(expected, int):
        return isinstance(result, dict) and result.get("statusCode") == expected
    return isinstance(result, dict) and all(result.get(key) == value for key, value in expected.items())


def seed_sample_data() -> None:
    """Store what the sample events refer to, overwriting, so every check starts alike:
    a promotion, a coupon with the code SAMPLE10, a finished code generation and a pending
    one (for the code worker's event), and an active redemption of the promotion. Uses the
    table and AWS endpoint of the environment.
    """
    from offers.models.coupons import CodeGeneration, CouponCodeRecord  # noqa: PLC0415 - after the env is set
    from offers.models.promotions import PromotionRecord  # noqa: PLC0415
    from offers.models.redemptions import RedemptionRecord  # noqa: PLC0415
    from offers.store.coupons import PENDING_GENERATIONS, code_item, generation_item  # noqa: PLC0415
    from offers.store.promotions import to_item  # noqa: PLC0415
    from offers.store.redemptions import redemption_item  # noqa: PLC0415
    from offers.store.table import Table  # noqa: PLC0415

    now = datetime.now(UTC)
    table = Table()
    common = {"start_at": datetime(2025, 1, 1, tzinfo=UTC), "created_at": now, "updated_at": now}
    promotion = PromotionRecord(
        id=SAMPLE_PROMOTION_ID,
        promo_id=100001,
        name="Sample promotion",
        type="PRODUCT",
        discounts=[{"unit": "PERCENTAGE_OFF", "value": 10}],
        **common,
    )
    coupon = PromotionRecord(
        id=SAMPLE_COUPON_ID,
        promo_id=100002,
        name="Sample coupon",
        type="CART",
        is_implicit=False,
        discounts=[{"unit": "AMOUNT_OFF", "value": 5}],
        limits=[{"type": "CODE", "quantity": 1}],
        coupon_codes=["SAMPLE10"],
        code_count=1,
        **common,
    )
    generation = {"created_at": now, "updated_at": now, "coupon_id": SAMPLE_COUPON_ID}
    finished = CodeGeneration(
        id=SAMPLE_GENERATION_ID,
        status="COMPLETED",
        spec={"prefix": "DONE", "count": 1},
        requested=1,
        generated=1,
        completed_at=now,
        **generation,
    )
    pending = CodeGeneration(
        id=SAMPLE_PENDING_GENERATION_ID,
        status="IN_PROGRESS",
        spec={"prefix": "WORKER", "count": 5},
        requested=5,
        **generation,
    )
    redemption = RedemptionRecord(
        id=SAMPLE_REDEMPTION_ID,
        order_id="order-1000",
        promotion_id=SAMPLE_PROMOTION_ID,
        promotion_name=promotion.name,
        user_id="customer-42",
        redeemed_at=now,
        created_at=now,
        updated_at=now,
    )
    table.batch_write(
        puts=[
            redemption_item(SAMPLE_TENANT_ID, redemption),
            to_item(SAMPLE_TENANT_ID, promotion),
            {**to_item(SAMPLE_TENANT_ID, coupon), PENDING_GENERATIONS: {SAMPLE_PENDING_GENERATION_ID}},
            code_item(
                SAMPLE_TENANT_ID,
                CouponCodeRecord(
                    code="SAMPLE10", promotion_id=SAMPLE_COUPON_ID, created_at=now, updated_at=now
                ),
            ),
            generation_item(SAMPLE_TENANT_ID, finished),
            generation_item(SAMPLE_TENANT_ID, pending),
        ]
    )
