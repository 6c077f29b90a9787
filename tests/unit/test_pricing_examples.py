"""The worked examples of docs/pricing.md, one test each (test_example_<n>)."""

from __future__ import annotations

import re
import sys
from decimal import Decimal

from local.template import ROOT
from offers.services.pricing import price_item
from offers.services.pricing_cart import CouponCheck, price_cart
from tests.support.pricing import index, item, promotion

D = Decimal


def total(line) -> Decimal:
    return line.total


def test_every_worked_example_in_the_docs_has_a_test():
    documented = {
        int(n) for n in re.findall(r"^### Example (\d+)$", (ROOT / "docs/pricing.md").read_text(), re.M)
    }
    tested = {
        int(name.removeprefix("test_example_"))
        for name in dir(sys.modules[__name__])
        if name.startswith("test_example_")
    }
    assert documented and documented == tested


def test_example_1():
    line = price_item(item("100.00", sale="80.00"), index(promotion(1, value=10)))
    assert line.total == D("72.00") and line.item.price_type == "SALE"


def test_example_2():
    line = price_item(item("100.00", clearance="50.00"), index(promotion(1, value=10)))
    assert line.total == D("50.00") and line.discounts == [] and line.item.price_type == "CLEARANCE"


def test_example_3():
    percent_first = index(promotion(1, value=20, level=1), promotion(2, unit="AMOUNT_OFF", value=10, level=2))
    amount_first = index(promotion(1, value=20, level=2), promotion(2, unit="AMOUNT_OFF", value=10, level=1))
    assert price_item(item(), percent_first).total == D("70.00")
    assert price_item(item(), amount_first).total == D("72.00")


def test_example_4():
    line = price_item(item(), index(promotion(1), promotion(2)))
    assert line.total == D("80.00")
    assert [d.amount for d in line.discounts] == [D("10.00"), D("10.00")]


def test_example_5():
    stackables = (promotion(1), promotion(2))
    assert price_item(item(), index(*stackables, promotion(3, value=15, stacking="EXCLUSIVE"))).total == D(
        "80.00"
    )
    line = price_item(item(), index(*stackables, promotion(3, value=25, stacking="EXCLUSIVE")))
    assert line.total == D("75.00") and [d.promotion.promo_id for d in line.discounts] == [3]


def test_example_6():
    line = price_item(
        item(),
        index(
            promotion(1, value=25, stacking="TYPE_EXCLUSIVE"),
            promotion(2, value=10),
            promotion(3, value=5, type="QUANTITY"),
        ),
    )
    assert line.total == D("70.00")
    assert sorted(d.promotion.promo_id for d in line.discounts) == [1, 3]


def test_example_7():
    line = price_item(
        item(),
        index(
            promotion(1, value=10, level=0, stacking="UNIVERSAL"),
            promotion(2, value=20, stacking="EXCLUSIVE"),
        ),
    )
    assert line.total == D("72.00")
    assert [d.promotion.promo_id for d in line.discounts] == [2, 1]


def test_example_8():
    line = price_item(item(), index(promotion(1, value=5, exclusive=True), promotion(2, value=30)))
    assert line.total == D("95.00") and [d.promotion.promo_id for d in line.discounts] == [1]


def test_example_9():
    promotions = index(promotion(1, value=10, min_quantity=3))
    assert price_item(item("10.00", quantity=2), promotions).total == D("20.00")
    assert price_item(item("10.00", quantity=3), promotions).total == D("27.00")


def test_example_10():
    promotions = index(promotion(1, value=50, min_spend=60, max_discount=30))
    assert price_item(item("50.00"), promotions).total == D("50.00")
    assert price_item(item("100.00"), promotions).total == D("70.00")


def test_example_11():
    assert price_item(item(quantity=2), index(promotion(1, unit="FIXED", value=60))).total == D("120.00")
    assert price_item(item(quantity=2), index(promotion(1, unit="AMOUNT_OFF", value=15))).total == D("170.00")


def test_example_12():
    promotions = index(promotion(1, value=10))
    assert price_item(item("1.25"), promotions).total == D("1.13")
    assert price_item(item("1.35"), promotions).total == D("1.21")
    assert price_item(item("1005", currency="JPY"), promotions).total == D("905")


def test_example_13():
    line = price_item(item(), index(promotion(1, unit="AMOUNT_OFF", value=150)))
    assert line.total == D("0.00") and line.discounts[0].amount == D("100.00")


def test_example_14():
    promotions = index(
        promotion(
            1, targets=[{"type": "CATEGORY", "operator": "IN", "values": ["shoes"]}], price_lists=[1000002]
        )
    )
    assert price_item(item(categories=("shoes",), price_list_id=1000002), promotions).total == D("90.00")
    assert price_item(item(categories=("shoes",), price_list_id=1000001), promotions).total == D("100.00")
    assert price_item(item(categories=("coats",), price_list_id=1000002), promotions).total == D("100.00")


