"""Exports as clients see them: create (and start the state machine), read, list, download."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from offers.clock import format_timestamp, utc_now
from offers.errors import Conflict, InvalidInput, NotFound
from offers.ids import is_id, new_id
from offers.models.exports import (
    DownloadLink,
    Export,
    ExportFile,
    ExportInput,
    ExportPage,
    ExportRecord,
    ExportStatus,
    OffsetQuery,
)
from offers.services.export_sources import source_for
from offers.settings import get_settings
from offers.store import keys, objects
from offers.store.clients import client
from offers.store.exports import ExportNotFound, ExportStore
from offers.store.retries import unavailable_when_busy
from offers.store.table import TransactionCancelled

if TYPE_CHECKING:
    from offers.models.schedules import RunTrigger, ScheduleRun

_store = ExportStore()
MAX_OFFSET = 10_000
DOWNLOAD_SECONDS = 300


@dataclass(frozen=True)
class ScheduledOrigin:
    """The schedule run an export is made for; recorded with the export, once per scheduled time."""

    schedule_id: str
    scheduled_time: datetime
    trigger: RunTrigger


class RunAlreadyMade(Conflict):
    """This (schedule, scheduled time) already made its export: a duplicated firing."""

    def __init__(self, run: ScheduleRun):
        super().__init__(f"the run scheduled at {run.scheduled_time} already made export {run.export_id}")
        self.run = run


def create_export(tenant_id: str, data: ExportInput, origin: ScheduledOrigin | None = None) -> Export:
    """Validate, record IN_PROGRESS, start the state machine (named after the export), return."""
    spec = source_for(data.type).spec(data.filters)
    record = ExportRecord(
        export_id=new_id(),
        type=data.type,
        status=ExportStatus.IN_PROGRESS,
        filters=data.filters,
        spec=spec.model_dump(mode="json", exclude_none=True),
        started_at=utc_now(),
        schedule_id=origin.schedule_id if origin else None,
        scheduled_time=origin.scheduled_time if origin else None,
    )
    start_export(tenant_id, record, origin)
    return Export.of(record)


def start_export(tenant_id: str, record: ExportRecord, origin: ScheduledOrigin | None = None) -> None:
    """Record the export (with its schedule run, if any, in the same transaction) and start the
    state machine. Every dialect's create path goes through here."""
    _record(tenant_id, record, origin)
    started = False
    try:
        unavailable_when_busy(
            lambda: client("stepfunctions").start_execution(
                stateMachineArn=get_settings().export_state_machine_arn,
                name=record.export_id,
                input=json.dumps({"tenantId": tenant_id, "exportId": record.export_id}),
            ),
            operation="StartExecution",
        )
        started = True
    finally:
        if not started:  # never leave an export IN_PROGRESS that nothing will finish
            cause = {
                "Error": "ExportNotStarted",
                "Cause": "the export job could not be started; create it again",
            }
            # Only a failed start needs the engine's error reading and the end event.
            from offers.services import export_events  # noqa: PLC0415
            from offers.services.export_engine import readable_errors  # noqa: PLC0415

            _store.fail(tenant_id, record.export_id, readable_errors(cause), format_timestamp(utc_now()))
            export_events.announce_end(tenant_id, _store.get(tenant_id, record.export_id))


def _record(tenant_id: str, record: ExportRecord, origin: ScheduledOrigin | None) -> None:
    if origin is None:
        _store.create(tenant_id, record)
        return
    # Only scheduled runs need the schedule models and store: kept out of the API's cold start.
    from offers.models.schedules import ScheduleRun  # noqa: PLC0415
    from offers.store.schedules import ScheduleNotFound, ScheduleStore  # noqa: PLC0415

    schedules = ScheduleStore()
    run = ScheduleRun(
        scheduled_time=origin.scheduled_time,
        export_id=record.export_id,
        trigger=origin.trigger,
        created_at=record.started_at,
    )
    try:
        _store.create(tenant_id, record, schedules.run_operations(tenant_id, origin.schedule_id, run))
    except TransactionCancelled as cancelled:
        if cancelled.failed(2):
            scheduled = format_timestamp(origin.scheduled_time)
            existing = schedules.get_run(tenant_id, origin.schedule_id, scheduled)
            if existing is not None:
                raise RunAlreadyMade(existing) from None
        if cancelled.failed(3):
            raise ScheduleNotFound(origin.schedule_id) from None
        raise


def _fabric_export(tenant_id: str, export_id: str) -> ExportRecord:
    """Only fabric's own exports: a Voucherify-dialect one (exp_...) is not found here."""
    if not is_id(export_id):
        raise ExportNotFound(export_id)
    return _store.get(tenant_id, export_id)


def get_export(tenant_id: str, export_id: str) -> Export:
    record = _fabric_export(tenant_id, export_id)
    return Export.of(record, _chunk_files(tenant_id, record))


def _manifest(tenant_id: str, export_id: str) -> dict:
    return objects.get_json(keys.export_manifest_object(tenant_id, export_id))


def _chunk_files(tenant_id: str, record: ExportRecord) -> list[ExportFile]:
    if record.status != ExportStatus.COMPLETED:
        return []
    return [ExportFile.model_validate(chunk) for chunk in _manifest(tenant_id, record.export_id)["chunks"]]


def list_exports(tenant_id: str, size: int, offset: int) -> ExportPage:
    """Newest first, offset-paged as fabric's list is; count is the tenant's number of exports."""
    if offset + size > MAX_OFFSET:
        raise InvalidInput.for_field("offset", f"offset + size may be at most {MAX_OFFSET}")
    records = _store.newest(tenant_id, offset + size)[offset:]
    return ExportPage(
        query=OffsetQuery(size=size, offset=offset, count=_store.count(tenant_id)),
        data=[Export.of(record) for record in records],
    )


def download_link(tenant_id: str, file_id: str) -> DownloadLink:
    """A 5-minute presigned URL for the whole export (fileId = exportId) or one chunk
    (exportId-nnnnn), only once COMPLETED, only under this tenant's own prefix."""
    export_id, _, chunk = file_id.partition("-")
    record = _fabric_export(tenant_id, export_id)
    if record.status != ExportStatus.COMPLETED:
        raise Conflict(
            f"export {export_id} is {record.status}; files can be downloaded once it is COMPLETED",
            code="EXPORT_NOT_COMPLETED",
        )
    if chunk:
        files = {entry["fileId"]: entry["key"] for entry in _manifest(tenant_id, export_id)["chunks"]}
        key = files.get(file_id, "")
        if not key.startswith(keys.export_prefix(tenant_id, export_id)):  # never outside the tenant
            raise NotFound(f"file {file_id} not found", code="FILE_NOT_FOUND")
    else:
        key = keys.export_file_object(tenant_id, export_id)
    url = objects.download_url(key, f"{file_id}.csv", expires_in=DOWNLOAD_SECONDS)
    return DownloadLink(url=url, file_id=file_id)
