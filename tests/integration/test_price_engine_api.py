"""The price engine's endpoints through the emulated HTTP API on moto: what they answer, and
that they read DynamoDB at most three times per request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from offers.store.clients import dynamodb
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import coupon_body, days_from_now, promotion_body

SHOES = {"type": "CATEGORY", "operator": "IN", "values": ["shoes"]}


@contextmanager
def dynamodb_calls() -> Iterator[list[str]]:
    """The DynamoDB operations made meanwhile (handlers run in this process)."""
    calls: list[str] = []

    def record(model, **_):
        calls.append(model.name)

    events = dynamodb().meta.events
    events.register("before-call.dynamodb.*", record)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb.*", record)


def setup_catalog(api: ApiClient) -> int:
    list_id = api.post("/price-lists", {"name": "US", "isDefault": True, "currency": "USD"}).json()["id"]
    offers = {
        "A": [{"startAt": days_from_now(-1), "endAt": days_from_now(10), "price": {"base": 100, "cost": 40}}],
        "B": [{"startAt": days_from_now(-1), "price": {"base": 50, "sale": 40}}],
        "C": [{"startAt": days_from_now(-1), "price": {"base": 80, "clearance": 30}}],
        "LATER": [{"startAt": days_from_now(5), "price": {"base": 10}}],
    }
    for n, (sku, item_offers) in enumerate(offers.items(), start=1):
        body = {
            "priceListId": list_id,
            "itemId": n,
            "itemSku": sku,
            "offers": item_offers,
            "categories": ["shoes"],
        }
        assert api.post("/prices", body).status == 201
    return list_id


def percent_off(value, **overrides) -> dict:
    discounts = [{"unit": "PERCENTAGE_OFF", "value": value, "targets": [SHOES]}]
    return promotion_body(discounts=discounts, eligiblePriceLists=[], limits=[], **overrides)


def test_given_prices_and_promotions_when_skus_are_evaluated_then_discounted_prices_and_207_for_missing(
    api: ApiClient,
):
    list_id = setup_catalog(api)
    messages = [{"title": "Shoes", "message": "10% off shoes", "pages": ["PDP", "PLP"]}]
    promotion = api.post("/promotions", percent_off(10, promotionMessages=messages)).json()
    body = {
        "priceListId": list_id,
        "skus": ["A", "B", "C", "NOPE", "LATER"],
        "priceParameters": [{"sku": "A", "quantity": 3}],
    }
    response = api.post("/price-engine/actions/evaluate-products-by-sku", body)
    assert response.status == 207, response.body
    answer = response.json()
    by_sku = {entry["sku"]: entry["offer"] for entry in answer["data"]}
    assert by_sku["A"]["price"] == {
        "base": 100,
        "sale": None,
        "cost": 40,
        "unitPriceWithoutDiscounts": 100,
        "lineTotalWithoutDiscounts": 300,
        "lineTotalWithDiscounts": 270,
        "type": "BASE",
        "currency": "USD",
    }
    discount = by_sku["A"]["discounts"][0]
    assert (discount["amount"], discount["quantity"], discount["promotion"]["id"]) == (30, 3, promotion["id"])
    assert discount["promotion"]["discountType"] == "PERCENTAGE_OFF"
    assert by_sku["A"]["promotionMessages"][0]["message"] == "10% off shoes"
    assert by_sku["B"]["price"]["lineTotalWithDiscounts"] == 36 and by_sku["B"]["price"]["type"] == "SALE"
    assert by_sku["C"]["price"]["lineTotalWithDiscounts"] == 30 and by_sku["C"]["discounts"] == []
    assert [e["type"] for e in answer["errors"]] == ["Not found", "Not found"]
    assert "NOPE" in answer["errors"][0]["message"] and "LATER" in answer["errors"][1]["message"]


def test_given_a_future_date_when_evaluated_then_prices_and_promotions_of_that_moment(api: ApiClient):
    list_id = setup_catalog(api)
    api.post("/promotions", percent_off(50, startAt=days_from_now(4), endAt=days_from_now(8)))
    now = api.post("/price-engine/actions/evaluate-products-by-id", {"priceListId": list_id, "itemIds": [4]})
    assert now.status == 207
    later = api.post(
        "/price-engine/actions/evaluate-products-by-id",
        {"priceListId": list_id, "itemIds": [1, 4]},
        headers={"x-fabric-date": days_from_now(6)},
    )
    assert later.status == 200, later.body
    totals = {e["itemId"]: e["offer"]["price"]["lineTotalWithDiscounts"] for e in later.json()["data"]}
    assert totals == {1: 50, 4: 5}
    bad_date = api.post(
        "/price-engine/actions/evaluate-products-by-id",
        {"priceListId": list_id, "itemIds": [1]},
        headers={"x-fabric-date": "tomorrow"},
    )
    assert bad_date.status == 400 and bad_date.json()["details"][0]["field"] == "x-fabric-date"


def test_given_bad_requests_then_4xx(api: ApiClient):
    list_id = setup_catalog(api)
    url = "/price-engine/actions/evaluate-products-by-sku"
    assert api.post(url, {"priceListId": list_id, "skus": [f"S{n}" for n in range(51)]}).status == 400
    assert api.post(url, {"priceListId": list_id, "skus": []}).status == 400
    missing = api.post(url, {"priceListId": 42, "skus": ["A"]})
    assert missing.status == 404 and missing.json()["type"] == "PRICE_LIST_NOT_FOUND"
    assert api.as_tenant(TENANT_B).post(url, {"priceListId": list_id, "skus": ["A"]}).status == 404


def test_given_a_cart_with_coupon_codes_when_evaluated_then_valid_codes_apply_and_refusals_have_reasons(
    api: ApiClient,
):
    setup_catalog(api)
    cart_coupon = coupon_body(
        codes=["SAVE10", "SAVE10-B", "OFF"],
        discounts=[{"unit": "AMOUNT_OFF", "value": 10}],
        eligiblePriceLists=[],
    )
    coupon = api.post("/coupons", cart_coupon).json()
    api.put(f"/coupons/{coupon['id']}/codes/OFF", {"status": "INACTIVE"})
    api.put(f"/coupons/{coupon['id']}/codes/SAVE10-B", {"userId": "someone-else"})
    cart = {
        "cartItems": [
            {"itemId": 1, "quantity": 1, "position": 1},
            {"itemId": 2, "quantity": 2},
            {"itemId": 99, "quantity": 1},
        ],
        "couponCodes": ["SAVE10", "OFF", "SAVE10-B", "UNKNOWN"],
        "customer": {"id": "me"},
    }
    response = api.post("/price-engine/actions/evaluate-cart", cart)
    assert response.status == 200, response.body
    answer = response.json()
    lines = answer["cartItems"]
    # 100 and 2 x 40 (sale) = 180; 10 off prorated 100:80 -> 5.56 and 4.44
    assert [line["price"]["lineTotalWithDiscounts"] for line in lines] == [94.44, 75.56]
    assert [line["discounts"][0]["proratedAmount"] for line in lines] == [5.56, 4.44]
    assert answer["appliedDiscounts"] == [
        {
            "promotionId": coupon["id"],
            "couponCode": "SAVE10",
            "promotionName": "Spring coupon",
            "type": "CART",
            "amount": 10,
        }
    ]
    assert {c["couponCode"]: c["message"] for c in answer["notAppliedCoupons"]} == {
        "OFF": "the code is inactive",
        "SAVE10-B": "the code is assigned to another customer",
        "UNKNOWN": "the code does not exist",
    }
    assert answer["errors"] == ["Price doesn't exist for product 99 in price list 1000001"]
    assert lines[0]["position"] == 1 and lines[1]["priceAttributes"] == {
        "cost": None,
        "floor": None,
        "clearance": None,
    }


def test_given_fifty_skus_and_many_promotions_when_evaluated_then_at_most_three_dynamodb_round_trips(
    api: ApiClient,
):
    list_id = setup_catalog(api)
    for n in range(30):
        api.post("/promotions", percent_off(1 + n % 5, level=n % 3))
    api.post(
        "/coupons",
        coupon_body(codes=["C1"], discounts=[{"unit": "AMOUNT_OFF", "value": 1}], eligiblePriceLists=[]),
    )
    skus = ["A", "B", "C", *[f"X{n}" for n in range(47)]]
    with dynamodb_calls() as calls:
        response = api.post(
            "/price-engine/actions/evaluate-products-by-sku", {"priceListId": list_id, "skus": skus}
        )
    assert response.status == 207 and len(response.json()["data"]) == 3
    assert calls == ["BatchGetItem", "Query"]
    cart = {
        "cartItems": [{"itemId": 1, "quantity": 1}, {"itemId": 2, "quantity": 1, "priceListId": list_id}],
        "couponCodes": ["C1"],
    }
    with dynamodb_calls() as calls:
        response = api.post("/price-engine/actions/evaluate-cart", cart)
    assert response.status == 200 and response.json()["appliedDiscounts"]
    assert calls == ["BatchGetItem", "BatchGetItem", "Query"]


def test_given_a_deleted_price_list_when_a_cart_names_it_then_its_items_have_no_price(api: ApiClient):
    list_id = setup_catalog(api)
    other = api.post("/price-lists", {"name": "Outlet", "isDefault": False, "currency": "USD"}).json()["id"]
    offer = {"startAt": days_from_now(-1), "price": {"base": 10}}
    api.post("/prices", {"priceListId": other, "itemId": 1, "itemSku": "A", "offers": [offer]})
    cart = {"cartItems": [{"itemId": 1, "quantity": 1, "priceListId": other}, {"itemId": 1, "quantity": 1}]}
    before = api.post("/price-engine/actions/evaluate-cart", cart).json()
    assert [line["price"]["lineTotalWithDiscounts"] for line in before["cartItems"]] == [10, 100]
    assert api.delete(f"/price-lists/{other}").status == 200
    after = api.post("/price-engine/actions/evaluate-cart", cart).json()
    assert [line["priceListId"] for line in after["cartItems"]] == [list_id]
    assert after["errors"] == [f"Price doesn't exist for product 1 in price list {other}"]


def test_given_promotions_changed_when_evaluated_then_the_engine_sees_their_current_state(api: ApiClient):
    list_id = setup_catalog(api)
    ended = api.post("/promotions", percent_off(10)).json()
    disabled = api.post("/promotions", percent_off(20)).json()
    moved = api.post("/promotions", percent_off(30, startAt=days_from_now(-2), endAt=days_from_now(1))).json()
    url, body = "/price-engine/actions/evaluate-products-by-id", {"priceListId": list_id, "itemIds": [1]}

    def applied() -> list[str]:
        return sorted(
            d["promotion"]["id"] for d in api.post(url, body).json()["data"][0]["offer"]["discounts"]
        )

    assert applied() == sorted([ended["id"], disabled["id"], moved["id"]])
    assert api.post(f"/promotions/{ended['id']}/actions/end").status == 200
    assert api.post(f"/promotions/{disabled['id']}/actions/toggle", {"isEnabled": False}).status == 200
    replaced = percent_off(30, startAt=days_from_now(-2), endAt=days_from_now(-1))
    assert api.put(f"/promotions/{moved['id']}", replaced).status == 200
    assert applied() == []
    assert api.delete(f"/promotions/{disabled['id']}").status == 204
    assert api.post(f"/promotions/{ended['id']}/actions/toggle", {"isEnabled": True}).status == 200
    assert applied() == []  # ended stays ended


def test_given_a_price_list_out_of_force_when_evaluated_then_it_prices_nothing_until_its_window(
    api: ApiClient,
):
    window = {"startAt": days_from_now(2), "endAt": days_from_now(4)}
    list_id = api.post(
        "/price-lists", {"name": "Later", "isDefault": False, "currency": "USD", **window}
    ).json()["id"]
    offer = {"startAt": days_from_now(-1), "price": {"base": 10}}
    api.post("/prices", {"priceListId": list_id, "itemId": 1, "itemSku": "A", "offers": [offer]})
    url, body = "/price-engine/actions/evaluate-products-by-id", {"priceListId": list_id, "itemIds": [1]}
    assert api.post(url, body).status == 207
    inside = api.post(url, body, headers={"x-fabric-date": days_from_now(3)})
    assert inside.status == 200 and inside.json()["data"][0]["offer"]["price"]["lineTotalWithDiscounts"] == 10
    cart = {"cartItems": [{"itemId": 1, "quantity": 1, "priceListId": list_id}]}
    assert api.post("/price-engine/actions/evaluate-cart", cart).json()["cartItems"] == []


def test_given_buyget_and_shipping_promotions_when_a_cart_is_evaluated_then_discounts_and_suggestions(
    api: ApiClient,
):
    setup_catalog(api)  # A 100 (item 1), B sale 40 (item 2)
    buy_a_get_b = promotion_body(
        name="Buy A, get B or LACE half price",
        type="BUYGET",
        discounts=[
            {
                "unit": "PERCENTAGE_OFF",
                "value": 50,
                "targets": [{"type": "SKU", "operator": "IN", "values": ["B", "LACE"]}],
                "buy": {"quantity": 1, "targets": [{"type": "SKU", "operator": "IN", "values": ["A"]}]},
                "getQuantity": 1,
            }
        ],
        eligiblePriceLists=[],
        limits=[],
    )
    free_shipping = promotion_body(
        name="Free standard shipping over 100",
        type="SHIPPING",
        discounts=[{"unit": "PERCENTAGE_OFF", "value": 100, "minSpend": 100, "shippingMethodIds": ["std"]}],
        eligiblePriceLists=[],
        limits=[],
    )
    for body in (buy_a_get_b, free_shipping):
        created = api.post("/promotions", body)
        assert created.status == 201, created.body
    shipping = {"shippingCost": 7.5, "shippingMethodId": "std", "shippingMethodName": "Standard"}
    cart = {
        "cartItems": [
            {"itemId": 1, "quantity": 2, "shippingDetails": shipping},
            {"itemId": 2, "quantity": 1, "shippingDetails": {**shipping, "shippingMethodId": "express"}},
        ]
    }
    response = api.post("/price-engine/actions/evaluate-cart", cart)
    assert response.status == 200, response.body
    answer = response.json()
    lines = answer["cartItems"]
    # two A bought entitle to two get-units; the cart holds one B (40 -> 20) and no LACE
    assert [line["price"]["lineTotalWithDiscounts"] for line in lines] == [200, 20]
    assert lines[1]["discounts"][0]["proratedQuantity"] == 1
    assert [line["shippingDetails"]["shippingDiscount"] for line in lines] == [7.5, 0]
    assert lines[0]["shippingDetails"]["shippingMethodName"] == "Standard"
    assert sorted((a["type"], a["amount"]) for a in answer["appliedDiscounts"]) == [
        ("BUYGET", 20),
        ("SHIPPING", 7.5),
    ]
    assert [(s["sku"], s["quantity"], s["promotionName"]) for s in answer["suggestedProducts"]] == [
        ("LACE", 1, "Buy A, get B or LACE half price")
    ]
