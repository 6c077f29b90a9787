"""What a route answers, for the API document (``docs/openapi.json``, made by ``make openapi``).

Handlers pass ``responses=answers(...)`` to their Powertools route: the success status with
its model, and the error statuses particular to the route (404, 409, ...). Errors every route
can answer (bad input, authentication, tenancy, overload) and each dialect's error body are
added by the generator (``local/openapi.py``), which knows the dialect and the template.
Nothing here runs per request: Powertools reads it only when it builds the document (the
success model is also looked up once, on a container's first request).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

JSON = "application/json"

_PHRASES = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No content",
    207: "Multi-status: some items could not be answered (each says why)",
    302: "Found: redirects to the resource (Location)",
    400: "Bad request: the dialect's error, naming each bad field in details",
    404: "Not found (or another tenant's)",
    409: "Conflicts with the stored state",
    422: "Refused by a business rule",
}


def example(value: dict[str, Any]) -> dict[str, Any]:
    """A request body example for ``Body(openapi_examples=...)``."""
    return {"valid": {"summary": "a body that is accepted as it stands", "value": value}}


def answers(
    success: int | Mapping[int, Any],
    model: Any = None,
    *,
    errors: Iterable[int] = (),
) -> dict[int, dict[str, Any]]:
    """``answers(200, Promotion, errors=(404,))`` or ``answers({201: Job, 200: Codes}, errors=(409,))``.

    A success without a model (204) has no body; error bodies are filled in by the generator.
    """
    successes = {success: model} if isinstance(success, int) else dict(success)
    documented: dict[int, dict[str, Any]] = {}
    for status, body in successes.items():
        content = {JSON: {"model": body}} if body is not None else {}
        documented[status] = {"description": _PHRASES.get(status, str(status)), "content": content}
    for status in errors:
        documented[status] = {"description": _PHRASES.get(status, str(status)), "content": {}}
    return documented
