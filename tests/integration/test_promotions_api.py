"""Promotions CRUD and actions, through the emulated HTTP API on moto."""

from __future__ import annotations

import pytest

from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import days_from_now, promotion_body

ID_LENGTH = 24


def create(api: ApiClient, **overrides) -> dict:
    response = api.post("/promotions", promotion_body(**overrides))
    assert response.status == 201, response.body
    return response.json()


# -- create and read ------------------------------------------------------------------------


def test_given_a_valid_promotion_when_created_then_201_with_ids_status_and_timestamps(api: ApiClient):
    response = api.post("/promotions", promotion_body(name="Spring sale"))
    assert response.status == 201
    body = response.json()
    assert len(body["id"]) == ID_LENGTH
    assert body["promoId"] >= 100001
    assert body["name"] == "Spring sale"
    assert body["status"] == "ACTIVE"
    assert body["createdAt"].endswith("Z") and len(body["createdAt"]) == len("2026-01-01T00:00:00.000Z")
    assert body["discounts"][0] == {
        "unit": "PERCENTAGE_OFF",
        "value": 15,
        "targets": [{"type": "CATEGORY", "operator": "IN", "values": ["coats"]}],
        "minQuantity": None,
        "minSpend": None,
        "maxDiscount": None,
    }
    assert api.get(f"/promotions/{body['id']}").json() == body


def test_given_several_promotions_when_created_then_promo_ids_count_up_per_tenant(api: ApiClient):
    first, second = create(api)["promoId"], create(api)["promoId"]
    other_tenant_first = api.as_tenant(TENANT_B).post("/promotions", promotion_body()).json()["promoId"]
    assert second == first + 1
    assert other_tenant_first == 100001


@pytest.mark.parametrize(
    ("start", "end", "enabled", "status"),
    [
        (-2, 5, True, "ACTIVE"),
        (2, 5, True, "SCHEDULED"),
        (-5, -2, True, "EXPIRED"),
        (-2, 5, False, "DISABLED"),
        (-2, None, True, "ACTIVE"),
    ],
)
def test_given_dates_when_read_then_status_follows_them(api: ApiClient, start, end, enabled, status):
    body = promotion_body(startAt=days_from_now(start), endAt=None if end is None else days_from_now(end))
    body["isEnabled"] = enabled
    assert api.post("/promotions", body).json()["status"] == status


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"type": "BOGUS"}, "type", "PRODUCT"),
        ({"stackingType": "SOMETIMES"}, "stackingType", "STACKABLE"),
        ({"level": 6}, "level", "less than or equal to 5"),
        ({"level": -1}, "level", "greater than or equal to 0"),
        (
            {"startAt": "2026-05-01T00:00:00Z", "endAt": "2026-05-01T00:00:00Z"},
            "endAt",
            "must be after startAt",
        ),
        (
            {"startAt": "2026-05-02T00:00:00Z", "endAt": "2026-05-01T00:00:00Z"},
            "endAt",
            "must be after startAt",
        ),
        ({"startAt": "yesterday"}, "startAt", "ISO 8601"),
        ({"name": ""}, "name", "at least 1 character"),
        ({"discounts": []}, "discounts", "at least 1 item"),
        (
            {"discounts": [{"unit": "PERCENTAGE_OFF", "value": 120}]},
            "discounts[0].value",
            "between 0 and 100",
        ),
        ({"discounts": [{"unit": "HALF_OFF", "value": 1}]}, "discounts[0].unit", "PERCENTAGE_OFF"),
        (
            {"limits": [{"type": "SITE_WIDE", "quantity": 0}]},
            "limits[0].quantity",
            "greater than or equal to 1",
        ),
        (
            {"limits": [{"type": "SITE_WIDE", "quantity": 1}, {"type": "SITE_WIDE", "quantity": 2}]},
            "limits",
            "once",
        ),
        ({"eligiblePriceLists": [1, 1]}, "eligiblePriceLists", "unique"),
        ({"colour": "red"}, "colour", "not permitted"),
    ],
)
def test_given_invalid_input_when_creating_then_400_naming_the_field(
    api: ApiClient, overrides, field, fragment
):
    response = api.post("/promotions", promotion_body(**overrides))
    assert response.status == 400
    body = response.json()
    assert body["type"] == "REQUEST_VALIDATION"
    problems = {d["field"]: d["message"] for d in body["details"]}
    assert field in problems, problems
    assert fragment in problems[field]


def test_given_missing_required_fields_when_creating_then_each_is_named(api: ApiClient):
    response = api.post("/promotions", {"name": "x"})
    assert response.status == 400
    fields = {d["field"]: d["message"] for d in response.json()["details"]}
    assert fields == {"type": "is required", "startAt": "is required", "discounts": "is required"}


