"""The export a schedule runs, per API dialect: validate the body when the schedule is saved,
start it (relative filter values resolved against the scheduled time) when it fires.

A schedule stores ``export: {dialect, body}``; ``DIALECTS`` maps each dialect to the one object
that knows its body. Adding a dialect is adding one entry: its ``validate`` raises InvalidInput
with field paths relative to the body, its ``start`` creates the export through
``exports.start_export`` with the ``ScheduledOrigin`` (so the run is idempotent on
(schedule, scheduled time) and the export shows scheduleId and scheduledTime).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from offers.clock import utc_now
from offers.errors import FieldProblem, InvalidInput
from offers.models.exports import ExportInput
from offers.models.schedules import ScheduledExport
from offers.services import relative_times
from offers.services.exports import ScheduledOrigin

BODY_FIELD = "export.body"


class ExportDialect(Protocol):
    def validate(self, body: dict[str, Any], tz: ZoneInfo) -> None:
        """Raise InvalidInput (field paths relative to the body) unless ``body`` would export."""

    def start(self, tenant_id: str, body: dict[str, Any], tz: ZoneInfo, origin: ScheduledOrigin) -> str:
        """Create and start the export for ``origin``; returns its id."""


def _path(location: Iterable[Any]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _problems(errors: Iterable[Mapping[str, Any]]) -> InvalidInput:
    problems = [
        FieldProblem(
            _path(e.get("loc", ())) or "body", str(e.get("msg", "is invalid")).removeprefix("Value error, ")
        )
        for e in errors
    ]
    return InvalidInput("; ".join(f"{p.field}: {p.message}" for p in problems), problems=problems)


class FabricExports:
    """``{type, filters}`` as POST /offers-exports takes it; filter values may be relative times."""

    def _input(self, body: dict[str, Any], scheduled_time: datetime, tz: ZoneInfo) -> ExportInput:
        filters = body.get("filters")
        if isinstance(filters, list):
            body = {
                **body,
                "filters": [self._resolved(i, f, scheduled_time, tz) for i, f in enumerate(filters)],
            }
        try:
            return ExportInput.model_validate(body)
        except ValidationError as error:
            raise _problems(error.errors()) from None

    @staticmethod
    def _resolved(index: int, item: Any, scheduled_time: datetime, tz: ZoneInfo) -> Any:
        if not isinstance(item, dict) or not relative_times.is_relative(item.get("value")):
            return item
        try:
            return {**item, "value": relative_times.resolve(item["value"], scheduled_time, tz)}
        except relative_times.NotRelative as error:
            raise InvalidInput.for_field(
                f"filters[{index}].value", str(error), code="INVALID_RELATIVE_TIME"
            ) from None

    def validate(self, body: dict[str, Any], tz: ZoneInfo) -> None:
        from offers.services.export_sources import source_for  # noqa: PLC0415 - only saving needs it

        data = self._input(body, utc_now(), tz)
        source_for(data.type).spec(data.filters)

    def start(self, tenant_id: str, body: dict[str, Any], tz: ZoneInfo, origin: ScheduledOrigin) -> str:
        from offers.services import exports  # noqa: PLC0415

        return exports.create_export(
            tenant_id, self._input(body, origin.scheduled_time, tz), origin
        ).export_id


# The Voucherify dialect plugs in here: "voucherify": VoucherifyExports() (validate its
# {exported_object, parameters} body; start it through exports.start_export with the origin).
DIALECTS: dict[str, ExportDialect] = {"fabric": FabricExports()}


def dialect_of(export: ScheduledExport) -> ExportDialect:
    dialect = DIALECTS.get(export.dialect)
    if dialect is None:
        raise InvalidInput.for_field(
            "export.dialect", f"must be one of: {', '.join(sorted(DIALECTS))}", code="INVALID_EXPORT_DIALECT"
        )
    return dialect


def validate_export(export: ScheduledExport, tz: ZoneInfo) -> None:
    """400 naming ``export.body.<field>`` when the body would not export."""
    try:
        dialect_of(export).validate(export.body, tz)
    except InvalidInput as error:
        if any(p.field == "export.dialect" for p in error.problems):
            raise
        problems = [FieldProblem(f"{BODY_FIELD}.{p.field}", p.message) for p in error.problems]
        if not problems:
            problems = [FieldProblem(BODY_FIELD, error.message)]
        summary = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise InvalidInput(summary, code=error.code, problems=problems) from None
