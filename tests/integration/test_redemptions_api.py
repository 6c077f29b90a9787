"""Redemptions through the emulated HTTP API on moto: shapes, refusals, limits, idempotency."""

from __future__ import annotations

import pytest

from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import coupon_body, days_from_now, promotion_body

SEED_RESPONSE_FIELDS = {
    "id",
    "orderId",
    "promotionId",
    "createdAt",
    "updatedAt",
    "additionalAttributes",
    "couponCode",
    "email",
    "promotionAdditionalAttributes",
    "promotionName",
    "redeemedAt",
    "status",
    "storeId",
    "userId",
}


def promotion(api: ApiClient, limits: list | None = None, **overrides) -> dict:
    body = promotion_body(limits=limits or [], **overrides)
    response = api.post("/promotions", body)
    assert response.status == 201, response.body
    return response.json()


def coupon(api: ApiClient, codes: list[str], limits: list | None = None, **overrides) -> dict:
    body = coupon_body(
        codes, limits=limits if limits is not None else [{"type": "CODE", "quantity": 1}], **overrides
    )
    response = api.post("/coupons", body)
    assert response.status == 201, response.body
    return response.json()


def redeem(
    api: ApiClient, promotion_id: str, order_id: str = "order-1", headers: dict | None = None, **fields
):
    return api.post(
        "/redemptions", {"orderId": order_id, "promotionId": promotion_id, **fields}, headers=headers
    )


def refusal(response) -> tuple[int, str]:
    return response.status, response.json()["type"]


# -- creating ---------------------------------------------------------------------------------------


def test_given_a_coupon_code_when_redeemed_then_201_with_the_seeds_fields(api: ApiClient):
    offer = coupon(api, ["SUMMER20"])
    # Within the coupon's window (it started a day ago), whatever today is.
    redeemed_at = days_from_now(-0.5)
    response = redeem(
        api,
        offer["id"],
        couponCode="SUMMER20",
        email="ana@example.com",
        userId="user-1",
        storeId="store-9",
        redeemedAt=redeemed_at,
        additionalAttributes=[{"name": "channel", "values": ["web"]}],
    )
    assert response.status == 201
    body = response.json()
    assert set(body) == SEED_RESPONSE_FIELDS
    assert body["status"] == "ACTIVE"
    assert body["promotionName"] == offer["name"]
    assert body["promotionAdditionalAttributes"] == offer["additionalAttributes"]
    assert body["redeemedAt"] == redeemed_at
    assert (body["couponCode"], body["email"], body["userId"], body["storeId"]) == (
        "SUMMER20",
        "ana@example.com",
        "user-1",
        "store-9",
    )
    assert body["additionalAttributes"] == [{"name": "channel", "values": ["web"]}]
    assert api.get(f"/redemptions/{body['id']}").json() == body


def test_given_no_redeemed_at_when_redeeming_then_it_is_now(api: ApiClient):
    body = redeem(api, promotion(api)["id"]).json()
    assert body["redeemedAt"] == body["createdAt"]
    assert (body["couponCode"], body["email"], body["storeId"], body["userId"]) == (None, None, None, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"promotionId": "6740e1f2a1b2c3d4e5f60718"}, "orderId"),
        ({"orderId": "o-1"}, "promotionId"),
        ({"orderId": "o-1", "promotionId": "short"}, "promotionId"),
        ({"orderId": "", "promotionId": "6740e1f2a1b2c3d4e5f60718"}, "orderId"),
        ({"orderId": "o-1", "promotionId": "6740e1f2a1b2c3d4e5f60718", "email": "not-an-email"}, "email"),
        ({"orderId": "o-1", "promotionId": "6740e1f2a1b2c3d4e5f60718", "redeemedAt": "soon"}, "redeemedAt"),
        ({"orderId": "o-1", "promotionId": "6740e1f2a1b2c3d4e5f60718", "discount": 5}, "discount"),
        ({"orderId": "o-1", "promotionId": "6740e1f2a1b2c3d4e5f60718", "couponCode": "a b"}, "couponCode"),
    ],
)
def test_given_bad_input_when_redeeming_then_400_naming_the_field(api: ApiClient, body, field):
    response = api.post("/redemptions", body)
    assert response.status == 400
    assert field in {d["field"] for d in response.json()["details"]}


def test_given_a_redeemed_at_in_the_future_when_redeeming_then_400(api: ApiClient):
    response = redeem(api, promotion(api)["id"], redeemedAt=days_from_now(1))
    assert response.status == 400
    assert response.json()["details"] == [{"field": "redeemedAt", "message": "is in the future"}]