def test_given_a_body_that_is_not_json_when_creating_then_400_naming_the_body(api: ApiClient):
    response = api.request(
        "POST", "/promotions", raw_body=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert response.status == 400
    assert response.json()["details"] == [{"field": "body", "message": "is not valid JSON"}]


def test_given_an_invalid_create_when_refused_then_nothing_is_stored(api: ApiClient):
    api.post("/promotions", promotion_body(level=9))
    assert api.get("/promotions").json()["data"] == []


# -- update, toggle, end, delete ----------------------------------------------------------------


def test_given_a_promotion_when_replaced_then_fields_change_and_identity_stays(api: ApiClient):
    original = create(api)
    response = api.put(f"/promotions/{original['id']}", promotion_body(name="Renamed", level=3))
    assert response.status == 200
    updated = response.json()
    assert (updated["id"], updated["promoId"], updated["createdAt"]) == (
        original["id"],
        original["promoId"],
        original["createdAt"],
    )
    assert (updated["name"], updated["level"]) == ("Renamed", 3)
    assert updated["updatedAt"] >= original["updatedAt"]
    assert api.get(f"/promotions/{original['id']}").json()["name"] == "Renamed"


def test_given_an_unknown_id_when_read_updated_toggled_ended_or_deleted_then_404(api: ApiClient):
    missing = "0" * 24
    responses = [
        api.get(f"/promotions/{missing}"),
        api.put(f"/promotions/{missing}", promotion_body()),
        api.post(f"/promotions/{missing}/actions/toggle", {"isEnabled": False}),
        api.post(f"/promotions/{missing}/actions/end"),
        api.delete(f"/promotions/{missing}"),
    ]
    assert [r.status for r in responses] == [404] * 5
    assert all(r.json()["type"] == "NOT_FOUND" for r in responses)


def test_given_an_invalid_update_when_refused_then_the_stored_promotion_is_unchanged(api: ApiClient):
    original = create(api)
    response = api.put(f"/promotions/{original['id']}", promotion_body(type="NOPE"))
    assert response.status == 400
    assert api.get(f"/promotions/{original['id']}").json() == original


def test_given_an_active_promotion_when_toggled_off_and_on_then_status_follows(api: ApiClient):
    promotion = create(api)
    off = api.post(f"/promotions/{promotion['id']}/actions/toggle", {"isEnabled": False})
    assert (off.status, off.json()["status"], off.json()["isEnabled"]) == (200, "DISABLED", False)
    on = api.post(f"/promotions/{promotion['id']}/actions/toggle", {"isEnabled": True})
    assert on.json()["status"] == "ACTIVE"


def test_given_a_toggle_without_is_enabled_when_sent_then_400(api: ApiClient):
    promotion = create(api)
    response = api.post(f"/promotions/{promotion['id']}/actions/toggle", {})
    assert response.status == 400
    assert response.json()["details"] == [{"field": "isEnabled", "message": "is required"}]


def test_given_an_active_promotion_when_ended_then_it_expires_now(api: ApiClient):
    promotion = create(api)
    response = api.post(f"/promotions/{promotion['id']}/actions/end")
    assert response.status == 200
    ended = response.json()
    assert ended["status"] == "EXPIRED"
    assert ended["endAt"] < promotion["endAt"]


def test_given_an_ended_or_scheduled_promotion_when_ended_then_409(api: ApiClient):
    expired = create(api, startAt=days_from_now(-5), endAt=days_from_now(-1))
    scheduled = create(api, startAt=days_from_now(2), endAt=days_from_now(4))
    again = api.post(f"/promotions/{expired['id']}/actions/end")
    early = api.post(f"/promotions/{scheduled['id']}/actions/end")
    assert (again.status, again.json()["type"]) == (409, "PROMOTION_ALREADY_ENDED")
    assert (early.status, early.json()["type"]) == (409, "PROMOTION_NOT_STARTED")


def test_given_a_promotion_when_deleted_then_204_and_gone(api: ApiClient):
    promotion = create(api)
    response = api.delete(f"/promotions/{promotion['id']}")
    assert (response.status, response.body) == (204, b"")
    assert api.get(f"/promotions/{promotion['id']}").status == 404
    assert api.delete(f"/promotions/{promotion['id']}").status == 404


# -- listing ------------------------------------------------------------------------------------


def test_given_more_promotions_than_a_page_when_listing_then_pages_cover_all_once_newest_first(
    api: ApiClient,
):
    created = [create(api, name=f"promo {i}")["id"] for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"size": 3, **({"startCursor": cursor} if cursor else {})}
        page = api.get("/promotions", query=query).json()
        pages += 1
        seen += [p["id"] for p in page["data"]]
        cursor = page["query"]["nextCursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(created, reverse=True)


@pytest.mark.parametrize("size", ["0", "101", "ten"])
def test_given_a_bad_page_size_when_listing_then_400_naming_size(api: ApiClient, size):
    response = api.get("/promotions", query={"size": size})
    assert response.status == 400
    assert response.json()["details"][0]["field"] == "size"


def test_given_a_tampered_cursor_when_listing_then_400(api: ApiClient):
    for _ in range(3):
        create(api)
    cursor = api.get("/promotions", query={"size": 1}).json()["query"]["nextCursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    for bad in (tampered, "garbage", cursor.split(".")[0]):
        response = api.get("/promotions", query={"size": 1, "startCursor": bad})
        assert response.status == 400
        assert response.json()["details"][0]["field"] == "startCursor"


def test_given_another_tenants_cursor_when_listing_then_400(api: ApiClient):
    for _ in range(3):
        create(api)
    cursor = api.get("/promotions", query={"size": 1}).json()["query"]["nextCursor"]
    response = api.as_tenant(TENANT_B).get("/promotions", query={"size": 1, "startCursor": cursor})
    assert response.status == 400


# -- tenancy ------------------------------------------------------------------------------------


def test_given_another_tenants_promotion_when_read_changed_or_listed_then_invisible(api: ApiClient):
    promotion = create(api)
    other = api.as_tenant(TENANT_B)
    assert other.get(f"/promotions/{promotion['id']}").status == 404
    assert other.put(f"/promotions/{promotion['id']}", promotion_body()).status == 404
    assert other.delete(f"/promotions/{promotion['id']}").status == 404
    assert other.get("/promotions").json()["data"] == []
    assert api.get(f"/promotions/{promotion['id']}").status == 200
