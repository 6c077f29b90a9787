"""POST /api-offers/promo/search (fabric v2, seed 003): the seed's shapes, x-site-context, errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from offers.models.promotions import PromotionRecord
from offers.store.promotions import PromotionStore
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import promotion_body
from tests.support.search import V2_PATH, add_code, assert_refused, site_context

# The seed's example, as documented.
SEED_REQUEST = {
    "offset": 0,
    "limit": 10,
    "sort": "+updatedAt",
    "filters": [{"field": "title", "value": "Black Friday", "operator": "EQUAL"}],
}
SEED_QUERY_KEYS = ["limit", "offset", "count"]
SEED_ITEM_KEYS = [
    "_id",
    "promoId",
    "promoCodes",
    "promoCount",
    "state",
    "isImplicit",
    "title",
    "startDate",
    "endDate",
    "isExclusive",
    "eligiblePriceList",
    "level",
    "stackingType",
    "updatedAt",
]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def v2_search(api: ApiClient, body: dict, **kwargs):
    headers = kwargs.pop("headers", site_context(api.tenant_id))
    return api.post(V2_PATH, body, headers=headers, tenant_header=False, **kwargs)


def store_coupon(tenant_id: str, name: str, codes: list[str]) -> PromotionRecord:
    """A coupon as the coupon endpoints store it: a promotion with isImplicit false and its codes."""
    now = datetime.now(UTC)
    record = PromotionRecord(
        id="6740e1f2a1b2c3d4e5f60799",
        promo_id=100100,
        name=name,
        type="CART",
        start_at=now + timedelta(days=2),
        end_at=now + timedelta(days=3),
        level=2,
        stacking_type="EXCLUSIVE",
        is_implicit=False,
        is_exclusive=True,
        eligible_price_lists=[10000056],
        discounts=[{"unit": "AMOUNT_OFF", "value": 5}],
        created_at=now,
        updated_at=now,
        coupon_codes=codes,
        code_count=len(codes) + 98,  # named codes plus generated ones
    )
    PromotionStore().create(tenant_id, record)
    for code in codes:
        add_code(tenant_id, code, record.id)
    return record


def test_given_the_seed_example_request_then_the_seed_response_shape_exactly(api: ApiClient):
    promotion = api.post("/promotions", promotion_body(name="Black Friday", endAt=None)).json()
    coupon = store_coupon(api.tenant_id, "black friday", ["SUMMER100", "SUMMER20"])
    api.post("/promotions", promotion_body(name="Cyber Monday"))

    response = v2_search(api, SEED_REQUEST)

    assert response.status == 200
    body = response.json()
    assert list(body) == ["query", "data"]
    assert list(body["query"]) == SEED_QUERY_KEYS
    assert body["query"] == {"limit": 10, "offset": 0, "count": 2}
    assert [list(item) for item in body["data"]] == [SEED_ITEM_KEYS, SEED_ITEM_KEYS]
    found = {item["_id"]: item for item in body["data"]}
    assert [item["_id"] for item in body["data"]] == [promotion["id"], coupon.id]  # +updatedAt
    assert found[promotion["id"]] == {
        "_id": promotion["id"],
        "promoId": promotion["promoId"],
        "promoCodes": [],
        "promoCount": 0,
        "state": "ACTIVE",
        "isImplicit": True,
        "title": "Black Friday",
        "startDate": promotion["startAt"],
        "endDate": None,
        "isExclusive": False,
        "eligiblePriceList": [10000056],
        "level": 1,
        "stackingType": "STACKABLE",
        "updatedAt": promotion["updatedAt"],
    }
    coupon_item = found[coupon.id]
    assert (coupon_item["promoCodes"], coupon_item["promoCount"]) == (["SUMMER100", "SUMMER20"], 100)
    assert (coupon_item["state"], coupon_item["isImplicit"], coupon_item["title"]) == (
        "SCHEDULED",
        False,
        "black friday",
    )
    assert (coupon_item["level"], coupon_item["stackingType"], coupon_item["isExclusive"]) == (
        2,
        "EXCLUSIVE",
        True,
    )
    for field in ("startDate", "endDate", "updatedAt"):
        assert TIMESTAMP.match(coupon_item[field])


def test_given_a_coupon_code_when_searching_promo_codes_then_the_coupon(api: ApiClient):
    coupon = store_coupon(api.tenant_id, "Summer coupon", ["SUMMER100", "SUMMER20"])
    api.post("/promotions", promotion_body(name="Summer"))
    body = {"filters": [{"field": "promoCodes", "value": "SUMMER20", "operator": "EQUAL"}]}
    data = v2_search(api, body).json()["data"]
    assert [(item["_id"], item["promoCodes"]) for item in data] == [(coupon.id, ["SUMMER100", "SUMMER20"])]


def test_given_defaults_then_limit_10_offset_0_newest_first(api: ApiClient):
    created = [api.post("/promotions", promotion_body(name=f"P{i}")).json()["id"] for i in range(12)]
    body = v2_search(api, {}).json()
    assert body["query"] == {"limit": 10, "offset": 0, "count": 12}
    assert [item["_id"] for item in body["data"]] == created[::-1][:10]


def test_given_the_site_context_header_missing_malformed_or_for_another_account_then_refused(api: ApiClient):
    missing = v2_search(api, {}, headers={})
    assert (missing.status, missing.json()["type"]) == (400, "TENANT_HEADER_REQUIRED")
    assert "x-site-context" in missing.json()["message"]
    malformed = v2_search(api, {}, headers={"x-site-context": "{account"})
    assert (malformed.status, malformed.json()["type"]) == (400, "REQUEST_VALIDATION")
    assert malformed.json()["details"][0]["field"] == "x-site-context"
    other = v2_search(api, {}, headers=site_context(TENANT_B))
    assert (other.status, other.json()["type"]) == (403, "FORBIDDEN")
    v3_header_only = api.post(V2_PATH, {})
    assert (v3_header_only.status, v3_header_only.json()["type"]) == (400, "TENANT_HEADER_REQUIRED")


def test_given_a_request_id_then_it_is_echoed(api: ApiClient):
    headers = {**site_context(api.tenant_id), "x-fabric-request-id": "search-1"}
    assert v2_search(api, {}, headers=headers).headers["x-fabric-request-id"] == "search-1"


def _filter(field: str, value: str, operator: str = "EQUAL") -> dict:
    return {"filters": [{"field": field, "value": value, "operator": operator}]}


@pytest.mark.parametrize(
    ("body", "error_type", "field"),
    [
        (_filter("name", "Black Friday"), "INVALID_SEARCH_FILTER_FIELD", "filters[0].field"),  # v3's name
        (_filter("couponCode", "X"), "INVALID_SEARCH_FILTER_FIELD", "filters[0].field"),
        (_filter("id", "x"), "REQUEST_VALIDATION", "filters[0].field"),  # shorter than 3
        (_filter("title", "x", "GREATER_THAN_OR_EQUAL_TO"), "INVALID_FILTER_OPERATOR", "filters[0].operator"),
        (_filter("isImplicit", "true,false", "IN"), "INVALID_FILTER_OPERATOR", "filters[0].operator"),
        (_filter("startDate", "2026-01-01T00:00:00Z"), "INVALID_FILTER_OPERATOR", "filters[0].operator"),
        (_filter("state", "LIVE"), "INVALID_PROMO_STATE", "filters[0].value"),
        (_filter("state", "ACTIVE,paused", "IN"), "INVALID_PROMO_STATE", "filters[0].value"),
        (_filter("startDate", "next week", "LESS_THAN"), "REQUEST_VALIDATION", "filters[0].value"),
        (_filter("promoId", "1e5"), "REQUEST_VALIDATION", "filters[0].value"),
        (_filter("level", "6"), "REQUEST_VALIDATION", "filters[0].value"),
        (_filter("isExclusive", "yes"), "REQUEST_VALIDATION", "filters[0].value"),
        (_filter("stackingType", "SOMETIMES"), "REQUEST_VALIDATION", "filters[0].value"),
        (_filter("_id", "not-an-id"), "REQUEST_VALIDATION", "filters[0].value"),
        (_filter("eligiblePriceList", "abc"), "REQUEST_VALIDATION", "filters[0].value"),
        (
            _filter("title", ",".join(f"t{i}" for i in range(11)), "IN"),
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (_filter("title", "a,,b", "IN"), "REQUEST_VALIDATION", "filters[0].value"),
        (_filter("title", ""), "REQUEST_VALIDATION", "filters[0].value"),
        (_filter("title", "x", "CONTAINS"), "REQUEST_VALIDATION", "filters[0].operator"),
        ({"sort": "+name"}, "REQUEST_VALIDATION", "sort"),
        ({"sort": "updatedAt"}, "REQUEST_VALIDATION", "sort"),
        ({"limit": 0}, "REQUEST_VALIDATION", "limit"),
        ({"limit": 101}, "REQUEST_VALIDATION", "limit"),
        ({"offset": -1}, "REQUEST_VALIDATION", "offset"),
        ({"offset": 9_995, "limit": 10}, "REQUEST_VALIDATION", "offset"),
        ({"size": 10}, "REQUEST_VALIDATION", "size"),
        ({"filters": [_filter("level", "1")["filters"][0]] * 21}, "REQUEST_VALIDATION", "filters"),
    ],
)
def test_given_a_bad_search_then_400_with_the_error_type_and_the_field(
    api: ApiClient, body, error_type, field
):
    assert_refused(v2_search(api, body), error_type, field)
