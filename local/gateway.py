"""API Gateway HTTP API, emulated: route matching, the Lambda authorizer, v2.0 events.

Routes and the authorizer come from template.yaml; there is no second route table. The
behaviour follows the HTTP API documentation:
* the most specific route wins (literal segments beat ``{param}``, which beats ``{proxy+}``);
* a missing identity source answers 401 without calling the authorizer; an authorizer error
  whose message is "Unauthorized" answers 401, ``isAuthorized: false`` answers 403, anything
  else from the authorizer answers 500;
* the function gets a payload 2.0 event; a result without ``statusCode`` is sent as JSON 200.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

import boto3
from botocore.exceptions import ClientError

from local import presigned
from local.functions import LocalFunctions
from local.template import (
    LOCAL_ACCOUNT,
    LOCAL_API_ID,
    LOCAL_REGION,
    ROOT,
    AuthorizerSpec,
    Route,
    Template,
)
from local.workers import WorkerPool

_TEXT_TYPES = ("application/json", "text/", "application/xml", "application/x-www-form-urlencoded")


@dataclass
class HttpRequest:
    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    source_ip: str = "127.0.0.1"


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _s3_error(status: int, code: str, message: str) -> HttpResponse:
    body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message>"
    body += "</Error>"
    return HttpResponse(status, {"content-type": "application/xml"}, body.encode())


def _json_response(status: int, message: str) -> HttpResponse:
    return HttpResponse(
        status, {"content-type": "application/json"}, json.dumps({"message": message}).encode()
    )


def _is_text(body: bytes, content_type: str) -> bool:
    """Sent as text when the media type is textual and the bytes are UTF-8; else base64, so the
    function, not the gateway, answers a body that doesn't decode (as API Gateway leaves it)."""
    if not body:
        return True
    if not any(content_type.lower().startswith(t) for t in _TEXT_TYPES):
        return False
    try:
        body.decode()
    except UnicodeDecodeError:
        return False
    return True


# The API document (`make openapi` writes it), served without authentication for clients and
# the fuzzer; not a route of the deployed HTTP API.
OPENAPI_PATH = "/openapi.json"
OPENAPI_FILE = ROOT / "docs" / "openapi.json"


def _api_document() -> HttpResponse:
    return HttpResponse(200, {"content-type": "application/json"}, OPENAPI_FILE.read_bytes())


def _report(error: Exception) -> None:
    trace = getattr(error, "trace", "") or "".join(traceback.format_exception(error))
    sys.stderr.write(f"[local] function error: {trace}\n")


@dataclass(frozen=True)
class _CompiledRoute:
    route: Route
    pattern: re.Pattern[str]
    literal_segments: int
    greedy: bool


def _compile(route: Route) -> _CompiledRoute:
    regex, literals, greedy = "", 0, False
    for segment in route.path.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("+}"):
            regex += f"/(?P<{segment[1:-2]}>.+)"
            greedy = True
        elif segment.startswith("{") and segment.endswith("}"):
            regex += f"/(?P<{segment[1:-1]}>[^/]+)"
        else:
            regex += "/" + re.escape(segment)
            literals += 1
    return _CompiledRoute(route, re.compile(f"^{regex or '/'}$"), literals, greedy)


