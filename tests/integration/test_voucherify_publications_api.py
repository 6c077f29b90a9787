"""Publications in the Voucherify dialect: POST/GET /v1/publications, the fabric code
assignment recording one too, the customer made by an assignment, and the publication export."""

from __future__ import annotations

import pytest

from local.stack import LocalStack
from offers.services.export_sources import ExportSpec
from offers.services.export_sources.voucherify_publications import VoucherifyPublicationSource
from offers.services.voucherify_exports import export_record
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


# -- GET /v1/publications filters (the SDK's list_publications query) ---------------------------


@pytest.fixture
def published(api: ApiClient, v1: AppKeyClient, coupon: dict) -> dict:
    """PUB-1 to ann, PUB-2 to bob, and a second campaign's AUT-1 to ann (with a source_id)."""
    autumn = api.post("/coupons", coupon_body(["AUT-1"], name="Autumn")).json()
    made = {}
    for body in (
        {"voucher": "PUB-1", "customer": {"source_id": "ann"}},
        {"voucher": "PUB-2", "customer": {"source_id": "bob"}},
        {"campaign": {"name": "Autumn"}, "customer": {"source_id": "ann"}, "source_id": "crm-7"},
    ):
        response = v1.request("POST", "/v1/publications", body)
        assert response.status == 200, response.body
        made[response.json()["vouchers"][0]] = response.json()
    return {"autumn": autumn, **made}


def listed(v1: AppKeyClient, **query) -> tuple[list[str], int]:
    response = v1.request("GET", "/v1/publications", query={k: str(v) for k, v in query.items()})
    assert response.status == 200, response.body
    body = response.json()
    return [p["vouchers"][0] for p in body["publications"]], body["total"]


def test_given_the_sdks_list_filters_then_only_the_matching_publications_and_their_total(
    api: ApiClient, v1: AppKeyClient, published: dict
):
    assert listed(v1) == (["AUT-1", "PUB-2", "PUB-1"], 3)
    assert listed(v1, voucher="PUB-2") == (["PUB-2"], 1)
    assert listed(v1, customer="ann") == (["AUT-1", "PUB-1"], 2)
    assert listed(v1, customer=customer_id(api.tenant_id, "bob")) == (["PUB-2"], 1)
    assert listed(v1, campaign="Autumn") == (["AUT-1"], 1)
    assert listed(v1, campaign=published["autumn"]["id"]) == (["AUT-1"], 1)
    assert listed(v1, campaign="Spring coupon", customer="ann") == (["PUB-1"], 1)
    assert listed(v1, source_id="crm-7") == (["AUT-1"], 1)
    assert listed(v1, campaign="No such campaign") == ([], 0)
    assert listed(v1, result="SUCCESS", voucher_type="discount", is_referral_code="false")[1] == 3
    assert listed(v1, result="FAILURE") == ([], 0)
    assert listed(v1, customer="ann", limit=1, page=2) == (["PUB-1"], 2)


def test_given_a_list_order_then_publications_sorted_by_it(v1: AppKeyClient, published: dict):
    assert listed(v1, order="created_at")[0] == ["PUB-1", "PUB-2", "AUT-1"]
    assert listed(v1, order="voucher_code")[0] == ["AUT-1", "PUB-1", "PUB-2"]
    assert listed(v1, order="-tracking_id")[0] == ["PUB-2", "PUB-1", "AUT-1"]


def test_given_a_campaign_publication_by_name_then_it_names_the_campaign(
    stack: LocalStack, v1: AppKeyClient, published: dict
):
    done = export(
        v1, {"exported_object": "publication", "parameters": {"fields": ["voucher_code", "campaign"]}}
    )

    _, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert sorted(rows[1:]) == [["AUT-1", "Autumn"], ["PUB-1", "Spring coupon"], ["PUB-2", "Spring coupon"]]


def test_given_list_queries_it_can_not_serve_then_400_invalid_query_params(v1: AppKeyClient, published: dict):
    for query in (
        {"result": "MAYBE"},
        {"filters[junction]": "and"},
        {"order": "name"},
        {"campaign": "x" * 501},
    ):
        response = v1.request("GET", "/v1/publications", query=query)

        assert response.status == 400, query
        assert response.json()["key"] == "invalid_query_params"


def test_given_publication_export_filters_on_code_or_customer_then_that_partition_alone(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient, published: dict
):
    by_customer = {"customer_id": {"conditions": {"$is": customer_id(api.tenant_id, "ann")}}}
    body = {
        "exported_object": "publication",
        "parameters": {"fields": ["voucher_code"], "filters": by_customer},
    }
    spec = ExportSpec.model_validate(export_record(body).spec)

    _, partitions, applied = VoucherifyPublicationSource().read_plan(api.tenant_id, spec)
    assert (len(partitions), applied) == (1, "customerId")
    done = export(v1, body)
    assert sorted(fetch_csv(stack, v1, done["result"]["url"])[1][1:]) == [["AUT-1"], ["PUB-1"]]
