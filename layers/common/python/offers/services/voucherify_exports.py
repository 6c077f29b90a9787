"""The Voucherify exports dialect (seed 002): /v1/exports as a thin layer over the one engine.

A request's ``exported_object``, ``fields``, ``filters`` and ``order`` become a source and its
spec; the engine and state machine run it as they run every export. Status reads as
Voucherify's: SCHEDULED (not yet planned), IN_PROGRESS, DONE (with ``result.url``), ERROR.
Each dialect lists only its own exports (ids ``exp_...`` here, 24 hex characters in fabric):
a fabric client could not read a Voucherify export's shape, nor the other way round.
"""

from __future__ import annotations

import contextlib
from typing import Any

from offers.auth.download_tokens import make_download_token
from offers.clock import format_timestamp, utc_now
from offers.errors import Conflict, InvalidInput
from offers.ids import new_id
from offers.models.exports import ExportRecord, ExportStatus
from offers.services import card_export_requests
from offers.services import voucherify_fields as fields
from offers.services.export_sources import V1_CUSTOMER, V1_PUBLICATION, V1_REDEMPTION, V1_VOUCHER, ExportSpec
from offers.services.exports import start_export
from offers.services.voucherify_filters import compile_filters
from offers.services.voucherify_vocabularies import CUSTOMERS, PUBLICATIONS, REDEMPTIONS, VOUCHERS, Vocabulary
from offers.settings import get_settings
from offers.store import keys, objects
from offers.store.clients import client
from offers.store.exports import ExportNotFound, ExportStore
from offers.store.retries import unavailable_when_busy

_store = ExportStore()
EXPORTED_OBJECTS = (
    "voucher",
    "redemption",
    "customer",
    "publication",
    "order",
    "points_expiration",
    "voucher_transactions",
    "product",
    "sku",
)
# exported_object -> (source, its fields, the default fields, its filters)
SUPPORTED: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], Vocabulary]] = {
    "redemption": (V1_REDEMPTION, fields.REDEMPTION_FIELDS, fields.REDEMPTION_DEFAULT_FIELDS, REDEMPTIONS),
    "voucher": (V1_VOUCHER, fields.VOUCHER_FIELDS, fields.VOUCHER_DEFAULT_FIELDS, VOUCHERS),
    "customer": (V1_CUSTOMER, fields.CUSTOMER_FIELDS, fields.CUSTOMER_DEFAULT_FIELDS, CUSTOMERS),
    "publication": (
        V1_PUBLICATION,
        fields.PUBLICATION_FIELDS,
        fields.PUBLICATION_DEFAULT_FIELDS,
        PUBLICATIONS,
    ),
}
# The orders the reference allows per object (each also with "-"): created_at is the order of
# every source's index; the others sort the export in one segment (export_sources/sorting.py).
ORDER_FIELDS = {
    "voucher": ("created_at", "updated_at", "code"),
    "redemption": ("id", "voucher_code", "tracking_id", "customer_id", "created_at"),
    "customer": ("name", "id", "email", "source_id", "created_at", "updated_at"),
    "publication": ("id", "voucher_code", "tracking_id", "customer_id", "created_at", "channel"),
}
LIST_ORDERS = ("created_at", "-created_at", "status", "-status")
MAX_FIELDS = 100
MAX_LISTED = 10_000
DOWNLOAD_SECONDS = 300


def _invalid(property_path: str, message: str) -> InvalidInput:
    return InvalidInput.for_field(property_path, message, code="invalid_payload")


def _requested_fields(given: Any, allowed: tuple[str, ...], defaults: tuple[str, ...]) -> list[str]:
    if given is None:
        return list(defaults)
    if not isinstance(given, list) or not given or len(given) > MAX_FIELDS:
        raise _invalid("parameters.fields", f"must be a list of 1-{MAX_FIELDS} field names")
    unknown = [
        name
        for name in given
        if not isinstance(name, str)
        or not (name in allowed or (name.startswith("metadata.") and len(name) > len("metadata.")))
    ]
    if unknown:
        raise InvalidInput(
            f"Unsupported field used: {', '.join(map(str, unknown))}. Allowed fields: {', '.join(allowed)}",
            code="invalid_export_fields",
        )
    if len(set(given)) != len(given):
        raise _invalid("parameters.fields", "names a field twice")
    return list(given)