class LocalGateway:
    def __init__(
        self,
        template: Template,
        functions: LocalFunctions | WorkerPool,
        *,
        aws_endpoint_url: str | None = None,
    ):
        self.functions = functions
        # None in-process (moto's mock answers); the embedded moto server's URL for `make serve`.
        self.aws_endpoint_url = aws_endpoint_url
        self._s3: Any = None  # made on the first download, then reused (a client takes ~50 ms)
        self.authorizers: dict[str, AuthorizerSpec] = template.authorizers()
        self.routes = [_compile(route) for route in template.routes()]
        self.buckets = {template.physical_id(b) for b in template.resources_of_type("AWS::S3::Bucket")}

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        candidates = []
        for compiled in self.routes:
            if compiled.route.method not in (method, "ANY"):
                continue
            found = compiled.pattern.match(path)
            if found:
                rank = (compiled.literal_segments, not compiled.greedy, compiled.route.method != "ANY")
                candidates.append((rank, compiled.route, found.groupdict()))
        if not candidates:
            return None
        _, route, params = max(candidates, key=lambda c: c[0])
        return route, params

    def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        response = self._handle(request, request_id)
        response.headers.setdefault("apigw-requestid", request_id)
        return response

    def _handle(self, request: HttpRequest, request_id: str) -> HttpResponse:
        if request.path == OPENAPI_PATH and request.method in ("GET", "HEAD"):
            return _api_document()
        if request.path.split("/")[1:2] and request.path.split("/")[1] in self.buckets:
            return self._presigned_download(request)
        matched = self.match(request.method, request.path)
        if matched is None:
            return _json_response(404, "Not Found")
        route, path_params = matched
        event = self._event(request, route, path_params, request_id)
        if route.authorizer:
            denied = self._authorize(self.authorizers[route.authorizer], route, event)
            if isinstance(denied, HttpResponse):
                return denied
            event["requestContext"]["authorizer"] = {"lambda": denied}
        try:
            result = self.functions.invoke(route.function_id, event)
        except Exception as error:  # noqa: BLE001 - a function error is a 500, exactly as API Gateway does
            _report(error)
            return _json_response(500, "Internal Server Error")
        return self._response(result)

    # -- presigned S3 downloads (export files) -------------------------------------------------

    def _presigned_download(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or not presigned.is_presigned(request.query):
            return _s3_error(403, "AccessDenied", "Anonymous access is not allowed")
        refusal = presigned.verify(
            "GET", unquote(request.path), request.query, request.headers.get("host", "")
        )
        if refusal:
            return _s3_error(403, "AccessDenied", refusal)
        bucket, _, key = unquote(request.path).lstrip("/").partition("/")
        params = dict(parse_qsl(request.query))
        try:
            if self._s3 is None:
                self._s3 = boto3.client("s3", endpoint_url=self.aws_endpoint_url)
            found = self._s3.get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            return _s3_error(404, "NoSuchKey", str(error))
        headers = {
            "content-type": params.get(
                "response-content-type", found.get("ContentType", "binary/octet-stream")
            ),
            "etag": found.get("ETag", ""),
        }
        if "response-content-disposition" in params:
            headers["content-disposition"] = params["response-content-disposition"]
        return HttpResponse(200, headers, found["Body"].read())

    # -- authorizer -------------------------------------------------------------------------

    def _authorize(
        self, authorizer: AuthorizerSpec, route: Route, event: dict[str, Any]
    ) -> dict[str, Any] | HttpResponse:
        identity = [event["headers"].get(name) for name in authorizer.identity_headers]
        if not all(identity):
            return _json_response(401, "Unauthorized")
        authorizer_event = {
            **{k: v for k, v in event.items() if k not in ("body", "isBase64Encoded")},
            "type": "REQUEST",
            "routeArn": (
                f"arn:aws:execute-api:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{LOCAL_API_ID}/$default/"
                f"{route.method}{event['rawPath']}"
            ),
            "identitySource": identity,
        }
        try:
            result = self.functions.invoke(authorizer.function_id, authorizer_event)
        except Exception as error:  # noqa: BLE001 - the authorizer's error decides 401 vs 500
            return (
                _json_response(401, "Unauthorized")
                if str(error) == "Unauthorized"
                else _json_response(500, "Internal Server Error")
            )
        if not authorizer.simple_responses:
            raise NotImplementedError("only simple authorizer responses are emulated")
        if not isinstance(result, dict) or not result.get("isAuthorized"):
            return _json_response(403, "Forbidden")
        return dict(result.get("context") or {})

    # -- event and response -----------------------------------------------------------------

    @staticmethod
    def _event(
        request: HttpRequest, route: Route, path_params: dict[str, str], request_id: str
    ) -> dict[str, Any]:
        headers = {name.lower(): value for name, value in request.headers.items()}
        query_params: dict[str, str] = {}
        for name, value in parse_qsl(request.query, keep_blank_values=True):
            query_params[name] = f"{query_params[name]},{value}" if name in query_params else value
        is_text = _is_text(request.body, headers.get("content-type", ""))
        now = datetime.now(UTC)
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route.route_key,
            "rawPath": request.path,
            "rawQueryString": request.query,
            "headers": headers,
            "requestContext": {
                "accountId": LOCAL_ACCOUNT,
                "apiId": LOCAL_API_ID,
                "domainName": headers.get("host", "127.0.0.1"),
                "domainPrefix": LOCAL_API_ID,
                "http": {
                    "method": request.method,
                    "path": request.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": request.source_ip,
                    "userAgent": headers.get("user-agent", ""),
                },
                "requestId": request_id,
                "routeKey": route.route_key,
                "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "timeEpoch": int(time.time() * 1000),
            },
            "isBase64Encoded": not is_text,
        }
        if "cookie" in headers:
            event["cookies"] = [c.strip() for c in headers["cookie"].split(";")]
        if query_params:
            event["queryStringParameters"] = query_params
        if path_params:
            event["pathParameters"] = path_params
        if request.body:
            event["body"] = request.body.decode() if is_text else base64.b64encode(request.body).decode()
        return event

    @staticmethod
    def _response(result: Any) -> HttpResponse:
        if not (isinstance(result, dict) and "statusCode" in result):
            return HttpResponse(200, {"content-type": "application/json"}, json.dumps(result).encode())
        headers = {name.lower(): str(value) for name, value in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers[name.lower()] = ",".join(str(v) for v in values)
        body = result.get("body") or ""
        raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
        if result.get("cookies"):
            headers["set-cookie"] = "; ".join(result["cookies"])
        return HttpResponse(int(result["statusCode"]), headers, raw)
