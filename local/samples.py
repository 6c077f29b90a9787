"""The sample events in events/: loading them, the data they refer to, what they should get.

Shared by `sam local invoke` checks (local/sam_check.py) and the integration tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from local.template import ROOT

EVENTS_DIR = ROOT / "events"
SAMPLE_TENANT_ID = "000000000000000000000001"
SAMPLE_PROMOTION_ID = "6740e1f2a1b2c3d4e5f60718"


def load_event(function_id: str) -> dict[str, Any]:
    return json.loads((EVENTS_DIR / f"{function_id}.json").read_text())


def sample_environment() -> dict[str, str]:
    """The variables `sam local invoke --env-vars events/env.json` gives every function."""
    return json.loads((EVENTS_DIR / "env.json").read_text())["Parameters"]


def expected_answers() -> dict[str, Any]:
    """Function -> the status code its sample event gets ("isAuthorized" for the authorizer)."""
    answers = json.loads((EVENTS_DIR / "expected-status.json").read_text())
    return {name: value for name, value in answers.items() if not name.startswith("_")}


def seed_sample_data() -> None:
    """Store what the sample events refer to, overwriting, so every check starts alike.

    Uses the table and AWS endpoint of the current environment.
    """
    from offers.models.promotions import PromotionRecord  # noqa: PLC0415 - after the env is set
    from offers.store.promotions import to_item  # noqa: PLC0415
    from offers.store.table import Table  # noqa: PLC0415

    now = datetime.now(UTC)
    record = PromotionRecord(
        id=SAMPLE_PROMOTION_ID,
        promo_id=100001,
        name="Sample promotion",
        type="PRODUCT",
        start_at=now - timedelta(days=1),
        discounts=[{"unit": "PERCENTAGE_OFF", "value": 10}],
        created_at=now,
        updated_at=now,
    )
    Table().put(to_item(SAMPLE_TENANT_ID, record))
