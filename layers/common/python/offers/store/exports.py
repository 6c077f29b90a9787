"""Export records and their segments in DynamoDB.

The record is the export's state for clients (status, totals, progress). Each finished
segment leaves one segment record naming its chunks; the first time it is recorded it also
moves the record's progress, so a retried segment is never counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from offers.errors import Conflict, NotFound
from offers.models.exports import ExportError, ExportRecord, ExportStatus
from offers.store import keys
from offers.store.objects import Chunk
from offers.store.table import ConditionFailed, Table, TransactionCancelled

ENTITY = "EXPORT"
SEGMENT_ENTITY = "EXPORT_SEGMENT"


class ExportNotFound(NotFound):
    resource_type = "export"

    def __init__(self, export_id: str):
        super().__init__(f"export {export_id} not found")
        self.resource_id = export_id


def _counter(export_id: str) -> str:
    """The tenant-stats attribute counting this export's dialect's exports."""
    return "v1Exports" if export_id.startswith(keys.V1_EXPORT_ID_PREFIX) else "exports"


def export_item(tenant_id: str, record: ExportRecord) -> dict[str, Any]:
    body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {**keys.export_key(tenant_id, record.export_id), "entity": ENTITY, **body}


def export_from_item(item: dict[str, Any]) -> ExportRecord:
    return ExportRecord.model_validate(item)


class ExportStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def create(self, tenant_id: str, record: ExportRecord, also: Sequence[dict[str, Any]] = ()) -> None:
        """Record the export, count it, and run ``also`` (e.g. a schedule's run) in the same
        transaction; a failed condition of ``also[i]`` raises TransactionCancelled at index 2 + i."""
        self.table.transact_write(
            [
                self.table.put_op(export_item(tenant_id, record), condition="attribute_not_exists(pk)"),
                self.table.update_op(
                    keys.tenant_stats_key(tenant_id),
                    "ADD #count :one",
                    names={"#count": _counter(record.export_id)},
                    values={":one": 1},
                ),
                *also,
            ]
        )

    def get(self, tenant_id: str, export_id: str, *, consistent: bool = True) -> ExportRecord:
        item = self.table.get(keys.export_key(tenant_id, export_id), consistent=consistent)
        if item is None:
            raise ExportNotFound(export_id)
        return export_from_item(item)

    def many(self, tenant_id: str, export_ids: list[str]) -> list[ExportRecord]:
        """The exports that exist among ``export_ids`` (one BatchGetItem)."""
        found = self.table.batch_get([keys.export_key(tenant_id, export_id) for export_id in export_ids])
        return [export_from_item(item) for item in found]

    def count(self, tenant_id: str, *, v1: bool = False) -> int:
        stats = self.table.get(keys.tenant_stats_key(tenant_id)) or {}
        return int(stats.get(_counter(keys.V1_EXPORT_ID_PREFIX if v1 else ""), 0))

    def newest(
        self, tenant_id: str, limit: int, *, v1: bool = False, oldest_first: bool = False
    ) -> list[ExportRecord]:
        """The ``limit`` newest (or oldest) exports of one dialect (offset paging reads past the
        offset; bounded by it)."""
        partition = keys.v1_exports_partition(tenant_id) if v1 else keys.exports_partition(tenant_id)
        items: list[dict[str, Any]] = []
        for item in self.table.query_all(
            partition,
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.EXPORT_SK_PREFIX},
            forward=oldest_first,
        ):
            items.append(item)
            if len(items) == limit:
                break
        return [export_from_item(item) for item in items]

    def delete(self, tenant_id: str, export_id: str) -> ExportRecord:
        """Remove the record (and its count) at once, then its segment records."""
        record = self.get(tenant_id, export_id)
        try:
            self.table.transact_write(
                [
                    self.table.delete_op(
                        keys.export_key(tenant_id, export_id), condition="attribute_exists(pk)"
                    ),
                    self.table.update_op(
                        keys.tenant_stats_key(tenant_id),
                        "ADD #count :minus",
                        names={"#count": _counter(export_id)},
                        values={":minus": -1},
                    ),
                ]
            )
        except TransactionCancelled as cancelled:
            if cancelled.failed(0):
                raise ExportNotFound(export_id) from None
            raise
        segment_keys = [
            {keys.PK: item[keys.PK], keys.SK: item[keys.SK]} for item in self.segments(tenant_id, export_id)
        ]
        if segment_keys:
            self.table.batch_write(deletes=segment_keys)
        return record

    def set_plan(
        self, tenant_id: str, export_id: str, segments: int, spec: dict[str, Any] | None = None
    ) -> None:
        """The segment count, and the spec as planning settled it (when it did)."""
        if spec is None:
            self._update_running(tenant_id, export_id, "SET segmentsTotal = :n", {":n": segments})
        else:
            self._update_running(
                tenant_id, export_id, "SET segmentsTotal = :n, spec = :spec", {":n": segments, ":spec": spec}
            )

    def record_segment(
        self, tenant_id: str, export_id: str, segment_id: str, *, chunks: list[Chunk], rows: int, now: str
    ) -> None:
        """Store the segment's chunks; only its first recording moves the export's progress."""
        item = {
            **keys.export_segment_key(tenant_id, export_id, segment_id),
            "entity": SEGMENT_ENTITY,
            "segmentId": segment_id,
            "rows": rows,
            "chunks": [{"key": c.key, "rows": c.rows, "bytes": c.bytes} for c in chunks],
            "completedAt": now,
        }
        try:
            self.table.transact_write(
                [
                    self.table.put_op(item, condition="attribute_not_exists(pk)"),
                    self._running_op(
                        tenant_id,
                        export_id,
                        "ADD segmentsDone :one, rowsSoFar :rows",
                        {":one": 1, ":rows": rows},
                    ),
                ]
            )
        except TransactionCancelled as cancelled:
            if cancelled.failed(0):  # a retry of a segment already counted: refresh its chunks
                self.table.put(item)
                return
            if cancelled.failed(1):
                raise Conflict(
                    f"export {export_id} is no longer running", code="EXPORT_NOT_RUNNING"
                ) from None
            raise

    def segments(self, tenant_id: str, export_id: str) -> list[dict[str, Any]]:
        """Every recorded segment, in segment-id order (strongly consistent)."""
        return list(
            self.table.query_all(
                keys.export_segments_partition(tenant_id, export_id),
                sort_condition="begins_with(#sk, :prefix)",
                values={":prefix": keys.SEGMENT_SK_PREFIX},
                consistent=True,
            )
        )

    def complete(self, tenant_id: str, export_id: str, *, rows: int, chunks: int, now: str) -> None:
        self._update_running(
            tenant_id,
            export_id,
            "SET #status = :done, endedAt = :now, totalDataExported = :rows, rowsSoFar = :rows,"
            " fileId = :file, chunkCount = :chunks",
            {
                ":done": ExportStatus.COMPLETED.value,
                ":now": now,
                ":rows": rows,
                ":file": export_id,
                ":chunks": chunks,
            },
        )

    def fail(self, tenant_id: str, export_id: str, errors: list[ExportError], now: str) -> None:
        """ERROR with readable errors; a COMPLETED export is never turned back."""
        self._update_running(
            tenant_id,
            export_id,
            "SET #status = :error, endedAt = :now, errors = :errors",
            {
                ":error": ExportStatus.ERROR.value,
                ":now": now,
                ":errors": [e.model_dump(mode="json") for e in errors],
            },
        )

    def _running_op(
        self, tenant_id: str, export_id: str, update: str, values: dict[str, Any]
    ) -> dict[str, Any]:
        return self.table.update_op(
            keys.export_key(tenant_id, export_id),
            update,
            condition="#status = :running",
            names={"#status": "status"},
            values={":running": ExportStatus.IN_PROGRESS.value, **values},
        )

    def _update_running(self, tenant_id: str, export_id: str, update: str, values: dict[str, Any]) -> None:
        try:
            self.table.update(
                keys.export_key(tenant_id, export_id),
                update,
                condition="#status = :running",
                names={"#status": "status"},
                values={":running": ExportStatus.IN_PROGRESS.value, **values},
            )
        except ConditionFailed as error:
            if error.item is None:
                raise ExportNotFound(export_id) from error
            raise Conflict(f"export {export_id} is no longer running", code="EXPORT_NOT_RUNNING") from error
