"""Publications in the Voucherify dialect: POST/GET /v1/publications, the fabric code
assignment recording one too, the customer made by an assignment, and the publication export."""

from __future__ import annotations

import pytest

from local.stack import LocalStack
from offers.services.voucherify_fields import customer_id
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import coupon_body
from tests.support.voucherify import AppKeyClient, export, fetch_csv, make_app_key


@pytest.fixture
def v1(api: ApiClient) -> AppKeyClient:
    return make_app_key(api)


@pytest.fixture
def coupon(api: ApiClient) -> dict:
    response = api.post("/coupons", coupon_body(["PUB-1", "PUB-2", "PUB-3"]))
    assert response.status == 201, response.body
    return response.json()


def codes_of(api: ApiClient, coupon: dict) -> dict[str, str | None]:
    data = api.get(f"/coupons/{coupon['id']}/codes").json()["data"]
    return {c["code"]: c.get("userId") for c in data}


def test_given_a_voucher_and_a_customer_then_published_assigned_and_the_customer_exists(
    api: ApiClient, v1: AppKeyClient, coupon: dict
):
    response = v1.request(
        "POST",
        "/v1/publications",
        {
            "voucher": "PUB-2",
            "customer": {"source_id": "zoe", "email": "zoe@example.com"},
            "metadata": {"n": 1},
        },
    )

    assert response.status == 200, response.body
    body = response.json()
    assert body["id"].startswith("pub_")
    assert (body["object"], body["result"], body["channel"], body["vouchers"]) == (
        "publication",
        "SUCCESS",
        "API",
        ["PUB-2"],
    )
    assert (body["customer_id"], body["tracking_id"], body["metadata"]) == (
        customer_id(api.tenant_id, "zoe"),
        "zoe",
        {"n": 1},
    )
    assert codes_of(api, coupon)["PUB-2"] == "zoe"
    assert v1.request("GET", "/v1/customers/zoe").json()["email"] == "zoe@example.com"
    listed = v1.request("GET", "/v1/publications").json()
    assert (listed["object"], listed["data_ref"], listed["total"]) == ("list", "publications", 1)
    assert listed["publications"] == [body]


def test_given_a_campaign_then_a_free_code_is_published_each_time_until_none_is_left(
    api: ApiClient, v1: AppKeyClient, coupon: dict
):
    api.put(f"/coupons/{coupon['id']}/codes/PUB-1", {"userId": "taken"})
    published = []
    for customer in ("a", "b"):
        response = v1.request(
            "POST",
            "/v1/publications",
            {"campaign": {"name": coupon["id"]}, "customer": {"source_id": customer}},
        )
        assert response.status == 200, response.body
        published += response.json()["vouchers"]

    none_left = v1.request(
        "POST", "/v1/publications", {"campaign": {"name": coupon["id"]}, "customer": {"source_id": "c"}}
    )

    assert sorted(published) == ["PUB-2", "PUB-3"]
    assert sorted(codes_of(api, coupon).values()) == ["a", "b", "taken"]
    assert none_left.status == 409


def test_given_a_code_of_another_customer_then_it_is_not_published_again(
    api: ApiClient, v1: AppKeyClient, coupon: dict
):
    assert (
        v1.request("POST", "/v1/publications", {"voucher": "PUB-1", "customer": {"source_id": "a"}}).status
        == 200
    )

    again = v1.request("POST", "/v1/publications", {"voucher": "PUB-1", "customer": {"source_id": "b"}})

    assert again.status == 409
    assert codes_of(api, coupon)["PUB-1"] == "a"
    assert v1.request("GET", "/v1/publications").json()["total"] == 1  # nothing half-written


@pytest.mark.parametrize(
    "case",
    [
        (
            {"voucher": "NOPE", "customer": {"source_id": "a"}},
            404,
            "not_found",
            "Cannot find voucher with id NOPE",
        ),
        (
            {"campaign": {"name": "0123456789abcdef01234567"}, "customer": {"source_id": "a"}},
            404,
            "not_found",
            "campaign",
        ),
        ({"voucher": "PUB-1"}, 400, "invalid_payload", "Property .customer is required"),
        (
            {"voucher": "PUB-1", "customer": {"source_id": "a", "age": 3}},
            400,
            "invalid_payload",
            "Property .customer.age",
        ),
        ({"customer": {"source_id": "a"}}, 400, "invalid_payload", "Property .voucher is required"),
    ],
)
def test_given_a_bad_publication_then_voucherify_errors(v1: AppKeyClient, coupon: dict, case: tuple):
    body, status, key, detail = case
    response = v1.request("POST", "/v1/publications", body)

    assert response.status == status
    assert response.json()["key"] == key
    assert detail in response.json()["details"]


def test_given_a_fabric_assignment_then_a_publication_and_the_customer_are_recorded(
    api: ApiClient, v1: AppKeyClient, coupon: dict
):
    assert api.put(f"/coupons/{coupon['id']}/codes/PUB-3", {"userId": "yuri"}).status == 200
    assert (
        api.put(f"/coupons/{coupon['id']}/codes/PUB-3", {"status": "INACTIVE"}).status == 200
    )  # not an assignment

    listed = v1.request("GET", "/v1/publications").json()

    assert [(p["vouchers"], p["tracking_id"]) for p in listed["publications"]] == [(["PUB-3"], "yuri")]
    assert v1.request("GET", "/v1/customers/yuri").status == 200


def test_given_another_tenant_then_its_publications_are_its_own(
    api: ApiClient, v1: AppKeyClient, coupon: dict
):
    v1.request("POST", "/v1/publications", {"voucher": "PUB-1", "customer": {"source_id": "a"}})
    theirs = make_app_key(api.as_tenant(TENANT_B))

    assert theirs.request("GET", "/v1/publications").json()["total"] == 0
    refused = theirs.request("POST", "/v1/publications", {"voucher": "PUB-2", "customer": {"source_id": "b"}})
    assert refused.status == 404


def test_given_publications_when_exported_then_one_row_each(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient, coupon: dict
):
    v1.request("POST", "/v1/publications", {"voucher": "PUB-1", "customer": {"source_id": "a"}})
    api.put(f"/coupons/{coupon['id']}/codes/PUB-2", {"userId": "b"})
    fields = ["voucher_code", "customer_source_id", "customer_id", "campaign", "channel"]

    done = export(v1, {"exported_object": "publication", "parameters": {"fields": fields}})
    default = v1.request("POST", "/v1/exports", {"exported_object": "publication"}).json()

    assert default["parameters"]["fields"] == ["voucher_code", "customer_id", "date", "channel"]
    _, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert rows == [
        fields,
        ["PUB-1", "a", customer_id(api.tenant_id, "a"), "Spring coupon", "API"],
        ["PUB-2", "b", customer_id(api.tenant_id, "b"), "Spring coupon", "API"],
    ]
