"""The Voucherify exports dialect (/v1/exports, seed 002) on moto: create, status, list,
download by token, delete, filters, errors and tenant walls."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from local.gateway import HttpRequest
from local.stack import LocalStack
from offers.auth.download_tokens import DOWNLOAD_TOKEN_SECONDS, make_download_token
from offers.store import keys, objects
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import coupon_body, iso, promotion_body
from tests.support.voucherify import (
    SEED_002_FIELDS,
    AppKeyClient,
    export,
    fetch_csv,
    make_app_key,
    seed_002_request,
)

NOW = datetime.now(UTC).replace(microsecond=0)


def at(days: float) -> str:
    return iso(NOW + timedelta(days=days))


@pytest.fixture
def v1(api: ApiClient) -> AppKeyClient:
    return make_app_key(api)


def redeem(api: ApiClient, promotion_id: str, order_id: str, days: float, **fields) -> dict:
    body = {"orderId": order_id, "promotionId": promotion_id, "redeemedAt": at(days), **fields}
    response = api.post("/redemptions", body)
    assert response.status == 201, response.body
    return response.json()


@pytest.fixture
def ledger(api: ApiClient) -> list[dict]:
    """Five redemptions over the last ten days, two customers, one set INACTIVE."""
    offer = api.post("/promotions", promotion_body(limits=[], startAt=at(-30), name="Winter sale")).json()
    made = [
        redeem(api, offer["id"], "o-10", -10, userId="anna"),
        redeem(api, offer["id"], "o-5", -5, userId="bob"),
        redeem(api, offer["id"], "o-3", -3, email="Cleo@Example.com"),
        redeem(api, offer["id"], "o-1", -1, userId="anna"),
    ]
    inactive = redeem(api, offer["id"], "o-4", -4, userId="bob")
    response = api.put(f"/redemptions/{inactive['id']}", {"status": "INACTIVE"})
    assert response.status == 200, response.body
    return [*made, response.json()]


def test_given_seed_002s_example_request_then_the_documented_shape_and_exactly_the_matching_rows(
    stack: LocalStack, v1: AppKeyClient, ledger: list[dict]
):
    body = seed_002_request(at(-6), at(-2))
    created = v1.request("POST", "/v1/exports", body).json()
    assert set(created) == {"id", "object", "created_at", "status", "channel", "exported_object"} | {
        "parameters",
        "result",
        "user_id",
    }
    assert created["id"].startswith("exp_") and len(created["id"]) == 28
    assert (created["object"], created["status"], created["channel"], created["exported_object"]) == (
        "export",
        "SCHEDULED",
        "API",
        "redemption",
    )
    assert (created["result"], created["user_id"]) == (None, None)
    assert created["parameters"] == body["parameters"]

    done = export(v1, body)

    assert done["status"] == "DONE"
    assert done["result"]["url"].startswith(f"http://api.example.com/v1/exports/{done['id']}?token=")
    content_type, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert content_type.startswith("text/plain")
    assert rows[0] == SEED_002_FIELDS
    by_order = {r["orderId"]: r for r in ledger}
    expected = [by_order[o] for o in ("o-3", "o-4", "o-5")]  # newest first, -6 < date < -2 days
    assert [row[0] for row in rows[1:]] == [r["id"] for r in expected]
    assert [row[1] for row in rows[1:]] == ["redemption"] * 3
    assert [row[2] for row in rows[1:]] == [r["redeemedAt"] for r in expected]
    assert [row[5] for row in rows[1:]] == ["SUCCESS", "FAILURE", "SUCCESS"]
    customer_ids = [row[4] for row in rows[1:]]
    assert (
        all(c.startswith("cust_") for c in customer_ids) and customer_ids[1] == customer_ids[2]
    )  # bob twice


def test_given_no_fields_then_the_documented_defaults_in_date_order(
    stack: LocalStack, v1: AppKeyClient, ledger: list[dict]
):
    done = export(v1, {"exported_object": "redemption"})

    assert done["parameters"] == {"fields": ["id", "object", "voucher_code", "customer_id", "date", "result"]}
    _, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert rows[0] == ["id", "object", "voucher_code", "customer_id", "date", "result"]
    assert [row[0] for row in rows[1:]] == [r["id"] for r in sorted(ledger, key=lambda r: r["redeemedAt"])]


def test_given_filters_on_codes_customers_results_and_an_or_junction_then_only_matching_rows(
    stack: LocalStack, v1: AppKeyClient, ledger: list[dict]
):
    fields = ["order_id", "customer_source_id", "result", "failure_code", "campaign", "metadata"]
    cases = [
        ({"customer_source_id": {"conditions": {"$is": "anna"}}}, ["o-10", "o-1"]),
        ({"customer_source_id": {"conditions": {"$in": ["Cleo@Example.com"]}}}, ["o-3"]),
        ({"order_id": {"conditions": {"$in": ["o-5"]}}}, ["o-5"]),
        ({"order_id": {"conditions": {"$not_in": ["o-5", "o-10"]}}}, ["o-4", "o-3", "o-1"]),
        ({"result": {"conditions": {"$is": "FAILURE"}}}, ["o-4"]),
        (
            {
                "junction": "or",
                "order_id": {"conditions": {"$is": "o-10"}},
                "date": {"conditions": {"$after": at(-2)}},
            },
            ["o-10", "o-1"],
        ),
    ]
    for filters, orders in cases:
        done = export(
            v1, {"exported_object": "redemption", "parameters": {"fields": fields, "filters": filters}}
        )
        _, rows = fetch_csv(stack, v1, done["result"]["url"])
        assert [row[0] for row in rows[1:]] == orders, filters
    failed = next(row for row in rows[1:] if row[0] == "o-10")
    assert rows[0] == fields[:-1]  # no redemption has metadata: no metadata.<key> columns
    assert failed[1:] == ["anna", "SUCCESS", "", "Winter sale"]


def test_given_an_inactive_redemption_then_it_reads_as_a_failure_with_a_code(
    stack: LocalStack, v1: AppKeyClient, ledger: list[dict]
):
    fields = ["order_id", "result", "failure_code", "failure_message"]
    filters = {"order_id": {"conditions": {"$is": "o-4"}}}
    done = export(v1, {"exported_object": "redemption", "parameters": {"fields": fields, "filters": filters}})

    _, rows = fetch_csv(stack, v1, done["result"]["url"])

    assert rows[1] == ["o-4", "FAILURE", "redemption_rolled_back", "the redemption was set INACTIVE"]


def test_given_an_export_that_matches_nothing_then_done_with_a_header_only_file(
    stack: LocalStack, v1: AppKeyClient
):
    done = export(v1, {"exported_object": "redemption", "parameters": {"fields": ["id", "date"]}})

    assert fetch_csv(stack, v1, done["result"]["url"])[1] == [["id", "date"]]


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key", "details"),
    [
        ({"exported_object": "coupon"}, "invalid_payload", "Property .exported_object should be equal to"),
        ({}, "invalid_payload", "Property .exported_object should be equal to"),
        ({"exported_object": "order"}, "invalid_payload", "exports of order are not supported yet"),
        (
            {"exported_object": "redemption", "format": "csv"},
            "invalid_payload",
            "Property .format is not allowed",
        ),
        (
            {"exported_object": "redemption", "parameters": {"fields": ["id", "code"]}},
            "invalid_export_fields",
            "Unsupported field used: code. Allowed fields: id, object, date,",
        ),
        (
            {"exported_object": "redemption", "parameters": {"order": "-name"}},
            "invalid_payload",
            "Property .parameters.order should be one of [id, -id, voucher_code, -voucher_code, tracking_id,"
            " -tracking_id, customer_id, -customer_id, created_at, -created_at]",
        ),
        (
            {
                "exported_object": "redemption",
                "parameters": {"filters": {"color": {"conditions": {"$is": "x"}}}},
            },
            "invalid_payload",
            "Property .parameters.filters.color is not a filter of redemption exports",
        ),
        (
            {
                "exported_object": "redemption",
                "parameters": {"filters": {"date": {"conditions": {"$is": "x"}}}},
            },
            "invalid_payload",
            "Property .parameters.filters.date.conditions.$is is not an operator of date",
        ),
        (
            {
                "exported_object": "redemption",
                "parameters": {"filters": {"created_at": {"conditions": {"$after": ["yesterday"]}}}},
            },
            "invalid_payload",
            "Property .parameters.filters.created_at.conditions.$after must be an ISO 8601 timestamp",
        ),
        (
            {
                "exported_object": "redemption",
                "parameters": {"filters": {"result": {"conditions": {"$in": ["OK"]}}}},
            },
            "invalid_payload",
            "results are SUCCESS or FAILURE, not OK",
        ),
    ],
)
def test_given_a_bad_export_request_then_400_in_voucherify_format_naming_the_problem(
    v1: AppKeyClient, body: dict, key: str, details: str
):
    response = v1.request("POST", "/v1/exports", body)

    assert response.status == 400
    error = response.json()
    assert (error["code"], error["key"]) == (400, key)
    assert error["message"] == ("Invalid Export" if key == "invalid_export_fields" else "Invalid payload")
    assert details in error["details"]
    assert error["request_id"]
    assert v1.request("GET", "/v1/exports").json()["total"] == 0  # nothing half-written


def test_given_a_body_that_is_not_json_then_400_invalid_payload(v1: AppKeyClient):
    response = v1.send(
        HttpRequest(
            "POST",
            "/v1/exports",
            "",
            {"x-app-id": v1.app_id, "x-app-token": v1.app_token, "content-type": "application/json"},
            b"{nope",
        )
    )

    assert (response.status, response.json()["key"]) == (400, "invalid_payload")


@pytest.mark.parametrize(
    ("query", "name"), [({"limit": "0"}, "limit"), ({"page": "101"}, "page"), ({"order": "name"}, "order")]
)
def test_given_bad_list_parameters_then_400_invalid_query_params(v1: AppKeyClient, query: dict, name: str):
    response = v1.request("GET", "/v1/exports", query=query)

    assert response.status == 400
    error = response.json()
    assert (error["key"], error["message"]) == ("invalid_query_params", "Invalid query params")
    assert name in error["details"]


def test_given_an_unknown_export_then_404_naming_the_resource(v1: AppKeyClient):
    for method in ("GET", "DELETE"):
        response = v1.request(method, "/v1/exports/exp_0123456789abcdef01234567")
        assert response.status == 404
        assert response.json() | {"request_id": ""} == {
            "code": 404,
            "key": "not_found",
            "message": "Resource not found",
            "details": "Cannot find export with id exp_0123456789abcdef01234567",
            "request_id": "",
            "resource_id": "exp_0123456789abcdef01234567",
            "resource_type": "export",
        }


# -- list, delete ---------------------------------------------------------------------------------


def test_given_several_exports_then_the_list_pages_and_orders_them_and_counts_only_this_dialects(
    api: ApiClient, v1: AppKeyClient
):
    ids = []
    for _ in range(3):
        ids.append(v1.request("POST", "/v1/exports", {"exported_object": "redemption"}).json()["id"])
        time.sleep(0.002)  # ids carry milliseconds
    fabric = api.post("/offers-exports", {"type": "REDEMPTION"}).json()

    newest = v1.request("GET", "/v1/exports", query={"limit": "2"}).json()
    second = v1.request("GET", "/v1/exports", query={"limit": "2", "page": "2"}).json()
    oldest = v1.request("GET", "/v1/exports", query={"order": "created_at", "limit": "1"}).json()

    assert (newest["object"], newest["data_ref"], newest["total"]) == ("list", "exports", 3)
    assert [e["id"] for e in newest["exports"]] == ids[:0:-1]
    assert [e["id"] for e in second["exports"]] == ids[:1]
    assert [e["id"] for e in oldest["exports"]] == ids[:1]
    fabric_list = api.get("/offers-exports").json()
    assert [e["exportId"] for e in fabric_list["data"]] == [fabric["exportId"]]
    assert fabric_list["query"]["count"] == 1
    assert api.get(f"/offers-exports/{ids[0]}").status == 404
    assert v1.request("GET", f"/v1/exports/{fabric['exportId']}").status == 404


def test_given_a_done_export_when_deleted_then_204_its_files_are_gone_and_then_404(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient, ledger: list[dict]
):
    done = export(v1, {"exported_object": "redemption"})
    prefix = keys.export_prefix(api.tenant_id, done["id"])
    assert objects.s3().list_objects_v2(Bucket=objects.bucket(), Prefix=prefix).get("KeyCount", 0) > 0

    response = v1.request("DELETE", f"/v1/exports/{done['id']}")

    assert (response.status, response.body) == (204, b"")
    assert objects.s3().list_objects_v2(Bucket=objects.bucket(), Prefix=prefix).get("KeyCount", 0) == 0
    assert v1.request("GET", f"/v1/exports/{done['id']}").status == 404
    assert v1.request("DELETE", f"/v1/exports/{done['id']}").status == 404
    link = urlsplit(done["result"]["url"])
    gone = v1.request("GET", link.path, query={"token": parse_qs(link.query)["token"][0]}, keys=False)
    assert gone.status == 404
    assert v1.request("GET", "/v1/exports").json()["total"] == 0


# -- download tokens and tenant walls ---------------------------------------------------------------


def test_given_a_bad_expired_or_moved_token_then_401_in_voucherify_format(
    api: ApiClient, v1: AppKeyClient, ledger: list[dict]
):
    first = export(v1, {"exported_object": "redemption"})
    second = export(v1, {"exported_object": "redemption"})
    token = parse_qs(urlsplit(first["result"]["url"]).query)["token"][0]
    expired = make_download_token(api.tenant_id, first["id"], now=time.time() - DOWNLOAD_TOKEN_SECONDS - 5)
    for export_id, bad in (
        (first["id"], "nonsense"),
        (first["id"], token[:-2] + ("AA" if not token.endswith("AA") else "BB")),
        (first["id"], expired),
        (second["id"], token),  # a token opens only its own export
    ):
        response = v1.request("GET", f"/v1/exports/{export_id}", query={"token": bad}, keys=False)
        assert response.status == 401
        assert response.json()["key"] == "unauthorized"


def test_given_another_tenants_keys_then_they_can_neither_see_download_nor_delete(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient, ledger: list[dict]
):
    done = export(v1, {"exported_object": "redemption"})
    theirs = make_app_key(api.as_tenant(TENANT_B))
    token = parse_qs(urlsplit(done["result"]["url"]).query)["token"][0]

    assert theirs.request("GET", f"/v1/exports/{done['id']}").status == 404
    assert theirs.request("DELETE", f"/v1/exports/{done['id']}").status == 404
    assert theirs.request("GET", "/v1/exports").json()["total"] == 0
    refused = theirs.request("GET", f"/v1/exports/{done['id']}", query={"token": token})
    assert (refused.status, refused.json()["key"]) == (401, "unauthorized")
    forged = make_download_token(TENANT_B, done["id"])
    assert theirs.request("GET", f"/v1/exports/{done['id']}", query={"token": forged}).status == 404
    assert v1.request("GET", f"/v1/exports/{done['id']}").json()["status"] == "DONE"
    # the owner's keys with the owner's token download it
    content_type, rows = fetch_csv(stack, v1, done["result"]["url"], keys=True)
    assert content_type.startswith("text/plain") and len(rows) == 1 + len(ledger)


def test_given_a_download_token_then_it_opens_the_file_and_nothing_else(v1: AppKeyClient, ledger: list[dict]):
    done = export(v1, {"exported_object": "redemption"})
    token = parse_qs(urlsplit(done["result"]["url"]).query)["token"][0]

    listing = v1.request("GET", "/v1/exports", query={"token": token}, keys=False)

    assert listing.status == 401


# -- vouchers -----------------------------------------------------------------------------------------


@pytest.fixture
def vouchers(api: ApiClient) -> dict:
    """Two coupons: SPRING-1..3 (15% off, one use per code; SPRING-2 assigned to anna and
    redeemed) and SUMMER-1 (5.50 off, disabled)."""
    spring = api.post("/coupons", coupon_body(["SPRING-1", "SPRING-2", "SPRING-3"], startAt=at(-2))).json()
    summer_discount = [{"unit": "AMOUNT_OFF", "value": 5.5, "maxDiscount": 20}]
    summer = api.post(
        "/coupons",
        coupon_body(["SUMMER-1"], name="Summer", discounts=summer_discount, isEnabled=False, limits=[]),
    ).json()
    assert api.put(f"/coupons/{spring['id']}/codes/SPRING-2", {"userId": "anna"}).status == 200
    redeemed = api.post(
        "/redemptions",
        {"orderId": "o-1", "promotionId": spring["id"], "couponCode": "SPRING-2", "userId": "anna"},
    )
    assert redeemed.status == 201, redeemed.body
    return {"spring": spring, "summer": summer}


VOUCHER_FIELDS = [
    "code",
    "voucher_type",
    "value",
    "discount_type",
    "campaign",
    "campaign_id",
    "redemption_quantity",
    "redemption_count",
    "active",
    "customer_source_id",
    "discount_amount_limit",
    "metadata",
]


def test_given_coupon_codes_when_exported_as_vouchers_then_one_row_per_code_with_the_coupons_fields(
    stack: LocalStack, v1: AppKeyClient, vouchers: dict
):
    spring, summer = vouchers["spring"]["id"], vouchers["summer"]["id"]

    default = export(v1, {"exported_object": "voucher"})
    chosen = export(v1, {"exported_object": "voucher", "parameters": {"fields": VOUCHER_FIELDS}})

    assert default["exported_object"] == "voucher"
    _, rows = fetch_csv(stack, v1, default["result"]["url"])
    assert rows[0] == ["code", "voucher_type", "value", "discount_type"]
    assert sorted(rows[1:]) == [
        ["SPRING-1", "DISCOUNT_VOUCHER", "15", "PERCENT"],
        ["SPRING-2", "DISCOUNT_VOUCHER", "15", "PERCENT"],
        ["SPRING-3", "DISCOUNT_VOUCHER", "15", "PERCENT"],
        ["SUMMER-1", "DISCOUNT_VOUCHER", "550", "AMOUNT"],
    ]
    _, rows = fetch_csv(stack, v1, chosen["result"]["url"])
    assert rows[0] == [*VOUCHER_FIELDS[:-1], "metadata.campaign"]  # one column per key found
    by_code = {row[0]: row for row in rows[1:]}
    metadata = "winter-2026"
    assert by_code["SPRING-2"][:6] == [
        "SPRING-2",
        "DISCOUNT_VOUCHER",
        "15",
        "PERCENT",
        "Spring coupon",
        spring,
    ]
    assert by_code["SPRING-2"][6:] == ["1", "1", "true", "anna", "", metadata]
    assert by_code["SPRING-1"][7:10] == ["0", "true", ""]
    assert by_code["SUMMER-1"][4:11] == ["Summer", summer, "", "0", "false", "", "2000"]


def test_given_voucher_filters_then_only_that_campaign_code_or_customer(
    stack: LocalStack, v1: AppKeyClient, vouchers: dict
):
    spring = vouchers["spring"]["id"]
    cases = [
        (
            {"filters": {"campaign_id": {"conditions": {"$in": [spring]}}}},
            ["SPRING-1", "SPRING-2", "SPRING-3"],
        ),
        (
            {"campaign_id": spring, "filters": {"code": {"conditions": {"$is_not": "SPRING-1"}}}},
            ["SPRING-2", "SPRING-3"],
        ),
        ({"filters": {"code": {"conditions": {"$is": "SUMMER-1"}}}}, ["SUMMER-1"]),
        ({"filters": {"customer_source_id": {"conditions": {"$is": "anna"}}}}, ["SPRING-2"]),
        ({"filters": {"created_at": {"conditions": {"$before": at(-1)}}}}, []),
    ]
    for parameters, codes in cases:
        done = export(v1, {"exported_object": "voucher", "parameters": {"fields": ["code"], **parameters}})
        _, rows = fetch_csv(stack, v1, done["result"]["url"])
        assert sorted(row[0] for row in rows[1:]) == codes, parameters
    assert done["parameters"]["fields"] == ["code"]


def test_given_a_campaign_id_on_a_redemption_export_then_400_naming_it(v1: AppKeyClient):
    response = v1.request(
        "POST", "/v1/exports", {"exported_object": "redemption", "parameters": {"campaign_id": "x"}}
    )

    assert response.status == 400
    assert "parameters.campaign_id" in response.json()["details"]


def throttled(code: str, operation: str):
    from botocore.exceptions import ClientError

    def refuse(*args, **kwargs):
        raise ClientError({"Error": {"Code": code, "Message": "slow down"}}, operation)

    return refuse


def assert_busy(response) -> None:
    assert response.status == 503
    assert response.headers["retry-after"] == "1"
    assert {k: response.json()[k] for k in ("code", "key")} == {"code": 503, "key": "service_unavailable"}


def test_given_dynamodb_throttling_then_503_with_retry_after_in_voucherify_format(
    v1: AppKeyClient, monkeypatch
):
    from offers.store import retries
    from offers.store.clients import dynamodb

    monkeypatch.setattr(retries.time, "sleep", lambda _: None)
    monkeypatch.setattr(dynamodb(), "query", throttled("ProvisionedThroughputExceededException", "Query"))

    assert_busy(v1.request("GET", "/v1/exports"))


def test_given_step_functions_or_s3_busy_then_503_with_retry_after_and_no_export_left_running(
    v1: AppKeyClient, ledger: list[dict], monkeypatch
):
    from offers.store import objects
    from offers.store.clients import client

    done = export(v1, {"exported_object": "redemption"})
    stepfunctions = client("stepfunctions")
    monkeypatch.setattr(stepfunctions, "start_execution", throttled("ThrottlingException", "StartExecution"))

    assert_busy(v1.request("POST", "/v1/exports", {"exported_object": "redemption"}))
    listed = v1.request("GET", "/v1/exports").json()["exports"]
    assert [e["status"] for e in listed if e["id"] != done["id"]] == ["ERROR"]  # never left SCHEDULED
    paginator = objects.s3().get_paginator
    monkeypatch.setattr(objects.s3(), "get_paginator", throttled("SlowDown", "ListObjectsV2"))
    assert_busy(v1.request("DELETE", f"/v1/exports/{done['id']}"))
    assert v1.request("GET", f"/v1/exports/{done['id']}").status == 200  # still there: delete it again
    monkeypatch.setattr(objects.s3(), "get_paginator", paginator)
    assert v1.request("DELETE", f"/v1/exports/{done['id']}").status == 204
