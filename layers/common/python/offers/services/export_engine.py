"""The export engine: the four steps the state machine runs, for any source.

plan      -> the source's segments, written to S3 for the Map state to read (no payload limit)
segment   -> one segment's rows streamed into CSV chunks under deterministic keys
finalize  -> manifest, the whole file joined from the chunks, COMPLETED with the total
fail      -> ERROR with readable errors (never after COMPLETED)
"""

from __future__ import annotations

import json
from typing import Any

from offers.clock import format_timestamp, utc_now
from offers.errors import Conflict, NotFound
from offers.models.exports import ExportError, ExportStatus
from offers.services import export_events
from offers.services.export_sources import ExportSource, ExportSpec, Segment, source_for
from offers.settings import get_settings
from offers.store import keys, objects
from offers.store.exports import ExportStore

_store = ExportStore()


def columns_of(source: ExportSource, spec: ExportSpec) -> tuple[str, ...]:
    """The CSV header: the spec's own columns (a request that picks its fields), else the source's."""
    return tuple(spec.columns or source.columns)


class IncompleteExport(Exception):
    """Finalize found fewer finished segments than were planned."""


def plan_export(tenant_id: str, export_id: str) -> dict[str, Any]:
    record = _store.get(tenant_id, export_id)
    source = source_for(record.type)
    spec = ExportSpec.model_validate(record.spec)
    settle = getattr(source, "settle", None)  # a source may settle its spec once, here (its columns)
    settled = settle(tenant_id, spec) if settle else spec
    segments = source.plan(tenant_id, settled, utc_now())
    items = [{"tenantId": tenant_id, "exportId": export_id, "segment": s.payload()} for s in segments]
    key = keys.export_plan_object(tenant_id, export_id)
    objects.put_json(key, items)
    changed = settled.model_dump(mode="json", exclude_none=True) if settled != spec else None
    _store.set_plan(tenant_id, export_id, len(segments), changed)
    plan = {
        "bucket": objects.bucket(),
        "key": key,
        "maxConcurrency": get_settings().export_segment_concurrency,
    }
    return {"tenantId": tenant_id, "exportId": export_id, "plan": plan}


def run_segment(tenant_id: str, export_id: str, segment_payload: dict[str, Any]) -> dict[str, Any]:
    """Stream one segment into chunks. Re-running it rewrites the same keys with the same rows."""
    segment = Segment.of(segment_payload)
    record = _store.get(tenant_id, export_id)
    if record.status != ExportStatus.IN_PROGRESS:
        return {"segment": segment.id, "skipped": record.status}
    source = source_for(record.type)
    spec = ExportSpec.model_validate(record.spec)
    settings = get_settings()
    writer = objects.CsvChunkWriter(
        columns_of(source, spec),
        lambda n: keys.export_chunk_object(tenant_id, export_id, segment.id, n),
        max_rows=settings.export_chunk_rows,
        max_bytes=settings.export_chunk_megabytes * 1024 * 1024,
    )
    written = False
    try:
        writer.write_rows(source.rows(tenant_id, spec, segment))
        chunks = writer.close()
        written = True
    finally:
        if not written:
            writer.abort()
    rows = sum(chunk.rows for chunk in chunks)
    now = format_timestamp(utc_now())
    _store.record_segment(tenant_id, export_id, segment.id, chunks=chunks, rows=rows, now=now)
    return {"segment": segment.id, "rows": rows, "chunks": len(chunks)}


def finalize_export(tenant_id: str, export_id: str) -> dict[str, Any]:
    record = _store.get(tenant_id, export_id)
    if record.status == ExportStatus.COMPLETED:  # a retry after the status was written
        export_events.announce_end(tenant_id, record)
        return _finalized(record.export_id, record.total_data_exported, record.chunk_count)
    segments = _store.segments(tenant_id, export_id)
    if record.segments_total is None or len(segments) != record.segments_total:
        raise IncompleteExport(f"{len(segments)} of {record.segments_total} segments finished")
    source = source_for(record.type)
    columns = columns_of(source, ExportSpec.model_validate(record.spec))
    header = objects.header_bytes(columns)
    chunks = [objects.Chunk(**chunk) for segment in segments for chunk in segment["chunks"]]
    if not chunks:  # nothing matched: one header-only file
        key = keys.export_chunk_object(tenant_id, export_id, "empty", 0)
        objects.put_bytes(key, header, "text/csv; charset=utf-8")
        chunks = [objects.Chunk(key=key, rows=0, bytes=len(header))]
    rows = sum(chunk.rows for chunk in chunks)
    size = objects.join_chunks(keys.export_file_object(tenant_id, export_id), chunks, len(header))
    files = [
        {"fileId": f"{export_id}-{n:05d}", "key": chunk.key, "rows": chunk.rows, "bytes": chunk.bytes}
        for n, chunk in enumerate(chunks)
    ]
    objects.put_json(
        keys.export_manifest_object(tenant_id, export_id),
        {
            "exportId": export_id,
            "type": record.type,
            "columns": list(columns),
            "totalRows": rows,
            "file": {
                "fileId": export_id,
                "key": keys.export_file_object(tenant_id, export_id),
                "rows": rows,
                "bytes": size,
            },
            "chunks": files,
        },
    )
    _store.complete(tenant_id, export_id, rows=rows, chunks=len(chunks), now=format_timestamp(utc_now()))
    export_events.announce_end(tenant_id, _store.get(tenant_id, export_id))
    return _finalized(export_id, rows, len(chunks))


def _finalized(export_id: str, rows: int, chunks: int) -> dict[str, Any]:
    return {"exportId": export_id, "status": ExportStatus.COMPLETED.value, "rows": rows, "chunks": chunks}


def readable_errors(error: dict[str, Any]) -> list[ExportError]:
    """Step Functions' {Error, Cause} as the export's errors: a Lambda's cause is JSON."""
    kind = str(error.get("Error") or "States.TaskFailed")
    cause = error.get("Cause") or ""
    try:
        detail = json.loads(cause)
    except ValueError:
        detail = None
    if isinstance(detail, dict):
        kind = str(detail.get("errorType") or kind)
        cause = str(detail.get("errorMessage") or cause)
    return [ExportError(type=kind, message=str(cause)[:1000] or "the export failed")]


def fail_export(tenant_id: str, export_id: str, error: dict[str, Any]) -> dict[str, Any]:
    try:
        _store.fail(tenant_id, export_id, readable_errors(error), format_timestamp(utc_now()))
    except Conflict:
        # Already COMPLETED or ERROR. Announce that end again (same event id): if this step runs
        # because announcing it failed, this is what makes the announcement at least once.
        export_events.announce_end(tenant_id, _store.get(tenant_id, export_id))
        return {"exportId": export_id, "status": "unchanged"}
    except NotFound:
        return {"exportId": export_id, "status": "deleted"}  # deleted while it ran
    export_events.announce_end(tenant_id, _store.get(tenant_id, export_id))
    return {"exportId": export_id, "status": ExportStatus.ERROR.value}
