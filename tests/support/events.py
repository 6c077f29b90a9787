"""The sample events in events/, shared by sam local invoke and the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).resolve().parents[2] / "events"
SAMPLE_TENANT_ID = "000000000000000000000001"
SAMPLE_PROMOTION_ID = "6740e1f2a1b2c3d4e5f60718"


def load_event(function_id: str) -> dict[str, Any]:
    return json.loads((EVENTS_DIR / f"{function_id}.json").read_text())


def sample_environment() -> dict[str, str]:
    """The variables `sam local invoke --env-vars events/env.json` gives every function."""
    return json.loads((EVENTS_DIR / "env.json").read_text())["Parameters"]
