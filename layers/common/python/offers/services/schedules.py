"""Export schedules: save (validated when saved, never when fired), read, list, replace, delete,
and run, by EventBridge Scheduler, the local scheduler or run-now, all through ``run_schedule``.

DynamoDB holds the schedule (the API's truth); EventBridge Scheduler holds its firing. A save
writes DynamoDB first and then Scheduler, undoing the DynamoDB write if Scheduler refuses, so
there is never a firing without a schedule; a firing whose schedule is gone makes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from offers.clock import format_timestamp, parse_timestamp, utc_now
from offers.errors import InvalidInput
from offers.ids import new_id
from offers.models.exports import Export
from offers.models.schedules import (
    RunTrigger,
    Schedule,
    ScheduleInput,
    ScheduleRecord,
    ScheduleRun,
    ScheduleState,
)
from offers.observability import logger
from offers.services import scheduled_exports
from offers.services.exports import RunAlreadyMade, ScheduledOrigin
from offers.services.schedule_expressions import parse_expression, zone
from offers.store import scheduler
from offers.store.keys import Key
from offers.store.schedules import ScheduleNotFound, ScheduleStore
from offers.store.table import Page

_store = ScheduleStore()


def _validated(data: ScheduleInput) -> None:
    """Expression, zone, window and export body, each a 400 naming its field."""
    tz = zone(data.timezone)
    parse_expression(data.expression, tz)
    if data.end_at and data.end_at <= utc_now():
        raise InvalidInput.for_field("endAt", "must be in the future")
    scheduled_exports.validate_export(data.export, tz)


def scheduler_start(record: ScheduleRecord, now: datetime) -> datetime | None:
    """The StartDate to give Scheduler (which refuses one over 5 minutes old). A rate counts from
    its start (or anchor), which may be long past: its first run from now on is an equivalent
    StartDate. A cron only needs a start that is still ahead."""
    tz = zone(record.timezone)
    expression = parse_expression(record.expression, tz)
    if expression.rate is not None:
        return expression.next_run(
            now - timedelta(milliseconds=1), tz, anchor=record.anchor_at, start=record.start_at
        )
    if record.start_at and record.start_at > now and not expression.one_time:
        return record.start_at
    return None


def _next_minute(moment: datetime) -> datetime:
    """Where a rate without startAt counts from: the next whole minute (Scheduler's precision),
    given to Scheduler as the StartDate so it counts from the very same moment."""
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def next_run_at(record: ScheduleRecord, after: datetime) -> datetime | None:
    if record.state != ScheduleState.ENABLED:
        return None
    tz = zone(record.timezone)
    return parse_expression(record.expression, tz).next_run(
        after, tz, anchor=record.anchor_at, start=record.start_at, end=record.end_at
    )


def _view(record: ScheduleRecord, runs: list[ScheduleRun] | None = None) -> Schedule:
    last_runs = runs if runs is not None else ([record.last_run] if record.last_run else [])
    return Schedule(
        **record.model_dump(exclude={"anchor_at", "last_run"}),
        next_run_at=next_run_at(record, utc_now()),
        last_runs=last_runs,
    )


def create_schedule(tenant_id: str, data: ScheduleInput) -> Schedule:
    _validated(data)
    now = utc_now()
    record = ScheduleRecord(
        **data.__dict__, id=new_id(), created_at=now, updated_at=now, anchor_at=_next_minute(now)
    )
    _store.create(tenant_id, record)
    saved = False
    try:
        scheduler.create_schedule(tenant_id, record, scheduler_start(record, now))
        saved = True
    finally:
        if not saved:
            _store.delete(tenant_id, record.id)
    return _view(record, [])


def get_schedule(tenant_id: str, schedule_id: str) -> Schedule:
    record = _store.get(tenant_id, schedule_id)
    return _view(record, _with_status(tenant_id, _store.last_runs(tenant_id, schedule_id)))


def _with_status(tenant_id: str, runs: list[ScheduleRun]) -> list[ScheduleRun]:
    from offers.store.exports import ExportStore  # noqa: PLC0415

    exports = ExportStore()
    found = {
        record.export_id: record.status for record in exports.many(tenant_id, [r.export_id for r in runs])
    }
    return [run.model_copy(update={"status": found.get(run.export_id)}) for run in runs]


def list_schedules(tenant_id: str, size: int, start_key: Key | None) -> Page:
    page = _store.list_page(tenant_id, size, start_key)
    return Page([_view(record) for record in page.items], page.last_key)


def replace_schedule(tenant_id: str, schedule_id: str, data: ScheduleInput) -> Schedule:
    """PUT: every field replaced (id, createdAt and the runs kept); Scheduler's copy too."""
    _validated(data)
    current = _store.get(tenant_id, schedule_id)
    now = utc_now()
    record = ScheduleRecord(
        **data.__dict__,
        id=schedule_id,
        created_at=current.created_at,
        updated_at=now,
        anchor_at=_next_minute(now),
        last_run=current.last_run,
    )
    _store.replace(tenant_id, record)
    scheduler.update_schedule(tenant_id, record, scheduler_start(record, now))
    return _view(record, _with_status(tenant_id, _store.last_runs(tenant_id, schedule_id)))


def delete_schedule(tenant_id: str, schedule_id: str) -> None:
    _store.delete(tenant_id, schedule_id)
    scheduler.delete_schedule(tenant_id, schedule_id)


# -- runs -----------------------------------------------------------------------------------------


def run_schedule(
    tenant_id: str, schedule_id: str, scheduled_time: datetime, trigger: RunTrigger = RunTrigger.SCHEDULE
) -> ScheduleRun | None:
    """Make the export of one firing, once: a duplicated firing answers the first one's run.

    None when nothing is to be made: the schedule is gone, or disabled (a firing already on
    its way when it was disabled).
    """
    try:
        record = _store.get(tenant_id, schedule_id)
    except ScheduleNotFound:
        logger.warning("firing of a deleted schedule ignored", schedule_id=schedule_id)
        return None
    if trigger == RunTrigger.SCHEDULE and record.state != ScheduleState.ENABLED:
        logger.info("firing of a disabled schedule ignored", schedule_id=schedule_id)
        return None
    scheduled_time = parse_timestamp(format_timestamp(scheduled_time))  # the stored precision
    origin = ScheduledOrigin(schedule_id=schedule_id, scheduled_time=scheduled_time, trigger=trigger)
    dialect = scheduled_exports.dialect_of(record.export)
    try:
        export_id = dialect.start(tenant_id, record.export.body, zone(record.timezone), origin)
    except RunAlreadyMade as duplicate:
        logger.info("duplicated firing: the export exists", export_id=duplicate.run.export_id)
        return duplicate.run
    return ScheduleRun(
        scheduled_time=scheduled_time, export_id=export_id, trigger=trigger, created_at=utc_now()
    )


def run_now(tenant_id: str, schedule_id: str) -> Export | dict[str, Any]:
    """An extra run at this moment (whatever the schedule's state), its filters relative to now;
    the export as its own dialect shows it (GET /offers-exports/{id} or GET /v1/exports/{id})."""
    run = run_schedule(tenant_id, schedule_id, utc_now(), RunTrigger.RUN_NOW)
    if run is None:
        raise ScheduleNotFound(schedule_id)
    dialect = scheduled_exports.dialect_of(_store.get(tenant_id, schedule_id).export)
    return dialect.view(tenant_id, run.export_id)