# -- refusals ---------------------------------------------------------------------------------------


def test_given_an_unknown_promotion_when_redeeming_then_404(api: ApiClient):
    assert refusal(redeem(api, "0" * 24)) == (404, "PROMOTION_NOT_FOUND")


@pytest.mark.parametrize(
    ("overrides", "enabled"),
    [
        ({"startAt": days_from_now(2), "endAt": days_from_now(5)}, True),
        ({"startAt": days_from_now(-5), "endAt": days_from_now(-2)}, True),
        ({}, False),
    ],
)
def test_given_a_promotion_not_active_when_redeeming_then_422(api: ApiClient, overrides, enabled):
    offer = promotion(api, isEnabled=enabled, **overrides)
    assert refusal(redeem(api, offer["id"])) == (422, "PROMOTION_NOT_ACTIVE")


def test_given_an_expired_promotion_and_a_redeemed_at_when_it_ran_then_accepted(api: ApiClient):
    offer = promotion(api, startAt=days_from_now(-5), endAt=days_from_now(-2))
    assert redeem(api, offer["id"], redeemedAt=days_from_now(-3)).status == 201


def test_given_a_coupon_without_a_code_or_a_promotion_with_one_then_400(api: ApiClient):
    assert refusal(redeem(api, coupon(api, ["C1"])["id"])) == (400, "COUPON_CODE_REQUIRED")
    assert refusal(redeem(api, promotion(api)["id"], couponCode="C1")) == (400, "COUPON_CODE_NOT_APPLICABLE")


def test_given_a_code_that_is_unknown_elsewhere_assigned_or_inactive_then_each_is_named(api: ApiClient):
    mine = coupon(api, ["MINE1", "MINE2", "MINE3"])
    other = coupon(api, ["OTHER1"])
    api.put(f"/coupons/{mine['id']}/codes/MINE2", {"userId": "alice"})
    api.put(f"/coupons/{mine['id']}/codes/MINE3", {"status": "INACTIVE"})
    assert refusal(redeem(api, mine["id"], couponCode="NOPE")) == (404, "COUPON_CODE_NOT_FOUND")
    assert refusal(redeem(api, mine["id"], couponCode="OTHER1")) == (422, "COUPON_CODE_OTHER_PROMOTION")
    assert refusal(redeem(api, mine["id"], couponCode="MINE2", userId="bob")) == (
        422,
        "COUPON_CODE_ASSIGNED_ELSEWHERE",
    )
    assert refusal(redeem(api, mine["id"], couponCode="MINE2")) == (422, "COUPON_CODE_ASSIGNED_ELSEWHERE")
    assert redeem(api, mine["id"], couponCode="MINE2", userId="alice").status == 201
    assert refusal(redeem(api, mine["id"], couponCode="MINE3")) == (422, "COUPON_CODE_INACTIVE")
    assert other["id"]


def test_given_a_code_of_an_unfinished_generation_when_redeeming_then_it_does_not_exist(api: ApiClient):
    from offers.store import keys
    from offers.store.coupons import PENDING_GENERATIONS
    from offers.store.table import Table

    offer = coupon(api, ["PEND1"])
    Table().update(
        keys.code_key(api.tenant_id, "PEND1"),
        "SET generationId = :g",
        values={":g": "000000000000000000000077"},
    )
    Table().update(
        keys.promotion_key(api.tenant_id, offer["id"]),
        f"ADD {PENDING_GENERATIONS} :g",
        values={":g": {"000000000000000000000077"}},
    )
    assert refusal(redeem(api, offer["id"], couponCode="PEND1")) == (404, "COUPON_CODE_NOT_FOUND")


# -- limits -----------------------------------------------------------------------------------------


def test_given_a_code_with_two_uses_then_the_third_is_refused_and_the_code_shows_redeemed(api: ApiClient):
    offer = coupon(api, ["TWICE"], limits=[{"type": "CODE", "quantity": 2}])
    assert redeem(api, offer["id"], "o-1", couponCode="TWICE").status == 201
    code = api.get(f"/coupons/{offer['id']}/codes").json()["data"][0]
    assert (code["uses"], code["status"]) == (1, "ACTIVE")
    assert redeem(api, offer["id"], "o-2", couponCode="TWICE").status == 201
    assert refusal(redeem(api, offer["id"], "o-3", couponCode="TWICE")) == (409, "COUPON_CODE_USED_UP")
    code = api.get(f"/coupons/{offer['id']}/codes").json()["data"][0]
    assert (code["uses"], code["status"]) == (2, "REDEEMED")


