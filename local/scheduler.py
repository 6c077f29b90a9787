"""EventBridge Scheduler, played locally (moto stores schedules but never fires them).

Every tick it reads the schedules Scheduler holds (list + get, as stored by the service's own
calls), works out with the service's own expression module (offers.services.schedule_expressions)
every scheduled time that has come since it last looked, and sends each to the schedule's target
with the schedule's Input, ``<aws.scheduler.scheduled-time>`` replaced, exactly as Scheduler does.
So a firing locally goes through the same function and run path as in AWS.

The tick (OFFERS_SCHEDULER_TICK_SECONDS, default 1 s) only bounds the lag: the scheduled times
themselves come from the expressions, never from the tick. A firing that fails is retried on
the next tick (Scheduler retries for up to 24 hours too); idempotency makes that safe.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from local.functions import ensure_layer_on_path

ensure_layer_on_path()  # the service's own expression module, from the shared layer
from offers.services.schedule_expressions import parse_expression, zone  # noqa: E402

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
Invoke = Callable[[str, Any], Any]


def scheduled_time_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # Scheduler's own format


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromtimestamp(float(value), UTC)


class LocalScheduler:
    def __init__(
        self,
        scheduler_client: Any,
        invoke: Invoke,
        *,
        group: str,
        tick_seconds: float = 1.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.client = scheduler_client
        self.invoke = invoke
        self.group = group
        self.tick_seconds = tick_seconds
        self.clock = clock
        self._checked_until: dict[tuple[str, datetime], datetime] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.fired: list[tuple[str, datetime, datetime]] = []  # (name, scheduled, fired at): measurements

    def _schedules(self) -> list[dict[str, Any]]:
        found, token = [], None
        while True:
            page = self.client.list_schedules(GroupName=self.group, **({"NextToken": token} if token else {}))
            found.extend(page["Schedules"])
            token = page.get("NextToken")
            if not token:
                return found

    def tick(self) -> int:
        """Fire every scheduled time that has come; returns how many firings were sent."""
        now = self.clock()
        fired = 0
        for summary in self._schedules():
            definition = self.client.get_schedule(GroupName=self.group, Name=summary["Name"])
            if definition.get("State") != "ENABLED":
                continue
            modified = _utc(definition.get("LastModificationDate") or definition.get("CreationDate")) or now
            key = (definition["Name"], modified)  # a changed definition starts counting afresh
            checked = now
            for scheduled in self._due(definition, self._checked_until.get(key, modified), now):
                if not self._fire(definition, scheduled):
                    checked = scheduled - timedelta(microseconds=1)  # retried from here next tick
                    break
                fired += 1
            self._checked_until[key] = checked
        return fired

    @staticmethod
    def _due(definition: dict[str, Any], since: datetime, now: datetime) -> list[datetime]:
        tz = zone(definition.get("ScheduleExpressionTimezone") or "UTC")
        expression = parse_expression(definition["ScheduleExpression"], tz)
        start, end = _utc(definition.get("StartDate")), _utc(definition.get("EndDate"))
        anchor = start or _utc(definition.get("CreationDate")) or since
        return expression.runs_between(since, now, tz, anchor=anchor, start=start, end=end)

    def _fire(self, definition: dict[str, Any], scheduled: datetime) -> bool:
        target = definition["Target"]
        event = json.loads(target.get("Input", "{}").replace(SCHEDULED_TIME, scheduled_time_text(scheduled)))
        try:
            self.invoke(target["Arn"], event)
        except Exception:  # noqa: BLE001 - a failed firing is retried, as Scheduler retries it
            traceback.print_exc()
            return False
        self.fired.append((definition["Name"], scheduled, self.clock()))
        return True

    def start(self) -> LocalScheduler:
        self._thread = threading.Thread(target=self._run, name="local-scheduler", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.tick_seconds):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the scheduler thread must outlive one bad tick
                traceback.print_exc()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
