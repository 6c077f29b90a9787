"""The local HTTP API takes its routes from template.yaml and matches them as API Gateway does."""

from __future__ import annotations

import base64
import http.client
import socket
import threading
from urllib.parse import urlencode

import pytest

from local import presigned
from local.gateway import HttpRequest, HttpResponse, LocalGateway, _compile
from local.server import _Holder, make_server
from local.template import Route, Template

TEMPLATE_PARAMETERS = {"TokenIssuer": "https://issuer", "JwksUrl": "https://issuer/jwks.json"}


def gateway_for(*routes: Route) -> LocalGateway:
    gateway = LocalGateway.__new__(LocalGateway)
    gateway.routes = [_compile(route) for route in routes]
    return gateway


def test_given_literal_and_parameter_routes_when_matching_then_the_most_specific_wins():
    gateway = gateway_for(
        Route("GET", "/promotions/{id}", "GetFn", None),
        Route("GET", "/promotions/search", "SearchFn", None),
        Route("ANY", "/{proxy+}", "CatchAll", None),
    )
    assert gateway.match("GET", "/promotions/search")[0].function_id == "SearchFn"
    route, params = gateway.match("GET", "/promotions/abc")
    assert (route.function_id, params) == ("GetFn", {"id": "abc"})
    assert gateway.match("DELETE", "/anything/else")[0].function_id == "CatchAll"
    assert gateway_for(Route("GET", "/a", "A", None)).match("POST", "/a") is None


def test_given_the_template_then_every_http_function_has_a_route_and_a_loadable_handler():
    template = Template(parameters=TEMPLATE_PARAMETERS)
    functions = template.functions()
    routes = template.routes()
    assert {r.route_key for r in routes} >= {
        "POST /promotions",
        "GET /promotions",
        "GET /promotions/{id}",
        "PUT /promotions/{id}",
        "DELETE /promotions/{id}",
        "POST /promotions/{id}/actions/toggle",
        "POST /promotions/{id}/actions/end",
    }
    assert len({r.route_key for r in routes}) == len(routes), "duplicate route keys"
    for spec in functions.values():
        assert (spec.code_dir / f"{spec.module}.py").is_file(), spec.logical_id
    # fabric routes take the bearer token; /v1 (Voucherify) routes take app keys
    for route in routes:
        expected = ("VoucherifyAuthorizer", "VoucherifyDownloadAuthorizer")
        assert route.authorizer in (expected if route.path.startswith("/v1/") else ("TokenAuthorizer",))


def test_given_the_template_then_intrinsics_resolve_to_local_values():
    template = Template(parameters=TEMPLATE_PARAMETERS)
    env = template.functions()["CreatePromotionFunction"].environment
    assert env["TABLE_NAME"] == "offers-local-offers"
    assert len(env["CURSOR_SECRET"]) >= 32 and "resolve:" not in env["CURSOR_SECRET"]
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert env["AWS_ENDPOINT_URL"] == ""  # unset to botocore (tests/unit/test_local_endpoint.py)
    pointed = Template(parameters={**TEMPLATE_PARAMETERS, "LocalEndpointUrl": "http://127.0.0.1:4566"})
    assert (
        pointed.functions()["GetPromotionFunction"].environment["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    )
    prod = Template(parameters={**TEMPLATE_PARAMETERS, "Stage": "prod"})
    assert prod.conditions["IsProd"] is True
    assert prod.properties("OffersTable")["DeletionProtectionEnabled"] is True


# -- robustness: what a hostile client sends the local server ----------------------------------------


def test_given_a_body_that_is_not_utf8_when_an_event_is_made_then_it_travels_base64_encoded():
    route = Route("POST", "/promotions", "CreatePromotionFunction", None)
    body = b'{"name": "caf\xe9"}'
    event = LocalGateway._event(
        HttpRequest("POST", "/promotions", "", {"content-type": "application/json"}, body), route, {}, "r"
    )
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body
    text = LocalGateway._event(
        HttpRequest("POST", "/promotions", "", {"content-type": "APPLICATION/JSON"}, b"{}"), route, {}, "r"
    )
    assert (text["isBase64Encoded"], text["body"]) == (False, "{}")


def test_given_the_local_server_then_a_burst_of_128_connections_is_queued_not_reset():
    server = make_server(0, _Holder())  # listening, nothing accepted yet: the kernel's queue holds them
    try:
        assert server.request_queue_size >= 128
        clients = []
        for _ in range(128):
            client = socket.create_connection(server.server_address, timeout=2)
            clients.append(client)
        for client in clients:
            client.close()
    finally:
        server.server_close()


def presigned_query(**overrides: str) -> str:
    values = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKID/20261130/us-east-1/s3/aws4_request",
        "X-Amz-Date": "20261130T000000Z",
        "X-Amz-Expires": "300",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "0" * 64,
    }
    values.update(overrides)
    return urlencode(values)


@pytest.mark.parametrize(
    "overrides",
    [
        {"X-Amz-Expires": "soon"},
        {"X-Amz-Expires": "-5"},
        {"X-Amz-Expires": "9" * 40},
        {"X-Amz-Expires": "٣٠٠"},  # Arabic-Indic digits: int() takes them, S3 does not
        {"X-Amz-Date": "yesterday"},
        {"X-Amz-Date": "99991231T235959Z"},
        {"X-Amz-Credential": "AKID"},
        {"X-Amz-Signature": "é" * 64},
    ],
)
def test_given_a_presigned_url_with_malformed_parameters_then_refused_with_a_reason(overrides):
    reason = presigned.verify("GET", "/bucket/key.csv", presigned_query(**overrides), "127.0.0.1:3000")
    assert isinstance(reason, str) and reason


class _EchoGateway:
    def handle(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, {"content-type": "text/plain"}, str(len(request.body)).encode())


@pytest.mark.parametrize(
    ("content_length", "status"),
    [("abc", 400), ("-5", 400), ("1e3", 400), (str(11 * 1024 * 1024), 413), ("3", 200)],
)
def test_given_a_bad_content_length_when_served_then_a_gateway_error_not_a_dropped_connection(
    content_length, status
):
    holder = _Holder()
    holder.gateway = _EchoGateway()  # type: ignore[assignment]
    server = make_server(0, holder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection(*server.server_address, timeout=5)
        connection.putrequest("POST", "/x")
        connection.putheader("Content-Length", content_length)
        connection.endheaders(b"abc")
        assert connection.getresponse().status == status
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