def create_export(tenant_id: str, body: Any) -> dict[str, Any]:
    """Validate, record, start; answers SCHEDULED (the only status the SDK accepts here)."""
    return start(tenant_id, export_record(body))


def start(tenant_id: str, record: ExportRecord) -> dict[str, Any]:
    """Record and start a validated export (any /v1 route that makes one); answers it SCHEDULED."""
    start_export(tenant_id, record)
    return _view(tenant_id, record, None, scheduled=True)


def export_record(body: Any) -> ExportRecord:
    """The export a POST /v1/exports body asks for, validated (not yet recorded or started)."""
    if not isinstance(body, dict):
        raise _invalid("body", "must be a JSON object")
    unknown = sorted(set(body) - {"exported_object", "parameters"})
    if unknown:
        raise _invalid(unknown[0], "is not allowed")
    exported_object = body.get("exported_object")
    if exported_object not in EXPORTED_OBJECTS:
        raise _invalid(
            "exported_object", f"should be equal to one of the allowed values [{', '.join(EXPORTED_OBJECTS)}]"
        )
    if exported_object in card_export_requests.CARD_EXPORTS:  # the cards' ledger
        what = card_export_requests.CARD_EXPORTS[exported_object]
        return card_export_requests.export_record(what, body.get("parameters") or {})
    if exported_object not in SUPPORTED:
        raise _invalid(
            "exported_object",
            f"exports of {exported_object} are not supported yet; supported: "
            + ", ".join([*SUPPORTED, *card_export_requests.CARD_EXPORTS]),
        )
    spec, echoed = _read_parameters(exported_object, body.get("parameters") or {})
    return ExportRecord(
        export_id=f"{keys.V1_EXPORT_ID_PREFIX}{new_id()}",
        type=SUPPORTED[exported_object][0],
        status=ExportStatus.IN_PROGRESS,
        spec=spec.model_dump(mode="json", exclude_none=True),
        started_at=utc_now(),
        exported_object=exported_object,
        dialect="voucherify",
        parameters=echoed,
    )


def _read_parameters(exported_object: str, parameters: Any) -> tuple[ExportSpec, dict[str, Any]]:
    """``parameters`` -> the source's spec, and the parameters as they are echoed back."""
    if not isinstance(parameters, dict):
        raise _invalid("parameters", "must be an object")
    unknown = sorted(set(parameters) - {"order", "fields", "filters", "campaign_id"})
    if unknown:
        raise _invalid(f"parameters.{unknown[0]}", "is not allowed")
    _, allowed, defaults, vocabulary = SUPPORTED[exported_object]
    columns = _requested_fields(parameters.get("fields"), allowed, defaults)
    order = parameters.get("order")
    orders = [f"{sign}{name}" for name in ORDER_FIELDS[exported_object] for sign in ("", "-")]
    if order is not None and order not in orders:
        raise _invalid("parameters.order", f"should be one of [{', '.join(orders)}]")
    ordered_by = (order or "created_at").lstrip("-")
    filters = parameters.get("filters")
    if filters is not None and not isinstance(filters, dict):
        raise _invalid("parameters.filters", "must be an object")
    campaign_id = parameters.get("campaign_id")  # the SDK always sends the key, mostly null
    read_filters = filters
    if campaign_id is not None:
        if exported_object != "voucher" or not isinstance(campaign_id, str) or not campaign_id:
            raise _invalid("parameters.campaign_id", "is a campaign id, for voucher exports only")
        read_filters = {**(filters or {}), "campaign_id": {"conditions": {"$is": campaign_id}}}
    spec = compile_filters(
        vocabulary,
        read_filters,
        columns=columns,
        descending=bool(order and order.startswith("-")),
        order_by=None if ordered_by == "created_at" else ordered_by,
    )
    echoed: dict[str, Any] = {"fields": columns}
    for name, value in (("order", order), ("filters", filters), ("campaign_id", campaign_id)):
        if value is not None:
            echoed[name] = value
    return spec, echoed


