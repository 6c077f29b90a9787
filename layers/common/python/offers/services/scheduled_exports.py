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

    def view(self, tenant_id: str, export_id: str) -> Any:
        """The export as this dialect's own GET answers it (run-now's answer)."""


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

    def view(self, tenant_id: str, export_id: str) -> Any:
        from offers.services import exports  # noqa: PLC0415

        return exports.get_export(tenant_id, export_id)


class VoucherifyExports:
    """``{exported_object, parameters}`` as POST /v1/exports takes it; any value inside
    ``parameters.filters`` may be a relative time (``{"created_at": {"conditions": {"$after":
    ["$scheduledDay-P1D"]}}}``)."""

    @staticmethod
    def _resolved(body: dict[str, Any], scheduled_time: datetime, tz: ZoneInfo) -> dict[str, Any]:
        def resolve(node: Any, path: str) -> Any:
            if isinstance(node, dict):
                return {key: resolve(value, f"{path}.{key}") for key, value in node.items()}
            if isinstance(node, list):
                return [resolve(value, f"{path}[{i}]") for i, value in enumerate(node)]
            if not relative_times.is_relative(node):
                return node
            try:
                return relative_times.resolve(node, scheduled_time, tz)
            except relative_times.NotRelative as error:
                raise InvalidInput.for_field(path, str(error), code="INVALID_RELATIVE_TIME") from None

        parameters = body.get("parameters")
        if not isinstance(parameters, dict) or "filters" not in parameters:
            return body
        filters = resolve(parameters["filters"], "parameters.filters")
        return {**body, "parameters": {**parameters, "filters": filters}}

    def validate(self, body: dict[str, Any], tz: ZoneInfo) -> None:
        from offers.services import voucherify_exports  # noqa: PLC0415 - only this dialect needs it

        voucherify_exports.export_record(self._resolved(body, utc_now(), tz))

    def start(self, tenant_id: str, body: dict[str, Any], tz: ZoneInfo, origin: ScheduledOrigin) -> str:
        from offers.services import exports, voucherify_exports  # noqa: PLC0415

        record = voucherify_exports.export_record(self._resolved(body, origin.scheduled_time, tz))
        scheduled = record.model_copy(
            update={"schedule_id": origin.schedule_id, "scheduled_time": origin.scheduled_time}
        )
        exports.start_export(tenant_id, scheduled, origin)
        return scheduled.export_id

    def view(self, tenant_id: str, export_id: str) -> Any:
        from offers.services import voucherify_exports  # noqa: PLC0415

        return voucherify_exports.get_export(tenant_id, export_id, base_url=None)


DIALECTS: dict[str, ExportDialect] = {"fabric": FabricExports(), "voucherify": VoucherifyExports()}


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
