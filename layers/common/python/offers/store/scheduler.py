"""Export schedules as EventBridge Scheduler schedules (boto3 ``scheduler``).

One schedule per export schedule, in the stage's group, named ``<tenant>-<scheduleId>`` (see
``keys.scheduler_schedule_name``), so names never collide between tenants. Its input carries
``<aws.scheduler.scheduled-time>``, which Scheduler replaces with the firing's scheduled time:
the run's idempotency key and the "now" of its relative filters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any

from offers.errors import TemporarilyUnavailable
from offers.models.schedules import ScheduleRecord
from offers.settings import get_settings
from offers.store import keys
from offers.store.clients import client

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
# Scheduler's own retries of a firing whose target call failed (throttling, Lambda errors):
# the most it allows, then the dead-letter queue.
RETRY_POLICY = {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}


def target_input(tenant_id: str, schedule_id: str) -> str:
    return json.dumps({"tenantId": tenant_id, "scheduleId": schedule_id, "scheduledTime": SCHEDULED_TIME})


def _definition(tenant_id: str, record: ScheduleRecord, start_date: datetime | None) -> dict[str, Any]:
    settings = get_settings()
    target: dict[str, Any] = {
        "Arn": settings.schedule_target_arn,
        "RoleArn": settings.schedule_role_arn,
        "Input": target_input(tenant_id, record.id),
        "RetryPolicy": RETRY_POLICY,
    }
    if settings.schedule_dead_letter_arn:
        target["DeadLetterConfig"] = {"Arn": settings.schedule_dead_letter_arn}
    definition: dict[str, Any] = {
        "GroupName": settings.schedule_group,
        "Name": keys.scheduler_schedule_name(tenant_id, record.id),
        "ScheduleExpression": record.expression,
        "ScheduleExpressionTimezone": record.timezone,
        "State": record.state,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": target,
        "Description": f"export schedule {record.id} of tenant {tenant_id}"[:512],
    }
    if start_date:
        definition["StartDate"] = start_date
    if record.end_at:
        definition["EndDate"] = record.end_at
    if record.expression.startswith("at("):
        definition["ActionAfterCompletion"] = "NONE"  # keep it: the API still shows it and its runs
    return definition


# Scheduler answers these when it is busy or out of room: the caller may retry (503), and the
# service undoes what it wrote before the call.
BUSY_ERRORS = frozenset({"ThrottlingException", "InternalServerException", "ServiceQuotaExceededException"})


@contextmanager
def _busy_is_503() -> Iterator[None]:
    from botocore.exceptions import ClientError  # noqa: PLC0415 - botocore is loaded by the client already

    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in BUSY_ERRORS:
            raise
        raise TemporarilyUnavailable(
            "EventBridge Scheduler is busy; retry after a few seconds", retry_after=5
        ) from None


def create_schedule(tenant_id: str, record: ScheduleRecord, start_date: datetime | None) -> None:
    """``start_date``: Scheduler's StartDate, which it refuses more than 5 minutes in the past."""
    with _busy_is_503():
        client("scheduler").create_schedule(**_definition(tenant_id, record, start_date))


def update_schedule(tenant_id: str, record: ScheduleRecord, start_date: datetime | None) -> None:
    """Scheduler's update replaces the whole definition."""
    with _busy_is_503():
        client("scheduler").update_schedule(**_definition(tenant_id, record, start_date))


def delete_schedule(tenant_id: str, schedule_id: str) -> None:
    scheduler = client("scheduler")
    with _busy_is_503(), suppress(scheduler.exceptions.ResourceNotFoundException):  # gone: idempotent
        scheduler.delete_schedule(
            GroupName=get_settings().schedule_group, Name=keys.scheduler_schedule_name(tenant_id, schedule_id)
        )


def get_schedule(tenant_id: str, schedule_id: str) -> dict[str, Any]:
    return client("scheduler").get_schedule(
        GroupName=get_settings().schedule_group, Name=keys.scheduler_schedule_name(tenant_id, schedule_id)
    )
