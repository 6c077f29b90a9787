"""Request bodies, checked once for every route before Powertools validates them.

* A body must be JSON: ``Content-Type: application/json`` in any letter case, with or without
  parameters (``; charset=utf-8``). Any other media type is 415. A body sent without a
  Content-Type is read as JSON (API Gateway passes the header through as the client sent it,
  and clients that omit it mean JSON here); ``curl -d`` without ``-H`` sends a form type: 415.
* It must be UTF-8 (400), at most ``MAX_JSON_DEPTH`` levels deep (400: deeper JSON is no
  request of ours, and would exhaust the parser's recursion), and a JSON object (400: an array
  is never silently cut to its first element).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from offers.errors import InvalidInput, UnsupportedMediaType, quoted

JSON_MEDIA_TYPE = "application/json"
MAX_JSON_DEPTH = 32


def media_type(content_type: str | None) -> str:
    """'Application/JSON; charset=utf-8' -> 'application/json' (media types ignore case)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def json_body_event(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event with its body as JSON text and a canonical Content-Type, or a 4xx error.

    Without a body, the Content-Type says nothing (clients send one on a GET too): it is set to
    JSON, so a route that needs a body answers "body: is required" whatever the header said.
    """
    headers = event.get("headers") or {}
    content_type = headers.get("content-type")
    body = event.get("body")
    if not body:
        if content_type is None or content_type == JSON_MEDIA_TYPE:
            return event
        return {**event, "headers": {**headers, "content-type": JSON_MEDIA_TYPE}}
    if media_type(content_type) not in ("", JSON_MEDIA_TYPE):
        raise UnsupportedMediaType(
            f"the request body must be {JSON_MEDIA_TYPE}, not Content-Type {quoted(content_type)}"
        )
    text = _text(body, base64_encoded=bool(event.get("isBase64Encoded")))
    return {
        **event,
        "headers": {**headers, "content-type": JSON_MEDIA_TYPE},
        "body": text,
        "isBase64Encoded": False,
    }


def _text(body: str, *, base64_encoded: bool) -> str:
    if not base64_encoded:
        return body
    try:
        return base64.b64decode(body, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidInput.for_field("body", "is not valid UTF-8 text") from None


def parse_json_object(text: str | bytes, field: str = "body") -> dict[str, Any]:
    """JSON text -> a dict, or InvalidInput naming ``field``: not JSON, too deep, not an object."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise InvalidInput.for_field(field, _too_deep()) from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        raise InvalidInput.for_field(field, "is not valid JSON") from None
    if not isinstance(value, dict):
        raise InvalidInput.for_field(field, "must be a JSON object")
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise InvalidInput.for_field(field, _too_deep())
    return value


def _too_deep() -> str:
    return f"is nested too deeply (at most {MAX_JSON_DEPTH} levels)"


def _deeper_than(value: Any, limit: int) -> bool:
    """Iterative, so no depth of input can exhaust the stack."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
