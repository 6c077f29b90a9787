"""Exports (fabric Offers v3, seed 000): asynchronous CSV exports and their files."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from offers.models.base import ApiModel, RequestModel, Timestamp


class ExportType(StrEnum):
    REDEMPTION = "REDEMPTION"
    CALCULATED_PRICE = "CALCULATED_PRICE"


class ExportStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    ERROR = "ERROR"


class FilterOperator(StrEnum):
    EQUAL = "EQUAL"
    GREATER_THAN_OR_EQUAL_TO = "GREATER_THAN_OR_EQUAL_TO"
    LESS_THAN = "LESS_THAN"
    IN = "IN"


FilterValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
# CALCULATED_PRICE's priceListIds are numbers; strict, so true/1.5 are not taken for ids.
FilterNumber = Annotated[int, Field(strict=True)]


class ExportFilter(RequestModel):
    field: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    operator: FilterOperator
    value: FilterValue | FilterNumber | list[FilterValue | FilterNumber]


class ExportInput(RequestModel):
    """Body of POST /offers-exports."""

    type: ExportType
    filters: list[ExportFilter] = Field(default_factory=list, max_length=20)


class ExportError(ApiModel):
    type: str
    message: str


class ExportFile(ApiModel):
    """One downloadable file: a chunk, or the whole export."""

    file_id: str
    rows: int
    bytes: int


ExportId = Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{24}|exp_[0-9A-Za-z]{24})$")]


class ExportRecord(ApiModel):
    """An export as stored. ``type`` names its source; ``spec`` is the source-specific plan
    input (what, which columns, how). ``exported_object`` and ``parameters`` are what a
    Voucherify-dialect export (id ``exp_...``) was asked for, echoed back as asked."""

    model_config = {"extra": "ignore"}

    export_id: ExportId
    type: str
    status: ExportStatus
    filters: list[ExportFilter] = Field(default_factory=list)
    spec: dict[str, Any]
    exported_object: str | None = None
    parameters: dict[str, Any] | None = None
    started_at: Timestamp
    ended_at: Timestamp | None = None
    total_data_exported: int = 0
    errors: list[ExportError] = Field(default_factory=list)
    segments_total: int | None = None
    segments_done: int = 0
    rows_so_far: int = 0
    file_id: str | None = None
    chunk_count: int = 0
    execution_arn: str | None = None
    # The API dialect the export was asked in (its end event says so).
    dialect: str = "fabric"
    # Set when an export schedule made it: which one, for which scheduled time.
    schedule_id: str | None = None
    scheduled_time: Timestamp | None = None


class ExportProgress(ApiModel):
    rows_so_far: int
    segments_done: int
    segments_total: int | None


class Export(ApiModel):
    """An export as returned: seed 000's fields, then fileId, the chunk files and progress."""

    export_id: str
    started_at: Timestamp
    status: ExportStatus
    type: ExportType
    ended_at: Timestamp | None
    total_data_exported: int
    errors: list[ExportError]
    filters: list[ExportFilter]
    file_id: str | None = None
    files: list[ExportFile] = Field(default_factory=list)
    progress: ExportProgress | None = None
    schedule_id: str | None = None
    scheduled_time: Timestamp | None = None

    @classmethod
    def of(cls, record: ExportRecord, files: list[ExportFile] | None = None) -> Export:
        return cls(
            export_id=record.export_id,
            started_at=record.started_at,
            status=record.status,
            type=record.type,
            ended_at=record.ended_at,
            total_data_exported=record.total_data_exported,
            errors=record.errors,
            filters=record.filters,
            file_id=record.file_id,
            files=files or [],
            progress=ExportProgress(
                rows_so_far=record.rows_so_far,
                segments_done=record.segments_done,
                segments_total=record.segments_total,
            ),
            schedule_id=record.schedule_id,
            scheduled_time=record.scheduled_time,
        )


class OffsetQuery(ApiModel):
    size: int
    offset: int
    count: int


class ExportPage(ApiModel):
    """``GET /offers-exports`` -> {query: {size, offset, count}, data}."""

    query: OffsetQuery
    data: list[Export]


FileId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{24}(-[0-9]{5})?$")]


class DownloadRequest(RequestModel):
    """Body of POST /offers-exports/actions/download-export-file."""

    file_id: FileId


class DownloadLink(ApiModel):
    url: str
    file_id: str
