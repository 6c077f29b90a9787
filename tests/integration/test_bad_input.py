"""Issue 9: every bad input is a clear 4xx in the dialect's format, never a 5xx.

Each test sends what a careless or hostile client might, through the emulated HTTP API, and
checks the status, the error body's shape and the field it names.
"""

from __future__ import annotations

import pytest

from tests.support.client import ApiClient
from tests.support.factories import coupon_body, promotion_body


def assert_fabric_error(response, status: int, field: str | None = None) -> dict:
    assert response.status == status, response.body[:300]
    body = response.json()
    assert isinstance(body["type"], str) and isinstance(body["message"], str)
    if field is not None:
        assert field in [d["field"] for d in body.get("details", [])], body
    return body


def create_promotion(api: ApiClient) -> str:
    response = api.post("/promotions", promotion_body())
    assert response.status == 201
    return response.json()["id"]


# -- 1, 2: timestamps ----------------------------------------------------------------------------

YEAR_1_EAST = "0001-01-01T00:00:00+14:00"
YEAR_9999_WEST = "9999-12-31T23:59:59-14:00"


@pytest.mark.parametrize("field", ["startAt", "endAt"])
def test_given_a_promotion_date_outside_utc_years_when_created_then_400_out_of_range(api: ApiClient, field):
    value = YEAR_1_EAST if field == "startAt" else YEAR_9999_WEST
    body = assert_fabric_error(api.post("/promotions", promotion_body(**{field: value})), 400, field)
    assert "out of range" in body["message"]
    assert_fabric_error(api.post("/coupons", coupon_body(**{field: value})), 400, field)


def test_given_an_extreme_redeemed_at_when_redeeming_then_400_naming_it(api: ApiClient):
    promotion_id = create_promotion(api)
    response = api.post(
        "/redemptions", {"orderId": "o-1", "promotionId": promotion_id, "redeemedAt": YEAR_1_EAST}
    )
    assert_fabric_error(response, 400, "redeemedAt")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/redemptions", "redeemedAtTo"),
        ("/redemptions", "redeemedAtFrom"),
        ("/coupons/codes", "endDate"),
        ("/coupons/codes", "startDate"),
    ],
)
def test_given_an_extreme_list_bound_when_listing_then_400_naming_it(api: ApiClient, path, field):
    assert_fabric_error(api.get(path, query={field: YEAR_9999_WEST}), 400, field)


def test_given_an_extreme_bound_on_a_coupons_codes_when_listing_then_400_naming_it(api: ApiClient):
    coupon_id = api.post("/coupons", coupon_body(["EDGE-1"])).json()["id"]
    assert_fabric_error(
        api.get(f"/coupons/{coupon_id}/codes", query={"endDate": YEAR_9999_WEST}), 400, "endDate"
    )


def test_given_a_search_bound_that_rounds_past_9999_when_searching_then_400(api: ApiClient):
    response = api.post(
        "/promotions/search",
        {"filters": [{"field": "updatedAt", "operator": "LESS_THAN", "value": "9999-12-31T23:59:59.9999Z"}]},
    )
    body = assert_fabric_error(response, 400)
    assert "out of range" in body["message"]


def test_given_an_extreme_export_filter_when_exporting_then_400(api: ApiClient):
    response = api.post(
        "/offers-exports",
        {
            "type": "REDEMPTION",
            "filters": [{"field": "redeemedAt", "operator": "LESS_THAN", "value": YEAR_9999_WEST}],
        },
    )
    assert_fabric_error(response, 400)


@pytest.mark.parametrize(
    ("path", "lower", "upper"),
    [("/redemptions", "redeemedAtFrom", "redeemedAtTo"), ("/coupons/codes", "startDate", "endDate")],
)
def test_given_one_bound_zoned_and_one_not_when_listing_then_both_are_utc(api: ApiClient, path, lower, upper):
    response = api.get(path, query={lower: "2026-01-01T00:00:00", upper: "2026-02-01T00:00:00Z"})
    assert response.status == 200, response.body
    reversed_range = api.get(path, query={lower: "2026-02-01T00:00:00", upper: "2026-01-01T00:00:00Z"})
    assert_fabric_error(reversed_range, 400)


# -- 3: cursors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cursor", ["abc.é", "é", "abc.def", "%%%.%%%"])
def test_given_a_malformed_cursor_when_listing_then_400_on_every_cursor_list(api: ApiClient, cursor):
    coupon_id = api.post("/coupons", coupon_body(["CURSOR-1"])).json()["id"]
    for path in ["/promotions", "/redemptions", "/coupons/codes", f"/coupons/{coupon_id}/codes"]:
        assert_fabric_error(api.get(path, query={"startCursor": cursor}), 400, "startCursor")
