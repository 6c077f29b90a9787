"""docs/openapi.json is what the code makes, covers template.yaml's routes, and is served locally."""

from __future__ import annotations

import json

import jsonschema
import pytest

from local import openapi
from local.gateway import HttpRequest, LocalGateway
from offers.api.batch import data_error
from offers.api.errors import fabric_error_body, validation_failure
from offers.errors import Conflict, InvalidInput

METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


@pytest.fixture(scope="module")
def fresh() -> dict:
    return openapi.build_document()


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(openapi.DOCUMENT_PATH.read_text())


def _operations(document: dict) -> dict[str, dict]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_given_the_code_when_the_document_is_generated_then_it_is_the_committed_one(fresh):
    assert openapi.render(fresh) == openapi.DOCUMENT_PATH.read_text(), (
        "docs/openapi.json is stale: run `make openapi` and commit it"
    )


def test_given_template_yaml_then_the_document_has_exactly_its_http_api_routes(committed):
    template_routes = {route.route_key for route in openapi._template().routes()}
    assert set(_operations(committed)) == template_routes


def test_given_each_operation_then_it_has_an_id_a_success_answer_auth_and_the_error_format(committed):
    schemas = committed["components"]["schemas"]
    for key, operation in _operations(committed).items():
        assert operation["operationId"] and operation["summary"], key
        statuses = {int(status) for status in operation["responses"]}
        assert any(200 <= s < 300 for s in statuses), key
        assert {400, 401, 403} <= statuses, key
        assert operation["security"], key  # every template route has an authorizer
        assert set(operation["security"][0]) <= set(committed["components"]["securitySchemes"]), key
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                schema = answer["content"]["application/json"]["schema"]
                refs = [schema] if "$ref" in schema else schema["anyOf"]
                assert all(ref["$ref"].rsplit("/", 1)[-1] in schemas for ref in refs), (key, status)
        path_parameters = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert path_parameters == set(openapi._PARAM.findall(key.split(" ", 1)[1])), key
    assert committed["components"]["securitySchemes"]["TokenAuthorizer"]["scheme"] == "bearer"


def test_given_fabric_errors_then_their_bodies_are_what_the_document_says(committed):
    schema = {**committed["components"]["schemas"]["FabricError"], "components": committed["components"]}
    invalid = validation_failure([{"loc": ("body", "discounts", 0, "value"), "msg": "bad", "type": "x"}])
    for error in (invalid, Conflict("clash", code="ALREADY_REDEEMED")):
        jsonschema.validate(fabric_error_body(error), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"message": "no type"}, schema)


def _answer_schema(document: dict, key: str, status: str) -> dict:
    method, path = key.split(" ", 1)
    schema = document["paths"][path][method.lower()]["responses"][status]["content"]["application/json"]
    return {**schema["schema"], "components": document["components"]}


def test_given_a_voucherify_route_then_its_401_may_be_the_gateways_or_the_functions_body(committed):
    schema = _answer_schema(committed, "GET /v1/exports", "401")
    jsonschema.validate({"message": "Unauthorized"}, schema)  # API Gateway's
    jsonschema.validate(
        {"code": 401, "key": "unauthorized", "message": "Unauthorized", "request_id": "r"}, schema
    )
    fabric = _answer_schema(committed, "GET /promotions", "401")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"code": 401, "key": "unauthorized", "message": "x", "request_id": "r"}, fabric)


def test_given_a_batch_with_failed_entries_then_its_data_error_is_what_the_document_says(committed):
    body = data_error([(0, InvalidInput.for_field("itemId", "is required"))], 2, [])
    jsonschema.validate(body, _answer_schema(committed, "POST /prices/batch", "400"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**body, "errors": [{"type": "x"}]}, _answer_schema(committed, "POST /prices/batch", "400")
        )


def test_given_a_created_resource_then_links_lead_to_the_operations_on_it(committed):
    links = committed["paths"]["/promotions"]["post"]["responses"]["201"]["links"]
    assert links["GetPromotion"]["parameters"] == {"id": "$response.body#/id"}
    export_links = committed["paths"]["/offers-exports"]["post"]["responses"]["201"]["links"]
    assert export_links["GetExport"]["parameters"] == {"exportId": "$response.body#/exportId"}
    job_links = committed["paths"]["/coupons/actions/generate-codes"]["post"]["responses"]["202"]["links"]
    assert job_links["GetCodeGeneration"]["parameters"] == {
        "id": "$response.body#/couponId",
        "generationId": "$response.body#/id",
    }
    redemption_links = committed["paths"]["/redemptions"]["post"]["responses"]["201"]["links"]
    assert redemption_links["GetPromotion"]["parameters"] == {"id": "$response.body#/promotionId"}
    assert "GetCoupon" not in links  # a promotion's id is no coupon's


def test_given_the_local_gateway_then_it_serves_the_document_without_credentials():
    gateway = LocalGateway.__new__(LocalGateway)
    gateway.buckets = set()
    gateway.routes = []
    response = gateway.handle(HttpRequest("GET", "/openapi.json"))
    assert response.status == 200
    assert response.json()["paths"] == json.loads(openapi.DOCUMENT_PATH.read_text())["paths"]
    assert gateway.handle(HttpRequest("GET", "/openapi.yaml")).status == 404


def test_given_the_request_body_examples_then_each_is_valid_by_the_document(committed):
    examples = 0
    for operation in _operations(committed).values():
        media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        schema = {**media.get("schema", {}), "components": committed["components"]}
        for example in media.get("examples", {}).values():
            jsonschema.validate(example["value"], schema)
            examples += 1
    assert examples >= 4


def test_given_an_authorizer_on_other_headers_then_each_header_is_an_api_key_of_one_requirement():
    schemes = openapi._schemes_of("AppKeys", ("x-app-id", "x-app-token"))
    assert {name: (s["type"], s["in"], s["name"]) for name, s in schemes.items()} == {
        "AppKeys.x-app-id": ("apiKey", "header", "x-app-id"),
        "AppKeys.x-app-token": ("apiKey", "header", "x-app-token"),
    }
    assert openapi._schemes_of("TokenAuthorizer", ("authorization",))["TokenAuthorizer"]["scheme"] == "bearer"
