"""``lambda:Invoke`` without Lambda: calls to the template's functions are answered locally.

moto's Lambda would need Docker to run code, so a ``before-call.lambda.Invoke`` hook on the
default boto3 session answers the call itself, as ``(http_response, parsed_response)``:
* RequestResponse: runs the function and returns its result as the Payload (with
  FunctionError: Unhandled when it raised, as Lambda does);
* Event: schedules the function and answers 202 at once.

Who answers is given to ``route_lambda_invocations``: ``answer_invocation`` over the
in-process functions (tests) or over the worker pool (the local server, also for moto's Step
Functions), or a relay to the parent process (inside a worker). botocore clients copy the
session's handlers when created, so route before the first client is made.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import boto3
from botocore.awsrequest import AWSResponse
from botocore.response import StreamingBody

Invoker = Callable[[str, Any], Any]
Answer = Callable[[str, Any, str], tuple[int, bytes, str | None]]

_EVENT = "before-call.lambda.Invoke"
_registered: list[Callable[..., Any]] = []


def _function_name(url_path: str) -> str:
    # /2015-03-31/functions/<name or url-encoded ARN>/invocations
    return unquote(url_path.split("/functions/", 1)[1].split("/invocations", 1)[0])


def _reply(
    status: int, payload: bytes, function_error: str | None = None
) -> tuple[AWSResponse, dict[str, Any]]:
    parsed: dict[str, Any] = {
        "StatusCode": status,
        "ExecutedVersion": "$LATEST",
        "Payload": StreamingBody(io.BytesIO(payload), len(payload)),
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}},
    }
    if function_error:
        parsed["FunctionError"] = function_error
    return AWSResponse("http://lambda.local", status, {}, None), parsed


def answer_invocation(
    invoke: Invoker, name: str, payload: Any, invocation_type: str
) -> tuple[int, bytes, str | None]:
    """Run or schedule one invocation; (status, payload bytes, function error or None)."""
    if invocation_type == "Event":
        threading.Thread(target=_run_detached, args=(invoke, name, payload), daemon=True).start()
        return 202, b"", None
    if invocation_type == "DryRun":
        return 204, b"", None
    try:
        result = invoke(name, payload)
    except Exception as error:  # noqa: BLE001 - reported in the payload, exactly as Lambda does
        body = {"errorMessage": str(error), "errorType": getattr(error, "error_type", type(error).__name__)}
        return 200, json.dumps(body).encode(), "Unhandled"
    return 200, json.dumps(result).encode(), None


def _run_detached(invoke: Invoker, name: str, payload: Any) -> None:
    try:
        invoke(name, payload)
    except Exception as error:  # noqa: BLE001 - an async invocation's failure only gets logged
        print(f"[local] async invocation of {name} failed: {error}", flush=True)


def route_lambda_invocations(answer: Answer) -> None:
    """Answer every lambda:Invoke made through the default boto3 session with ``answer``."""

    def on_invoke(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        headers = params.get("headers") or {}
        invocation_type = headers.get("X-Amz-Invocation-Type", "RequestResponse")
        body = params.get("body") or b"{}"
        payload = json.loads(body.decode() if isinstance(body, bytes) else body or "{}")
        status, reply, function_error = answer(_function_name(params["url_path"]), payload, invocation_type)
        return _reply(status, reply, function_error)

    stop_routing_lambda_invocations()
    session = boto3.DEFAULT_SESSION or boto3.setup_default_session() or boto3.DEFAULT_SESSION
    session.events.register(_EVENT, on_invoke, unique_id="offers-local-invoke")
    _registered.append(on_invoke)


def stop_routing_lambda_invocations() -> None:
    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION.events.unregister(_EVENT, unique_id="offers-local-invoke")
    _registered.clear()
