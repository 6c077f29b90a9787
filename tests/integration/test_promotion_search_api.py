"""POST /promotions/search (fabric v3): full promotion objects, changes showing up, errors."""

from __future__ import annotations

import pytest

from tests.support.client import ApiClient
from tests.support.factories import days_from_now, promotion_body
from tests.support.search import V3_PATH, assert_refused


def create(api: ApiClient, **overrides) -> dict:
    response = api.post("/promotions", promotion_body(**overrides))
    assert response.status == 201, response.body
    return response.json()


def search(api: ApiClient, *filters: tuple, **body) -> dict:
    body["filters"] = [{"field": f, "operator": o, "value": v} for f, o, v in filters]
    response = api.post(V3_PATH, body)
    assert response.status == 200, response.body
    return response.json()


def names(page: dict) -> list[str]:
    return [promotion["name"] for promotion in page["data"]]


def test_given_promotions_when_searching_then_each_is_the_full_promotion_get_returns(api: ApiClient):
    created = [create(api, name="Spring"), create(api, name="Summer", endAt=None)]
    page = search(api)
    assert page["query"] == {"size": 10, "offset": 0, "count": 2}
    assert page["data"] == [api.get(f"/promotions/{p['id']}").json() for p in reversed(created)]
    assert set(page["data"][0]) >= {"id", "promoId", "status", "discounts", "limits", "additionalAttributes"}


def test_given_a_bare_sort_field_then_ascending(api: ApiClient):
    for name in ("b", "C", "a"):
        create(api, name=name)
    assert names(search(api, sort="name")) == ["a", "b", "C"]
    assert names(search(api, sort="-name")) == ["C", "b", "a"]


def test_given_promotions_change_when_searching_again_then_the_search_follows(api: ApiClient):
    spring = create(api, name="Spring", startAt=days_from_now(-1), endAt=days_from_now(5))
    summer = create(api, name="Summer")
    path = f"/promotions/{spring['id']}"

    def found(*filters) -> list[str]:
        return names(search(api, *filters))

    api.post(f"{path}/actions/toggle", {"isEnabled": False})
    assert found(("status", "EQUAL", "DISABLED")) == ["Spring"]
    assert found(("status", "EQUAL", "ACTIVE")) == ["Summer"]
    api.post(f"{path}/actions/toggle", {"isEnabled": True})
    api.post(f"{path}/actions/end")
    assert found(("status", "EQUAL", "EXPIRED")) == ["Spring"]
    assert found(("endAt", "LESS_THAN", days_from_now(0))) == ["Spring"]
    api.put(path, promotion_body(name="Autumn", level=4))
    assert found(("name", "EQUAL", "spring")) == []
    assert found(("name", "EQUAL", "autumn"), ("level", "EQUAL", 4)) == ["Autumn"]
    assert names(search(api, sort="-updatedAt")) == ["Autumn", "Summer"]
    api.delete(f"/promotions/{summer['id']}")
    page = search(api)
    assert (names(page), page["query"]["count"]) == (["Autumn"], 1)
    assert found(("id", "EQUAL", summer["id"])) == []


@pytest.mark.parametrize(
    ("body", "error_type", "field"),
    [
        (
            {"filters": [{"field": "title", "operator": "EQUAL", "value": "x"}]},
            "INVALID_SEARCH_FILTER_FIELD",
            "filters[0].field",
        ),
        (
            {"filters": [{"field": "name", "operator": "LESS_THAN", "value": "x"}]},
            "INVALID_FILTER_OPERATOR",
            "filters[0].operator",
        ),
        (
            {"filters": [{"field": "startAt", "operator": "IN", "value": ["2026-01-01"]}]},
            "INVALID_FILTER_OPERATOR",
            "filters[0].operator",
        ),
        (
            {"filters": [{"field": "status", "operator": "IN", "value": ["ACTIVE", "LIVE"]}]},
            "INVALID_PROMO_STATE",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "startAt", "operator": "LESS_THAN", "value": "soon"}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "level", "operator": "EQUAL", "value": "high"}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "isExclusive", "operator": "EQUAL", "value": 1.5}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "type", "operator": "EQUAL", "value": "BOGUS"}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "name", "operator": "EQUAL", "value": ["a", "b"]}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "name", "operator": "IN", "value": [str(i) for i in range(11)]}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "name", "operator": "IN", "value": []}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "name", "operator": "EQUAL", "value": {"a": 1}}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "name", "operator": "EQUAL", "value": ""}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            {"filters": [{"field": "name", "operator": "EQUAL", "value": "x" * 121}]},
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        ({"filters": [{"field": "name", "operator": "EQUAL"}]}, "REQUEST_VALIDATION", "filters[0].value"),
        (
            {"filters": [{"field": "name", "operator": "LIKE", "value": "x"}]},
            "REQUEST_VALIDATION",
            "filters[0].operator",
        ),
        (
            {"filters": [{"field": "level", "operator": "EQUAL", "value": 1}] * 21},
            "REQUEST_VALIDATION",
            "filters",
        ),
        (
            {
                "filters": [
                    {"field": "level", "operator": "EQUAL", "value": 1},
                    {"field": "nope", "operator": "EQUAL", "value": 1},
                ]
            },
            "INVALID_SEARCH_FILTER_FIELD",
            "filters[1].field",
        ),
        ({"sort": "+title"}, "REQUEST_VALIDATION", "sort"),
        ({"sort": "--name"}, "REQUEST_VALIDATION", "sort"),
        ({"size": 0}, "REQUEST_VALIDATION", "size"),
        ({"size": 101}, "REQUEST_VALIDATION", "size"),
        ({"offset": -1}, "REQUEST_VALIDATION", "offset"),
        ({"offset": 9_991, "size": 10}, "REQUEST_VALIDATION", "offset"),
        ({"limit": 10}, "REQUEST_VALIDATION", "limit"),
    ],
)
def test_given_a_bad_search_then_400_with_the_error_type_and_the_field(
    api: ApiClient, body, error_type, field
):
    assert_refused(api.post(V3_PATH, body), error_type, field)


def test_given_no_tenant_header_when_searching_then_400_tenant_header_required(api: ApiClient):
    response = api.post(V3_PATH, {}, tenant_header=False)
    assert (response.status, response.json()["type"]) == (400, "TENANT_HEADER_REQUIRED")