def test_example_15():
    ranges = ((1, 9, "10.00"), (10, None, "8.00"))
    assert price_item(item("10.00", quantity=12, ranges=ranges), index()).total == D("96.00")


def test_example_16():
    coupon = promotion(1, type="CART", unit="AMOUNT_OFF", value=10, implicit=False)
    lines = [item("30.00", sku="A"), item("70.00", sku="B")]
    result = price_cart(lines, index(coupon), [CouponCheck("SAVE10", coupon.id)])
    assert sum(map(total, result.lines)) == D("90.00")
    assert [line.discounts[0].amount for line in result.lines] == [D("3.00"), D("7.00")]
    assert result.not_applied == []
    assert [(a.coupon_code, a.amount) for a in result.applied] == [("SAVE10", D("10"))]

    assert sum(map(total, price_cart(lines, index(coupon)).lines)) == D("100.00")
    refused = price_cart(
        lines, index(coupon), [CouponCheck("SAVE10", coupon.id, "the code has been used up")]
    )
    assert sum(map(total, refused.lines)) == D("100.00")
    assert [(c.code, c.message) for c in refused.not_applied] == [("SAVE10", "the code has been used up")]


def test_example_17():
    cart = [item("10.00", sku=s) for s in "ABC"]
    result = price_cart(cart, index(promotion(1, type="CART", unit="AMOUNT_OFF", value=10)))
    assert [line.discounts[0].amount for line in result.lines] == [D("3.34"), D("3.33"), D("3.33")]
    assert sum(map(total, result.lines)) == D("20.00")


def _buy_get(buy: str, get: str, *, buy_quantity: int = 1, value: int = 100):
    def sku(name: str) -> list[dict]:
        return [{"type": "SKU", "operator": "IN", "values": [name]}]

    return promotion(
        1, type="BUYGET", value=value, targets=sku(get), buy={"quantity": buy_quantity, "targets": sku(buy)}
    )


def test_example_18():
    free_third = index(_buy_get("A", "A", buy_quantity=2))
    for quantity, expected in ((3, "20.00"), (5, "40.00"), (6, "40.00")):
        assert price_cart([item("10.00", sku="A", quantity=quantity)], free_third).lines[0].total == D(
            expected
        )


def test_example_19():
    half_price_socks = index(_buy_get("SHOE", "SOCK", value=50))
    result = price_cart([item("50.00", sku="SHOE"), item("8.00", sku="SOCK", quantity=2)], half_price_socks)
    assert result.lines[1].total == D("12.00") and result.lines[1].discounts[0].amount == D("4.00")
    no_socks = price_cart([item("50.00", sku="SHOE", quantity=2)], half_price_socks)
    assert no_socks.lines[0].total == D("100.00")
    assert [(s.sku, s.quantity) for s in no_socks.suggested] == [("SOCK", 2)]


def test_example_20():
    shoes = [{"type": "CATEGORY", "operator": "IN", "values": ["shoes"]}]
    socks = [{"type": "SKU", "operator": "IN", "values": ["SOCK"]}]
    spend_get = index(
        promotion(1, type="SPEND_GET", value=20, targets=socks, spend={"amount": 100, "targets": shoes})
    )
    below = [item("90.00", sku="SHOE", categories=("shoes",)), item("10.00", sku="SOCK")]
    above = [item("120.00", sku="SHOE", categories=("shoes",)), item("10.00", sku="SOCK")]
    assert sum(map(total, price_cart(below, spend_get).lines)) == D("100.00")
    assert sum(map(total, price_cart(above, spend_get).lines)) == D("128.00")
    lowered = index(
        promotion(1, type="SPEND_GET", unit="AMOUNT_OFF", value=5, spend={"amount": 100}),
        promotion(2, value=10),
    )
    assert price_cart([item("105.00")], lowered).lines[0].total == D("94.50")


def test_example_21():
    free_shipping = index(promotion(1, type="SHIPPING", value=100, min_spend=50))
    cart = [item("30.00", sku="A", shipping="5.00"), item("30.00", sku="B", shipping="7.00")]
    result = price_cart(cart, free_shipping)
    assert [a.amount for a in result.applied] == [D("12.00")]
    assert [line.shipping_discounts[0].amount for line in result.lines] == [D("5.00"), D("7.00")]
    assert sum(map(total, result.lines)) == D("60.00")
    small = price_cart([item("40.00", shipping="5.00")], free_shipping)
    assert small.lines[0].shipping == D("5.00") and small.applied == []
