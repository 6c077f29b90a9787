"""The end of every export, announced: an EventBridge event (source ``offers.exports``,
detail-type ``Export Completed`` / ``Export Failed``), from which webhooks are delivered.

Emitted by the export engine's finalize and fail steps, so every export of every dialect,
scheduled or not, announces its end. The event id inside the detail (``<exportId>.<status>``)
is the same however often the end is announced: receivers and the webhook fan-out dedupe on it.
"""

from __future__ import annotations

from typing import Any

from offers.clock import format_timestamp
from offers.models.exports import ExportRecord, ExportStatus
from offers.models.webhooks import WebhookEvent
from offers.settings import get_settings
from offers.store import messages

SOURCE = "offers.exports"
DETAIL_TYPES = {ExportStatus.COMPLETED: "Export Completed", ExportStatus.ERROR: "Export Failed"}
WEBHOOK_EVENTS = {
    "Export Completed": WebhookEvent.EXPORT_COMPLETED,
    "Export Failed": WebhookEvent.EXPORT_FAILED,
}


def event_id(export_id: str, status: str) -> str:
    return f"{export_id}.{status}"


def end_detail(tenant_id: str, record: ExportRecord) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "eventId": event_id(record.export_id, record.status),
        "tenantId": tenant_id,
        "exportId": record.export_id,
        "dialect": record.dialect,
        "type": record.type,
        "status": record.status,
        "rows": record.total_data_exported,
        "fileId": record.file_id,
        "startedAt": format_timestamp(record.started_at),
        "endedAt": format_timestamp(record.ended_at) if record.ended_at else None,
        "errors": [error.model_dump(mode="json") for error in record.errors],
    }
    if record.schedule_id:
        detail["scheduleId"] = record.schedule_id
        detail["scheduledTime"] = format_timestamp(record.scheduled_time) if record.scheduled_time else None
    return detail


def announce_end(tenant_id: str, record: ExportRecord) -> None:
    """Put the export's end event; only for an export that has ended."""
    detail_type = DETAIL_TYPES.get(ExportStatus(record.status))
    if detail_type is None:
        return
    messages.put_event(get_settings().event_bus_name, SOURCE, detail_type, end_detail(tenant_id, record))