def test_given_a_shared_code_without_a_code_limit_then_it_serves_many_orders(api: ApiClient):
    offer = coupon(api, ["PUBLIC"], limits=[])
    assert all(redeem(api, offer["id"], f"o-{i}", couponCode="PUBLIC").status == 201 for i in range(5))
    assert api.get(f"/coupons/{offer['id']}/codes").json()["data"][0]["uses"] == 0


def test_given_a_site_wide_limit_then_it_holds_across_customers_and_codes(api: ApiClient):
    offer = coupon(api, ["S1", "S2", "S3"], limits=[{"type": "SITE_WIDE", "quantity": 2}])
    assert redeem(api, offer["id"], "o-1", couponCode="S1").status == 201
    assert redeem(api, offer["id"], "o-2", couponCode="S2").status == 201
    assert refusal(redeem(api, offer["id"], "o-3", couponCode="S3")) == (409, "SITE_WIDE_LIMIT_REACHED")


def test_given_a_per_customer_limit_then_it_counts_by_user_id_or_else_email(api: ApiClient):
    offer = promotion(api, limits=[{"type": "CUSTOMER", "quantity": 1}])
    assert redeem(api, offer["id"], "o-1", userId="u-1").status == 201
    assert refusal(redeem(api, offer["id"], "o-2", userId="u-1")) == (409, "CUSTOMER_LIMIT_REACHED")
    assert redeem(api, offer["id"], "o-3", userId="u-2").status == 201
    assert redeem(api, offer["id"], "o-4", email="Ana@Example.com").status == 201
    assert refusal(redeem(api, offer["id"], "o-5", email="ana@example.COM")) == (
        409,
        "CUSTOMER_LIMIT_REACHED",
    )
    missing = redeem(api, offer["id"], "o-6")
    assert missing.status == 400
    assert missing.json()["details"][0]["field"] == "userId"


def test_given_an_order_that_redeemed_a_promotion_when_it_tries_again_then_409(api: ApiClient):
    offer = coupon(api, ["A1", "A2"])
    assert redeem(api, offer["id"], "order-7", couponCode="A1").status == 201
    assert refusal(redeem(api, offer["id"], "order-7", couponCode="A2")) == (409, "ALREADY_REDEEMED")
    doubled = promotion(api, limits=[{"type": "ORDER", "quantity": 2}])
    assert [redeem(api, doubled["id"], "order-8").status for _ in range(3)] == [201, 201, 409]


def test_given_a_refused_redemption_then_no_counter_moved(api: ApiClient):
    offer = coupon(
        api, ["ONE", "TWO"], limits=[{"type": "SITE_WIDE", "quantity": 1}, {"type": "CODE", "quantity": 1}]
    )
    assert refusal(redeem(api, offer["id"], couponCode="NOPE")) == (404, "COUPON_CODE_NOT_FOUND")
    assert redeem(api, offer["id"], "o-1", couponCode="ONE").status == 201
    assert refusal(redeem(api, offer["id"], "o-2", couponCode="TWO")) == (409, "SITE_WIDE_LIMIT_REACHED")
    two = next(c for c in api.get(f"/coupons/{offer['id']}/codes").json()["data"] if c["code"] == "TWO")
    assert (two["uses"], two["status"]) == (0, "ACTIVE")


# -- idempotency ------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["idempotency-key", "x-fabric-request-id"])
def test_given_a_retry_with_the_same_key_and_body_then_the_first_answer_and_nothing_new(
    api: ApiClient, header
):
    offer = coupon(api, ["RETRY1"])
    body = {"orderId": "o-1", "promotionId": offer["id"], "couponCode": "RETRY1", "userId": "u"}
    first = api.post("/redemptions", body, headers={header: "retry-key-1"})
    second = api.post("/redemptions", body, headers={header: "retry-key-1"})
    assert (first.status, second.status) == (201, 201)
    assert second.json() == first.json()
    assert (first.headers["idempotent-replayed"], second.headers["idempotent-replayed"]) == ("false", "true")
    assert len(api.get("/redemptions", query={"promotionId": offer["id"]}).json()["data"]) == 1


