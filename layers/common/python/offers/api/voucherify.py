"""The Voucherify dialect's request context and error format, in one place.

Errors: ``{code, key, message, details, request_id}`` (+ ``resource_id``/``resource_type`` for a
lookup), as Voucherify's API answers them; the status still follows the error's class.
Credentials: the /v1 authorizer resolved X-App-Id/X-App-Token (or a download token) to a
tenant; an empty principal means they did not, and the request is 401 before any routing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from offers.api.context import RequestContext
from offers.api.errors import status_for
from offers.api.resolver import Dialect, OffersResolver
from offers.errors import InvalidInput, NotAuthenticated, NotFound, OffersError
from offers.observability import logger

# (key, message) by status, and for 400s by the error's own code.
_BY_CODE = {
    "invalid_export_fields": ("invalid_export_fields", "Invalid Export"),
    "invalid_query_params": ("invalid_query_params", "Invalid query params"),
    # gift cards and loyalty cards (services/card_*.py)
    "not_enough_balance": ("not_enough_balance", "Not enough balance"),
    "not_enough_points": ("not_enough_points", "Not enough points"),
    "voucher_not_active": ("voucher_not_active", "Voucher not active"),
    "duplicate_found": ("duplicate_found", "Duplicate resource key"),
}
_BY_STATUS = {
    400: ("invalid_payload", "Invalid payload"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Resource not found"),
    409: ("conflict", "Conflict"),
    422: ("unprocessable_entity", "Unprocessable entity"),
    500: ("internal_error", "Internal error"),
    503: ("service_unavailable", "Service unavailable"),
}
DOWNLOAD_SCOPE_PREFIX = "download:"


def voucherify_context(event: Mapping[str, Any], request_id: str) -> RequestContext:
    principal = ((event.get("requestContext") or {}).get("authorizer") or {}).get("lambda") or {}
    if not principal.get("tenantId"):
        raise NotAuthenticated("Unauthorized")
    return RequestContext(
        tenant_id=principal["tenantId"],
        channel_id="",
        request_id=request_id,
        subject=f"{principal.get('subject', '')}|{principal.get('scope', '')}",
    )


def _details(error: OffersError) -> str:
    if error.code in _BY_CODE or not error.problems:
        return error.message
    return "; ".join(f"Property .{p.field} {p.message}" for p in error.problems)


def voucherify_error_body(error: OffersError, status: int | None = None) -> dict[str, Any]:
    status = status or (500 if error.code == "INTERNAL_SERVER_ERROR" else status_for(error))
    key, message = _BY_CODE.get(error.code) or _BY_STATUS.get(status, ("error", "Error"))
    body: dict[str, Any] = {"code": status, "key": key, "message": message}
    if status != 401:
        body["details"] = _details(error)
    body["request_id"] = logger.get_correlation_id() or ""
    if isinstance(error, NotFound) and getattr(error, "resource_id", None):
        body["details"] = f"Cannot find {error.resource_type} with id {error.resource_id}"  # type: ignore[attr-defined]
        body["resource_id"] = error.resource_id  # type: ignore[attr-defined]
        body["resource_type"] = error.resource_type  # type: ignore[attr-defined]
    return body


VOUCHERIFY = Dialect("voucherify", voucherify_context, voucherify_error_body)


class VoucherifyResolver(OffersResolver):
    """Busy AWS services answer 503 with Retry-After through the one mechanism every route
    shares: the store turns what stays transient after its retries into TemporarilyUnavailable
    (offers.store.retries), which the base resolver answers in this dialect's format."""

    def __init__(self) -> None:
        super().__init__(VOUCHERIFY)

    @property
    def is_download(self) -> bool:
        """The principal is a download token's, good for one export's file and nothing else."""
        return (self.request_context.subject or "").partition("|")[2].startswith(DOWNLOAD_SCOPE_PREFIX)

    def download_export_id(self) -> str | None:
        scope = (self.request_context.subject or "").partition("|")[2]
        return scope.removeprefix(DOWNLOAD_SCOPE_PREFIX) if scope.startswith(DOWNLOAD_SCOPE_PREFIX) else None

    def base_url(self) -> str:
        """Where this API was reached: the links we hand out (result.url) point back here."""
        event = self.current_event
        headers = event.headers or {}
        context = event.raw_event.get("requestContext") or {}
        scheme = headers.get("x-forwarded-proto", "http").split(",")[0].strip()
        host = context.get("domainName") or headers.get("host", "")
        stage = context.get("stage") or "$default"
        return f"{scheme}://{host}" + ("" if stage == "$default" else f"/{stage}")

    def json_body_or_invalid(self) -> Any:
        """The JSON body, or 400 invalid_payload (the dialect validates the shape itself)."""
        raw = self.current_event.decoded_body
        if not raw:
            raise InvalidInput.for_field("body", "is required", code="invalid_payload")
        try:
            return json.loads(raw)
        except ValueError:
            raise InvalidInput.for_field("body", "is not valid JSON", code="invalid_payload") from None

    def json_body_or_none(self) -> Any:
        """An optional JSON body: None when the request has none, else as json_body_or_invalid."""
        return self.json_body_or_invalid() if self.current_event.decoded_body else None

    def query_choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
        raw = (self.current_event.query_string_parameters or {}).get(name) or default
        if raw is not None and raw not in choices:
            raise invalid_query(name, f"must be one of {', '.join(choices)}")
        return raw

    def query_int(self, name: str, default: int, low: int, high: int) -> int:
        raw = (self.current_event.query_string_parameters or {}).get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise invalid_query(name, f"must be a whole number from {low} to {high}")
        return int(raw)


def invalid_query(name: str, message: str) -> OffersError:
    return InvalidInput.for_field(name, message, code="invalid_query_params")
