"""BUYGET, SPEND_GET and SHIPPING promotions in evaluate-cart (docs/pricing.md, steps 6-7),
and the BUYGET suggestions (suggestedProducts)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from offers.models.promotions import PromotionInput
from offers.services.pricing_cart import price_cart
from tests.support.pricing import index, item, promotion

D = Decimal


def sku(*values: str) -> list[dict]:
    return [{"type": "SKU", "operator": "IN", "values": list(values)}]


def buy_get(
    promo_id: int,
    *,
    buy: list[dict],
    get: list[dict],
    buy_quantity: int = 1,
    get_quantity: int = 1,
    value: int = 100,
    **options,
) -> object:
    return promotion(
        promo_id,
        type="BUYGET",
        value=value,
        targets=get,
        buy={"quantity": buy_quantity, "targets": buy},
        getQuantity=get_quantity,
        **options,
    )


def totals(result) -> list[Decimal]:
    return [line.total for line in result.lines]


# -- BUYGET ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("quantity", "expected"), [(2, "20.00"), (3, "20.00"), (5, "40.00"), (6, "40.00")])
def test_given_buy_two_get_one_free_of_one_sku_when_the_cart_holds_some_then_every_third_unit_is_free(
    quantity, expected
):
    free_third = buy_get(1, buy=sku("A"), get=sku("A"), buy_quantity=2)
    result = price_cart([item("10.00", sku="A", quantity=quantity)], index(free_third))
    assert totals(result) == [D(expected)]


def test_given_buy_shoes_get_socks_half_price_when_both_are_in_the_cart_then_one_sock_is_half_off():
    offer = buy_get(1, buy=sku("SHOE"), get=sku("SOCK"), value=50)
    result = price_cart([item("50.00", sku="SHOE"), item("8.00", sku="SOCK", quantity=2)], index(offer))
    assert totals(result) == [D("50.00"), D("12.00")]
    socks = result.lines[1].discounts[0]
    assert (socks.amount, socks.quantity, socks.application) == (D("4.00"), 1, "CART")
    assert result.suggested == []


def test_given_get_items_at_different_prices_when_buyget_applies_then_the_cheapest_units_are_discounted():
    offer = buy_get(1, buy=sku("SHOE"), get=sku("SOCK", "TIE"), get_quantity=1)
    cart = [item("50.00", sku="SHOE"), item("20.00", sku="TIE"), item("8.00", sku="SOCK")]
    assert totals(price_cart(cart, index(offer))) == [D("50.00"), D("20.00"), D("0.00")]


def test_given_units_in_both_pools_when_buyget_allocates_then_the_buyers_keep_enough_units():
    # Buy 1 of A or B, get 1 of A or B free: of A (10.00) and B (30.00) one is bought, one free:
    # the free one is the cheaper, A.
    offer = buy_get(1, buy=sku("A", "B"), get=sku("A", "B"))
    result = price_cart([item("10.00", sku="A"), item("30.00", sku="B")], index(offer))
    assert totals(result) == [D("0.00"), D("30.00")]
    # Only get-only units besides: buy B, get one of A (shared) or C (get-only); C is cheaper.
    offer = buy_get(2, buy=sku("A", "B"), get=sku("A", "C"))
    cart = [item("10.00", sku="A"), item("30.00", sku="B"), item("5.00", sku="C")]
    assert totals(price_cart(cart, index(offer))) == [D("10.00"), D("30.00"), D("0.00")]


def test_given_buyget_amount_off_and_fixed_when_applied_then_per_discounted_unit():
    amount_off = buy_get(1, buy=sku("A"), get=sku("B"), unit="AMOUNT_OFF", value=3, get_quantity=2)
    fixed = buy_get(1, buy=sku("A"), get=sku("B"), unit="FIXED", value=4, get_quantity=2)
    cart = [item("10.00", sku="A"), item("10.00", sku="B", quantity=3)]
    assert totals(price_cart(cart, index(amount_off))) == [D("10.00"), D("24.00")]  # 2 units x 3.00
    assert totals(price_cart(cart, index(fixed))) == [D("10.00"), D("18.00")]  # 2 units at 4.00


def test_given_the_buy_condition_met_but_no_get_item_in_the_cart_then_the_get_skus_are_suggested():
    offer = buy_get(1, buy=sku("SHOE"), get=sku("SOCK", "LACE"), buy_quantity=1, get_quantity=1)
    result = price_cart([item("50.00", sku="SHOE", quantity=2)], index(offer))
    assert totals(result) == [D("100.00")]
    assert [(s.sku, s.quantity, s.promotion.promo_id) for s in result.suggested] == [
        ("LACE", 2, 1),
        ("SOCK", 2, 1),
    ]
    with_one_sock = price_cart(
        [item("50.00", sku="SHOE", quantity=2), item("8.00", sku="SOCK")], index(offer)
    )
    assert [(s.sku, s.quantity) for s in with_one_sock.suggested] == [("LACE", 1)]
    not_bought = price_cart([item("8.00", sku="SOCK")], index(offer))
    assert not_bought.suggested == [] and totals(not_bought) == [D("8.00")]


# -- SPEND_GET ------------------------------------------------------------------------------------


def test_given_spend_100_on_shoes_get_20_percent_off_socks_when_reached_then_socks_discounted():
    offer = promotion(
        1,
        type="SPEND_GET",
        value=20,
        targets=sku("SOCK"),
        spend={"amount": 100, "targets": [{"type": "CATEGORY", "operator": "IN", "values": ["shoes"]}]},
    )
    below = [item("90.00", sku="SHOE", categories=("shoes",)), item("10.00", sku="SOCK")]
    above = [item("120.00", sku="SHOE", categories=("shoes",)), item("10.00", sku="SOCK")]
    assert totals(price_cart(below, index(offer))) == [D("90.00"), D("10.00")]
    assert totals(price_cart(above, index(offer))) == [D("120.00"), D("8.00")]


def test_given_spend_get_when_item_promotions_lower_the_spend_below_the_threshold_then_it_does_not_apply():
    offer = promotion(1, type="SPEND_GET", unit="AMOUNT_OFF", value=5, spend={"amount": 100})
    item_promotion = promotion(2, value=10, targets=sku("A"))
    assert totals(price_cart([item("105.00", sku="A")], index(offer))) == [D("100.00")]
    assert totals(price_cart([item("105.00", sku="A")], index(offer, item_promotion))) == [D("94.50")]


# -- SHIPPING -------------------------------------------------------------------------------------


def test_given_free_shipping_over_50_when_the_goods_reach_it_then_the_shipping_costs_nothing():
    offer = promotion(1, type="SHIPPING", value=100, min_spend=50)
    cart = [item("30.00", sku="A", shipping="5.00"), item("30.00", sku="B", shipping="7.00")]
    result = price_cart(cart, index(offer))
    assert [line.shipping for line in result.lines] == [D("0.00"), D("0.00")]
    assert totals(result) == [D("30.00"), D("30.00")]  # the goods are not discounted
    assert [(a.promotion.type, a.amount) for a in result.applied] == [("SHIPPING", D("12.00"))]
    small = price_cart([item("40.00", sku="A", shipping="5.00")], index(offer))
    assert [line.shipping for line in small.lines] == [D("5.00")] and small.applied == []


def test_given_a_shipping_promotion_for_one_method_when_lines_ship_otherwise_then_only_that_one():
    offer = promotion(1, type="SHIPPING", unit="AMOUNT_OFF", value=4, shippingMethodIds=["standard"])
    cart = [
        item("30.00", sku="A", shipping="5.00", shipping_method="standard"),
        item("30.00", sku="B", shipping="9.00", shipping_method="express"),
    ]
    result = price_cart(cart, index(offer))
    assert [line.shipping for line in result.lines] == [D("1.00"), D("9.00")]


# -- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "discount", "message"),
    [
        ("BUYGET", {}, "discounts[0].buy is required for BUYGET promotions"),
        ("SPEND_GET", {}, "discounts[0].spend is required for SPEND_GET promotions"),
        ("PRODUCT", {"buy": {"quantity": 1}}, "discounts[0].buy and getQuantity are only for BUYGET"),
        ("CART", {"spend": {"amount": 5}}, "discounts[0].spend is only for SPEND_GET promotions"),
        ("CART", {"shippingMethodIds": ["x"]}, "discounts[0].shippingMethodIds is only for SHIPPING"),
    ],
)
def test_given_a_type_specific_field_on_the_wrong_type_when_validated_then_it_is_refused(
    kind, discount, message
):
    body = {
        "name": "x",
        "type": kind,
        "startAt": datetime.now(UTC).isoformat(),
        "discounts": [{"unit": "PERCENTAGE_OFF", "value": 10, **discount}],
    }
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        PromotionInput.model_validate(body)


def test_given_a_buyget_stored_before_buy_was_required_when_read_then_it_still_reads():
    stored = promotion(1, type="BUYGET").model_dump(by_alias=True)  # built as a record: no check
    assert stored["discounts"][0].get("buy") is None
    assert type(promotion(1)).model_validate(stored).type == "BUYGET"