def test_given_a_reused_key_with_another_body_then_422_and_nothing_new(api: ApiClient):
    offer = promotion(api)
    assert redeem(api, offer["id"], "o-1", headers={"idempotency-key": "k"}).status == 201
    reused = api.post(
        "/redemptions", {"orderId": "o-2", "promotionId": offer["id"]}, headers={"idempotency-key": "k"}
    )
    assert refusal(reused) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert len(api.get("/redemptions").json()["data"]) == 1


def test_given_the_first_answer_when_the_redemption_changes_then_a_replay_still_returns_the_first(
    api: ApiClient,
):
    offer = promotion(api)
    first = redeem(api, offer["id"], headers={"idempotency-key": "k2"}).json()
    api.put(f"/redemptions/{first['id']}", {"status": "INACTIVE"})
    assert redeem(api, offer["id"], headers={"idempotency-key": "k2"}).json() == first


def test_given_an_unusable_idempotency_key_then_400(api: ApiClient):
    response = redeem(api, promotion(api)["id"], headers={"idempotency-key": "spaces are not allowed"})
    assert response.status == 400
    assert response.json()["details"][0]["field"] == "idempotency-key"


# -- status, delete, batch -------------------------------------------------------------------------


def test_given_an_active_redemption_when_deactivated_and_reactivated_then_uses_move_with_it(api: ApiClient):
    offer = coupon(
        api,
        ["SOLO"],
        limits=[
            {"type": "CODE", "quantity": 1},
            {"type": "SITE_WIDE", "quantity": 1},
            {"type": "CUSTOMER", "quantity": 1},
        ],
    )
    made = redeem(api, offer["id"], "o-1", couponCode="SOLO", userId="u-1").json()
    off = api.put(f"/redemptions/{made['id']}", {"status": "INACTIVE"})
    assert (off.status, off.json()["status"]) == (200, "INACTIVE")
    code = api.get(f"/coupons/{offer['id']}/codes").json()["data"][0]
    assert (code["uses"], code["status"]) == (0, "ACTIVE")
    on = api.put(f"/redemptions/{made['id']}", {"status": "ACTIVE"})
    assert (on.status, on.json()["status"]) == (200, "ACTIVE")
    assert api.get(f"/coupons/{offer['id']}/codes").json()["data"][0]["status"] == "REDEEMED"
    assert refusal(redeem(api, offer["id"], "o-2", couponCode="SOLO", userId="u-2")) == (
        409,
        "COUPON_CODE_USED_UP",
    )


def test_given_a_limit_taken_meanwhile_when_reactivating_then_409_and_it_stays_inactive(api: ApiClient):
    offer = promotion(api, limits=[{"type": "SITE_WIDE", "quantity": 1}])
    first = redeem(api, offer["id"], "o-1").json()
    api.put(f"/redemptions/{first['id']}", {"status": "INACTIVE"})
    assert redeem(api, offer["id"], "o-2").status == 201
    assert refusal(api.put(f"/redemptions/{first['id']}", {"status": "ACTIVE"})) == (
        409,
        "SITE_WIDE_LIMIT_REACHED",
    )
    assert api.get(f"/redemptions/{first['id']}").json()["status"] == "INACTIVE"


def test_given_the_same_status_or_bad_input_when_updating_then_no_op_or_4xx(api: ApiClient):
    made = redeem(api, promotion(api)["id"]).json()
    same = api.put(f"/redemptions/{made['id']}", {"status": "ACTIVE"})
    assert (same.status, same.json()) == (200, made)
    assert api.put(f"/redemptions/{made['id']}", {"status": "PAUSED"}).status == 400
    assert refusal(api.put(f"/redemptions/{'0' * 24}", {"status": "INACTIVE"})) == (404, "NOT_FOUND")


def test_given_a_redemption_when_deleted_then_it_is_gone_and_its_uses_are_back(api: ApiClient):
    offer = promotion(api, limits=[{"type": "SITE_WIDE", "quantity": 1}])
    made = redeem(api, offer["id"], "o-1").json()
    response = api.delete(f"/redemptions/{made['id']}")
    assert (response.status, response.json()) == (200, {"id": made["id"], "isDeleted": True})
    assert api.get(f"/redemptions/{made['id']}").status == 404
    assert api.delete(f"/redemptions/{made['id']}").status == 404
    assert redeem(api, offer["id"], "o-1").status == 201  # the order and the site-wide use are free again


