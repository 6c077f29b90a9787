"""JSON responses from models (serialized once, by pydantic, with the API's field names)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

from offers.models.base import ApiModel

JSON = "application/json"


def json_response(status: int, body: ApiModel | dict[str, Any] | list[Any]) -> Response:
    text = body.to_json() if isinstance(body, ApiModel) else json.dumps(body, separators=(",", ":"))
    return Response(status_code=status, content_type=JSON, body=text)


def ok(body: ApiModel | dict[str, Any] | list[Any]) -> Response:
    return json_response(200, body)


def created(body: ApiModel | dict[str, Any]) -> Response:
    return json_response(201, body)


def no_content() -> Response:
    return Response(status_code=204, body="")
