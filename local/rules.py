"""EventBridge schedule rules (a function's ``Events: {Type: Schedule}``), played locally: each
such function is invoked at its rule's rate with the scheduled event EventBridge sends (``time``
= when it fired), on a thread of the local server. OFFERS_RULE_SECONDS overrides every rule's
period (e.g. 5 to see points expire within seconds while developing)."""

from __future__ import annotations

import re
import threading
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from local.template import LOCAL_REGION, Template

Invoke = Callable[[str, Any], Any]
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float:
    """``rate(5 minutes)`` -> 300. Only rates: the template's rules use nothing else."""
    match = _RATE.match(expression.strip())
    if not match:
        raise ValueError(f"unsupported schedule expression for the local runner: {expression}")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


def scheduled_event(function_id: str, moment: datetime) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": LOCAL_REGION,
        "resources": [f"arn:aws:events:{LOCAL_REGION}:123456789012:rule/{function_id}"],
        "detail": {},
    }


class LocalRule:
    def __init__(self, invoke: Invoke, function_id: str, period_seconds: float):
        self.invoke = invoke
        self.function_id = function_id
        self.period_seconds = period_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def fire(self, moment: datetime | None = None) -> Any:
        return self.invoke(self.function_id, scheduled_event(self.function_id, moment or datetime.now(UTC)))

    def start(self) -> LocalRule:
        def run() -> None:
            while not self._stop.wait(self.period_seconds):
                try:
                    self.fire()
                except Exception:  # noqa: BLE001 - the next period tries again, as EventBridge would
                    traceback.print_exc()

        self._thread = threading.Thread(target=run, name=f"rule-{self.function_id}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def schedule_rules(
    template: Template, invoke: Invoke, period_override: float | None = None
) -> list[LocalRule]:
    return [
        LocalRule(invoke, function_id, period_override or rate_seconds(expression))
        for function_id, expression in template.scheduled_functions().items()
    ]