def test_given_a_batch_when_updating_then_each_item_succeeds_or_errs_on_its_own(api: ApiClient):
    offer = promotion(api)
    one, two = (redeem(api, offer["id"], f"o-{i}").json() for i in range(2))
    response = api.put(
        "/redemptions/batch",
        {
            "data": [
                {"id": one["id"], "status": "INACTIVE"},
                {"id": "0" * 24, "status": "INACTIVE"},
                {"id": two["id"], "status": "INACTIVE"},
                {"id": one["id"], "status": "ACTIVE"},
            ]
        },
    )
    assert response.status == 200
    body = response.json()
    assert [r["id"] for r in body["data"]] == [one["id"], two["id"]]
    assert all(r["status"] == "INACTIVE" for r in body["data"])
    assert [(e["id"], e["type"]) for e in body["errors"]] == [
        ("0" * 24, "NOT_FOUND"),
        (one["id"], "DUPLICATE_ID"),
    ]
    assert api.put("/redemptions/batch", {"data": []}).status == 400


# -- lists ------------------------------------------------------------------------------------------


def test_given_many_redemptions_when_listing_then_pages_cover_each_once_newest_first(api: ApiClient):
    offer = promotion(api)
    made = [
        redeem(api, offer["id"], f"o-{i:02d}", redeemedAt=days_from_now(-i / 100)).json() for i in range(23)
    ]
    seen, cursor, pages = [], None, 0
    while True:
        page = api.get(
            "/redemptions", query={"size": 5, **({"startCursor": cursor} if cursor else {})}
        ).json()
        seen += [r["id"] for r in page["data"]]
        pages += 1
        cursor = page["query"]["nextCursor"]
        if cursor is None:
            break
    assert pages == 5
    assert seen == [r["id"] for r in sorted(made, key=lambda r: r["redeemedAt"], reverse=True)]


def test_given_filters_when_listing_then_each_selects_exactly_its_redemptions(api: ApiClient):
    shoes = coupon(api, ["SHOE1", "SHOE2", "SHOE3"], name="Shoes")
    bags = promotion(api, name="Bags")
    a = redeem(
        api, shoes["id"], "o-1", couponCode="SHOE1", userId="u-1", email="ana@x.io", storeId="s-1"
    ).json()
    b = redeem(api, shoes["id"], "o-2", couponCode="SHOE2", userId="u-2", storeId="s-2").json()
    c = redeem(api, bags["id"], "o-3", userId="u-1", email="ANA@x.io", storeId="s-1").json()
    api.put(f"/redemptions/{b['id']}", {"status": "INACTIVE"})

    def ids(**query) -> set[str]:
        response = api.get("/redemptions", query={"size": 100, **query})
        assert response.status == 200, response.body
        return {r["id"] for r in response.json()["data"]}

    assert ids(promotionId=shoes["id"]) == {a["id"], b["id"]}
    assert ids(promotionName="Bags") == {c["id"]}
    assert ids(couponCode="SHOE2") == {b["id"]}
    assert ids(userId="u-1") == {a["id"], c["id"]}
    assert ids(email="ana@x.io") == {a["id"], c["id"]}
    assert ids(orderId="o-3") == {c["id"]}
    assert ids(storeId="s-1") == {a["id"], c["id"]}
    assert ids(status="INACTIVE") == {b["id"]}
    assert ids(userId="u-1", promotionId=shoes["id"]) == {a["id"]}
    assert ids(redeemedAtFrom=b["redeemedAt"]) == {b["id"], c["id"]}
    assert ids(redeemedAtTo=b["redeemedAt"]) == {a["id"]}
    assert api.get("/redemptions", query={"status": "GONE"}).status == 400
    bad_range = api.get(
        "/redemptions", query={"redeemedAtFrom": c["redeemedAt"], "redeemedAtTo": a["redeemedAt"]}
    )
    assert bad_range.status == 400


def test_given_another_tenant_then_it_sees_and_changes_none_of_the_redemptions(api: ApiClient):
    offer = promotion(api)
    made = redeem(api, offer["id"]).json()
    other = api.as_tenant(TENANT_B)
    assert other.get(f"/redemptions/{made['id']}").status == 404
    assert other.put(f"/redemptions/{made['id']}", {"status": "INACTIVE"}).status == 404
    assert other.delete(f"/redemptions/{made['id']}").status == 404
    assert other.get("/redemptions").json()["data"] == []
    assert refusal(redeem(other, offer["id"])) == (404, "PROMOTION_NOT_FOUND")
    assert api.get(f"/redemptions/{made['id']}").json()["status"] == "ACTIVE"
