"""The local stand-in for EventBridge Scheduler: fires every scheduled time once, stamps the
scheduled time (not the tick's) into the target's input, skips disabled schedules, counts from
a changed definition afresh, and retries a failed firing on the next tick."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from local.scheduler import LocalScheduler

T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)


class FakeScheduler:
    """What boto3's scheduler client answers for one group (moto's shapes)."""

    def __init__(self) -> None:
        self.schedules: dict[str, dict] = {}

    def put(
        self, name: str, expression: str, *, state: str = "ENABLED", modified: datetime = T0, **extra
    ) -> None:
        self.schedules[name] = {
            "Name": name,
            "ScheduleExpression": expression,
            "ScheduleExpressionTimezone": extra.pop("timezone", "UTC"),
            "State": state,
            "Target": {
                "Arn": "arn:aws:lambda:us-east-1:123456789012:function:run",
                "Input": json.dumps({"scheduleId": name, "scheduledTime": "<aws.scheduler.scheduled-time>"}),
            },
            "CreationDate": modified,
            "LastModificationDate": modified,
            **extra,
        }

    def list_schedules(self, **_: object) -> dict:
        return {"Schedules": [{"Name": name} for name in self.schedules]}

    def get_schedule(self, **params: str) -> dict:
        return self.schedules[params["Name"]]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def scheduler_with(fake: FakeScheduler, clock: Clock, fail: set[str] | None = None):
    sent: list[dict] = []

    def invoke(arn: str, event: dict) -> dict:
        if event["scheduledTime"] in (fail or set()):
            fail.discard(event["scheduledTime"])  # type: ignore[union-attr]
            raise RuntimeError("target throttled")
        sent.append(event)
        return {}

    return LocalScheduler(fake, invoke, group="g", clock=clock), sent


def test_given_a_rate_then_each_scheduled_time_fires_once_with_that_time_in_the_input():
    fake, clock = FakeScheduler(), Clock(T0)
    fake.put("every-minute", "rate(1 minute)", StartDate=T0 + timedelta(minutes=1))
    scheduler, sent = scheduler_with(fake, clock)
    for seconds in (20, 61, 75, 119, 125, 185):
        clock.now = T0 + timedelta(seconds=seconds)
        scheduler.tick()
    assert [e["scheduledTime"] for e in sent] == [
        (T0 + timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%SZ") for m in (1, 2, 3)
    ]


def test_given_a_long_gap_between_ticks_then_every_missed_time_fires_in_order():
    fake, clock = FakeScheduler(), Clock(T0)
    fake.put("cron", "cron(*/10 * * * ? *)")
    scheduler, sent = scheduler_with(fake, clock)
    clock.now = T0 + timedelta(minutes=35)
    assert scheduler.tick() == 3
    assert [e["scheduledTime"][11:16] for e in sent] == [
        (T0 + timedelta(minutes=m)).strftime("%H:%M") for m in (10, 20, 30)
    ]


def test_given_a_disabled_schedule_then_nothing_fires():
    fake, clock = FakeScheduler(), Clock(T0)
    fake.put("off", "rate(1 minute)", state="DISABLED", StartDate=T0)
    scheduler, sent = scheduler_with(fake, clock)
    clock.now = T0 + timedelta(minutes=5)
    scheduler.tick()
    assert sent == []


def test_given_a_failed_firing_then_it_is_retried_next_tick_and_later_times_wait_for_it():
    fake, clock = FakeScheduler(), Clock(T0)
    fake.put("flaky", "rate(1 minute)", StartDate=T0 + timedelta(minutes=1))
    first = (T0 + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    scheduler, sent = scheduler_with(fake, clock, fail={first})
    clock.now = T0 + timedelta(minutes=2, seconds=5)
    scheduler.tick()
    assert sent == []
    scheduler.tick()
    assert [e["scheduledTime"] for e in sent] == [
        first,
        (T0 + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    ]


def test_given_a_changed_definition_then_times_before_the_change_are_not_fired():
    fake, clock = FakeScheduler(), Clock(T0)
    fake.put("s", "cron(0 * * * ? *)")
    scheduler, sent = scheduler_with(fake, clock)
    clock.now = T0 + timedelta(minutes=30)
    scheduler.tick()
    fake.put("s", "cron(*/15 * * * ? *)", modified=clock.now)
    clock.now = T0 + timedelta(minutes=46)
    scheduler.tick()
    assert [e["scheduledTime"][11:16] for e in sent] == [(T0 + timedelta(minutes=45)).strftime("%H:%M")]
