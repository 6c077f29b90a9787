"""Authentication (the Lambda authorizer) and tenancy (the fabric headers), as a client sees them."""

from __future__ import annotations

import json
import re
import time

from local import devtokens
from local.stack import LocalStack
from tests.support.client import TENANT_A, TENANT_B, ApiClient
from tests.support.factories import promotion_body
from tests.support.logs import captured_function_logs

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_given_no_authorization_header_when_calling_then_401_without_reaching_the_function(api: ApiClient):
    response = api.get("/promotions", headers={"authorization": None})
    assert response.status == 401
    assert response.json() == {"message": "Unauthorized"}


def test_given_a_token_signed_by_an_unknown_key_when_calling_then_401(api: ApiClient):
    forged = devtokens.mint_token(devtokens.generate_key(), tenant_id=TENANT_A)
    assert api.get("/promotions", token=forged).status == 401


def test_given_an_expired_token_when_calling_then_401(api: ApiClient, stack: LocalStack):
    expired = stack.token(TENANT_A, lifetime=-3600)
    assert api.get("/promotions", token=expired).status == 401


def test_given_a_token_for_another_audience_or_issuer_when_calling_then_401(
    api: ApiClient, stack: LocalStack
):
    assert api.get("/promotions", token=stack.token(TENANT_A, audience="someone-else")).status == 401
    assert api.get("/promotions", token=stack.token(TENANT_A, issuer="https://evil.example")).status == 401


def test_given_a_malformed_or_non_bearer_token_when_calling_then_401(api: ApiClient):
    assert api.get("/promotions", headers={"authorization": "Basic dXNlcjpwdw=="}).status == 401
    assert api.get("/promotions", headers={"authorization": "Bearer not.a.jwt"}).status == 401


def test_given_no_tenant_header_when_calling_then_400_tenant_header_required(api: ApiClient):
    response = api.post("/promotions", promotion_body(), tenant_header=False)
    assert response.status == 400
    assert response.json()["type"] == "TENANT_HEADER_REQUIRED"
    assert "x-fabric-tenant-id" in response.json()["message"]


def test_given_a_tenant_header_of_the_wrong_length_when_calling_then_400_request_validation(api: ApiClient):
    response = api.get("/promotions", headers={"x-fabric-tenant-id": "short"})
    assert response.status == 400
    body = response.json()
    assert body["type"] == "REQUEST_VALIDATION"
    assert body["details"] == [{"field": "x-fabric-tenant-id", "message": "must be exactly 24 characters"}]


def test_given_the_tenant_header_is_checked_before_the_body_when_both_are_bad_then_tenant_error(
    api: ApiClient,
):
    response = api.post("/promotions", {"name": 5}, tenant_header=False)
    assert response.json()["type"] == "TENANT_HEADER_REQUIRED"


def test_given_a_token_for_another_tenant_when_calling_then_403(api: ApiClient, stack: LocalStack):
    response = api.get("/promotions", token=stack.token(TENANT_B))
    assert response.status == 403
    assert response.json()["type"] == "FORBIDDEN"


def test_given_a_request_id_when_calling_then_it_is_echoed_on_success_and_on_error(api: ApiClient):
    ok = api.get("/promotions", headers={"x-fabric-request-id": "req-123"})
    refused = api.get("/promotions/does-not-exist", headers={"x-fabric-request-id": "req-456"})
    assert ok.headers["x-fabric-request-id"] == "req-123"
    assert refused.status == 404
    assert refused.headers["x-fabric-request-id"] == "req-456"


def test_given_no_request_id_when_calling_then_one_is_generated_and_returned(api: ApiClient):
    first = api.get("/promotions").headers["x-fabric-request-id"]
    second = api.get("/promotions").headers["x-fabric-request-id"]
    assert UUID_RE.match(first)
    assert first != second


def test_given_a_request_id_when_the_function_logs_then_every_line_carries_it(api: ApiClient):
    with captured_function_logs() as lines:
        api.get("/promotions/does-not-exist", headers={"x-fabric-request-id": "trace-me-42"})
        api.post("/promotions", {"name": 1}, headers={"x-fabric-request-id": "trace-me-43"})
    records = [json.loads(line) for line in lines()]
    assert len(records) >= 2
    assert {r["correlation_id"] for r in records} == {"trace-me-42", "trace-me-43"}
    assert all(r["tenant_id"] == TENANT_A for r in records)


def test_given_a_non_numeric_channel_when_calling_then_400(api: ApiClient):
    response = api.get("/promotions", headers={"x-fabric-channel-id": "US"})
    assert response.status == 400
    assert response.json()["details"][0]["field"] == "x-fabric-channel-id"


def test_given_a_token_that_is_not_valid_yet_when_calling_then_401(api: ApiClient, stack: LocalStack):
    future = stack.token(TENANT_A, extra_claims={"nbf": int(time.time()) + 3600})
    assert api.get("/promotions", token=future).status == 401
