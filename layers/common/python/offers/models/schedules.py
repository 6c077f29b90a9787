"""Export schedules (fabric v3 style JSON): a schedule expression, its zone and the export to run.

The export is kept as a tagged body, ``{"dialect": "fabric", "body": {type, filters}}`` or
``{"dialect": "voucherify", "body": {exported_object, parameters}}``: each dialect validates
and starts its own body (services/scheduled_exports.py), so a schedule stores exactly what
the dialect's own POST would take, relative filter values included.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from offers.models.base import ApiModel, Name, ObjectId, RequestModel, Timestamp


class ScheduleState(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class RunTrigger(StrEnum):
    SCHEDULE = "SCHEDULE"
    RUN_NOW = "RUN_NOW"


DialectName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]


class ScheduledExport(RequestModel):
    dialect: DialectName = "fabric"
    body: dict[str, Any]


class ScheduleInput(RequestModel):
    """Body of POST /export-schedules and PUT /export-schedules/{id}."""

    name: Name
    description: Annotated[str, StringConstraints(max_length=512)] | None = None
    expression: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
    timezone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] = "UTC"
    state: ScheduleState = ScheduleState.ENABLED
    start_at: Timestamp | None = None
    end_at: Timestamp | None = None
    export: ScheduledExport

    @model_validator(mode="after")
    def _window(self) -> ScheduleInput:
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValueError("endAt must be after startAt")
        return self


class ScheduleRun(ApiModel):
    """One firing: the export it made. Keyed by (schedule, scheduledTime): one export per firing."""

    model_config = {"extra": "ignore"}

    scheduled_time: Timestamp
    export_id: str
    trigger: RunTrigger
    created_at: Timestamp
    status: str | None = None  # the export's, filled in when answering


class ScheduleRecord(ApiModel):
    model_config = {"extra": "ignore"}

    id: ObjectId
    name: str
    description: str | None = None
    expression: str
    timezone: str
    state: ScheduleState
    start_at: Timestamp | None = None
    end_at: Timestamp | None = None
    export: ScheduledExport
    created_at: Timestamp
    updated_at: Timestamp
    # Where a rate() without startAt counts from: the minute after it was (re)defined.
    anchor_at: Timestamp
    last_run: ScheduleRun | None = None


class Schedule(ApiModel):
    """A schedule as returned."""

    id: str
    name: str
    description: str | None
    expression: str
    timezone: str
    state: ScheduleState
    start_at: Timestamp | None
    end_at: Timestamp | None
    export: ScheduledExport
    next_run_at: Timestamp | None
    last_runs: list[ScheduleRun] = Field(default_factory=list)
    created_at: Timestamp
    updated_at: Timestamp