def _v1_export(tenant_id: str, export_id: str) -> ExportRecord:
    if not export_id.startswith(keys.V1_EXPORT_ID_PREFIX):
        raise ExportNotFound(export_id)  # a fabric export is not this dialect's
    return _store.get(tenant_id, export_id)


def _status(record: ExportRecord, scheduled: bool) -> str:
    if record.status == ExportStatus.COMPLETED:
        return "DONE"
    if record.status == ExportStatus.ERROR:
        return "ERROR"
    return "SCHEDULED" if scheduled or record.segments_total is None else "IN_PROGRESS"


def _view(
    tenant_id: str, record: ExportRecord, base_url: str | None, *, scheduled: bool = False
) -> dict[str, Any]:
    status = _status(record, scheduled)
    result = None
    if status == "DONE" and base_url is not None:
        token = make_download_token(tenant_id, record.export_id)
        result = {"url": f"{base_url}/v1/exports/{record.export_id}?token={token}"}
    return {
        "id": record.export_id,
        "object": "export",
        "created_at": format_timestamp(record.started_at),
        "status": status,
        "channel": "API",
        "exported_object": record.exported_object,
        "parameters": record.parameters or {},
        "result": result,
        "user_id": None,
    }


def get_export(tenant_id: str, export_id: str, base_url: str | None) -> dict[str, Any]:
    return _view(tenant_id, _v1_export(tenant_id, export_id), base_url)


def list_exports(
    tenant_id: str, *, limit: int, page: int, order: str | None, base_url: str
) -> dict[str, Any]:
    """Offset-paged (page 1..100 of limit 1..100), newest first unless ``order`` says otherwise."""
    order = order or "-created_at"
    wanted = page * limit
    if order.lstrip("-") == "status":  # a bounded in-memory sort (the listing is capped)
        records = _store.newest(tenant_id, MAX_LISTED, v1=True)
        records.sort(key=lambda r: _status(r, False), reverse=order.startswith("-"))
    else:
        records = _store.newest(tenant_id, wanted, v1=True, oldest_first=order == "created_at")
    chosen = records[(page - 1) * limit : wanted]
    return {
        "object": "list",
        "data_ref": "exports",
        "exports": [_view(tenant_id, record, base_url) for record in chosen],
        "total": _store.count(tenant_id, v1=True),
    }


def delete_export(tenant_id: str, export_id: str) -> None:
    """Stop the job if it runs, delete its files, forget the export; then it is 404."""
    _v1_export(tenant_id, export_id)
    settings = get_settings()
    if settings.export_state_machine_arn:
        execution = settings.export_state_machine_arn.replace(":stateMachine:", ":execution:", 1)
        stepfunctions = client("stepfunctions")
        with contextlib.suppress(stepfunctions.exceptions.ExecutionDoesNotExist):
            unavailable_when_busy(
                lambda: stepfunctions.stop_execution(
                    executionArn=f"{execution}:{export_id}", cause="export deleted"
                ),
                operation="StopExecution",
            )
    # files first: a DELETE that fails part way (503) leaves the export to be deleted again
    unavailable_when_busy(
        lambda: objects.delete_prefix(keys.export_prefix(tenant_id, export_id)), operation="DeleteObjects"
    )
    _store.delete(tenant_id, export_id)


def download_url(tenant_id: str, export_id: str) -> str:
    """A short presigned URL to the whole CSV, served as text/plain (the SDK refuses text/csv)."""
    record = _v1_export(tenant_id, export_id)
    if record.status != ExportStatus.COMPLETED:
        raise Conflict(f"export {export_id} is not DONE yet", code="EXPORT_NOT_DONE")
    return objects.download_url(
        keys.export_file_object(tenant_id, export_id),
        f"{export_id}.csv",
        expires_in=DOWNLOAD_SECONDS,
        content_type="text/plain; charset=utf-8",
    )
