"""Domain errors -> HTTP, in one place, and the fabric error body.

Status codes follow the error's class, never its message text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from offers.errors import (
    QUOTE_LIMIT,
    Conflict,
    FieldProblem,
    Forbidden,
    InvalidInput,
    LimitReached,
    MissingTenant,
    NotAuthenticated,
    NotFound,
    OffersError,
    PayloadTooLarge,
    TemporarilyUnavailable,
    Unprocessable,
    UnsupportedMediaType,
)

_STATUS_BY_ERROR: dict[type[OffersError], int] = {
    InvalidInput: 400,
    MissingTenant: 400,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Unprocessable: 422,
    LimitReached: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    TemporarilyUnavailable: 503,
}

INTERNAL_ERROR = "INTERNAL_SERVER_ERROR"
_SOURCES = {"body", "query", "path", "header", "cookie"}


def status_for(error: OffersError) -> int:
    for cls in type(error).__mro__:
        if cls in _STATUS_BY_ERROR:
            return _STATUS_BY_ERROR[cls]
    return 400


def fabric_error_body(error: OffersError) -> dict[str, Any]:
    body: dict[str, Any] = {"type": error.code, "message": error.message}
    if error.problems:
        body["details"] = [{"field": p.field, "message": p.message} for p in error.problems]
    return body


def field_path(location: Iterable[Any]) -> str:
    """('body', 'discounts', 0, 'value') -> 'discounts[0].value'"""
    parts = list(location)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:] or parts[:1]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def _problem_message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "is invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if error.get("type") == "missing":
        return "is required"
    if error.get("type") == "json_invalid":
        return "is not valid JSON"
    return message


# The message sums up the first few problems; ``details`` lists them all (at most MAX_DETAILS).
SUMMARY_PROBLEMS = 5
MAX_DETAILS = 100


def validation_failure(errors: Iterable[Mapping[str, Any]]) -> InvalidInput:
    """pydantic/Powertools validation errors -> one InvalidInput naming every field.

    A field path may hold the caller's own keys (an unknown field's name): it is cut to
    ``QUOTE_LIMIT`` characters, like every piece of caller input an error message repeats.
    """
    problems = [
        FieldProblem(
            "body" if e.get("type") == "json_invalid" else _cut(field_path(e.get("loc", ()))),
            _problem_message(e),
        )
        for e in errors
    ][:MAX_DETAILS]
    summary = "; ".join(f"{p.field}: {p.message}" for p in problems[:SUMMARY_PROBLEMS])
    if len(problems) > SUMMARY_PROBLEMS:
        summary += f"; and {len(problems) - SUMMARY_PROBLEMS} more (see details)"
    return InvalidInput(
        f"Request validation failed: {summary or 'the request is invalid'}", problems=problems
    )


def _cut(text: str) -> str:
    return text if len(text) <= QUOTE_LIMIT else f"{text[:QUOTE_LIMIT]}..."
