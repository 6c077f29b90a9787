"""JSON responses from models (serialized once, by pydantic, with the API's field names)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.event_handler import Response

from offers.models.base import ApiModel

JSON = "application/json"


def _number(value: object) -> int | float:
    """Stored free-form values (metadata) come back from DynamoDB as Decimal when not integral."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot answer a value of type {type(value).__name__}")


def json_response(status: int, body: ApiModel | dict[str, Any] | list[Any]) -> Response:
    if isinstance(body, ApiModel):
        text = body.to_json()
    else:
        text = json.dumps(body, separators=(",", ":"), default=_number)
    return Response(status_code=status, content_type=JSON, body=text)


def ok(body: ApiModel | dict[str, Any] | list[Any]) -> Response:
    return json_response(200, body)


def created(body: ApiModel | dict[str, Any]) -> Response:
    return json_response(201, body)


def no_content() -> Response:
    return Response(status_code=204, body="")
