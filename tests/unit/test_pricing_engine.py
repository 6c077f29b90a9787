"""The price engine's rules beyond the worked examples: every pair of stacking types, every
discount unit (on items and carts), targets, coupons, money, and the promotion index."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from offers.clock import format_timestamp
from offers.models.prices import PriceRecord
from offers.services.pricing import NoPrice, price_item
from offers.services.pricing_cart import CouponCheck, price_cart
from offers.services.pricing_index import ExhaustiveIndex
from offers.services.pricing_items import priced_item, priced_stored_item
from offers.services.pricing_money import minor_unit, prorate, to_minor_unit
from offers.store.codec import from_item, to_item
from offers.store.prices import price_items
from tests.support.pricing import index, item, promotion

D = Decimal


def applied_ids(line) -> list[int]:
    return sorted(d.promotion.promo_id for d in line.discounts)


# -- every pair of stacking types (one level, on 100.00, unless the case says otherwise) ---------

PAIRS = [
    # (first, second, expected promoIds applied, expected total)
    ({"stacking": "STACKABLE", "value": 10}, {"stacking": "STACKABLE", "value": 20}, [1, 2], "70.00"),
    ({"stacking": "STACKABLE", "value": 10}, {"stacking": "EXCLUSIVE", "value": 15}, [2], "85.00"),
    ({"stacking": "STACKABLE", "value": 10}, {"stacking": "EXCLUSIVE", "value": 5}, [1], "90.00"),
    ({"stacking": "STACKABLE", "value": 10}, {"stacking": "EXCLUSIVE", "value": 10}, [1], "90.00"),
    ({"stacking": "STACKABLE", "value": 10}, {"stacking": "TYPE_EXCLUSIVE", "value": 15}, [2], "85.00"),
    ({"stacking": "STACKABLE", "value": 20}, {"stacking": "TYPE_EXCLUSIVE", "value": 15}, [1], "80.00"),
    (
        {"stacking": "STACKABLE", "value": 10},
        {"stacking": "TYPE_EXCLUSIVE", "value": 15, "type": "QUANTITY"},
        [1, 2],
        "75.00",
    ),
    ({"stacking": "STACKABLE", "value": 20}, {"stacking": "UNIVERSAL", "value": 10}, [1, 2], "72.00"),
    ({"stacking": "EXCLUSIVE", "value": 10}, {"stacking": "EXCLUSIVE", "value": 20}, [2], "80.00"),
    ({"stacking": "EXCLUSIVE", "value": 20}, {"stacking": "TYPE_EXCLUSIVE", "value": 10}, [1], "80.00"),
    ({"stacking": "EXCLUSIVE", "value": 10}, {"stacking": "TYPE_EXCLUSIVE", "value": 20}, [2], "80.00"),
    ({"stacking": "EXCLUSIVE", "value": 20}, {"stacking": "UNIVERSAL", "value": 10}, [1, 2], "72.00"),
    ({"stacking": "TYPE_EXCLUSIVE", "value": 10}, {"stacking": "TYPE_EXCLUSIVE", "value": 20}, [2], "80.00"),
    (
        {"stacking": "TYPE_EXCLUSIVE", "value": 10},
        {"stacking": "TYPE_EXCLUSIVE", "value": 20, "type": "QUANTITY"},
        [1, 2],
        "70.00",
    ),
    ({"stacking": "TYPE_EXCLUSIVE", "value": 20}, {"stacking": "UNIVERSAL", "value": 10}, [1, 2], "72.00"),
    ({"stacking": "UNIVERSAL", "value": 10}, {"stacking": "UNIVERSAL", "value": 10}, [1, 2], "80.00"),
]


@pytest.mark.parametrize(("first", "second", "ids", "expected"), PAIRS)
def test_given_two_promotions_in_one_level_when_priced_then_the_stacking_rules_pick(
    first, second, ids, expected
):
    line = price_item(item(), index(promotion(1, **first), promotion(2, **second)))
    assert applied_ids(line) == ids
    assert line.total == D(expected)


def test_given_universal_promotions_in_two_levels_when_priced_then_each_level_takes_the_previous_result():
    line = price_item(
        item(),
        index(promotion(1, stacking="UNIVERSAL", level=1), promotion(2, stacking="UNIVERSAL", level=2)),
    )
    assert line.total == D("81.00")


@pytest.mark.parametrize("stacking", ["STACKABLE", "EXCLUSIVE", "TYPE_EXCLUSIVE", "UNIVERSAL"])
def test_given_an_is_exclusive_promotion_when_priced_then_no_other_stacking_type_joins_it(stacking):
    line = price_item(
        item(), index(promotion(1, value=5, exclusive=True), promotion(2, value=30, stacking=stacking))
    )
    assert applied_ids(line) == [1] and line.total == D("95.00")


def test_given_two_is_exclusive_promotions_when_priced_then_the_larger_alone():
    line = price_item(
        item(), index(promotion(1, value=5, exclusive=True), promotion(2, value=7, exclusive=True))
    )
    assert applied_ids(line) == [2] and line.total == D("93.00")


def test_given_an_is_exclusive_promotion_that_takes_nothing_when_priced_then_the_others_apply():
    promotions = index(promotion(1, value=5, exclusive=True, min_quantity=5), promotion(2, value=30))
    assert applied_ids(price_item(item(), promotions)) == [2]


# -- discount units ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "value", "quantity", "expected"),
    [
        ("PERCENTAGE_OFF", 12.5, 3, "262.50"),
        ("PERCENTAGE_OFF", 100, 1, "0.00"),
        ("PERCENTAGE_OFF", 0, 1, "100.00"),
        ("AMOUNT_OFF", "2.5", 3, "292.50"),
        ("AMOUNT_OFF", 101, 1, "0.00"),
        ("FIXED", "79.99", 3, "239.97"),
        ("FIXED", 120, 1, "100.00"),  # not a saving: nothing applies
    ],
)
def test_given_a_discount_unit_when_an_item_is_priced_then_its_amount(unit, value, quantity, expected):
    line = price_item(item(quantity=quantity), index(promotion(1, unit=unit, value=value)))
    assert line.total == D(expected)
    assert line.total_without_discounts == D("100.00") * quantity


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [("PERCENTAGE_OFF", 10, "90.00"), ("AMOUNT_OFF", 15, "85.00"), ("FIXED", 60, "60.00")],
)
def test_given_a_cart_discount_unit_when_a_cart_is_priced_then_it_works_on_the_covered_subtotal(
    unit, value, expected
):
    cart = [item("40.00", sku="A"), item("60.00", sku="B")]
    result = price_cart(cart, index(promotion(1, type="CART", unit=unit, value=value)))
    assert sum(line.total for line in result.lines) == D(expected)


def test_given_max_discount_on_a_cart_promotion_when_priced_then_capped_over_the_cart():
    cart = [item("40.00", sku="A"), item("60.00", sku="B")]
    result = price_cart(cart, index(promotion(1, type="CART", value=50, max_discount=20)))
    assert sum(line.total for line in result.lines) == D("80.00")
    assert [d.amount for line in result.lines for d in line.discounts] == [D("8.00"), D("12.00")]


def test_given_cart_min_spend_and_min_quantity_when_priced_then_they_count_the_covered_lines():
    shoes = {"type": "CATEGORY", "operator": "IN", "values": ["shoes"]}
    promotions = index(promotion(1, type="CART", value=10, targets=[shoes], min_spend=50, min_quantity=2))
    covered = item("30.00", sku="A", quantity=2, categories=("shoes",))
    other = item("500.00", sku="B")
    result = price_cart([covered, other], promotions)
    assert [line.total for line in result.lines] == [D("54.00"), D("500.00")]
    assert price_cart([item("30.00", sku="A", categories=("shoes",)), other], promotions).lines[0].total == D(
        "30.00"
    )


def test_given_item_and_cart_promotions_when_a_cart_is_priced_then_the_cart_one_works_on_discounted_lines():
    promotions = index(promotion(1, value=50), promotion(2, type="CART", value=10))
    result = price_cart([item("100.00")], promotions)
    assert result.lines[0].total == D("45.00")


def test_given_a_clearance_line_when_a_cart_is_priced_then_cart_promotions_skip_it():
    cart = [item("100.00", sku="A", clearance="50.00"), item("100.00", sku="B")]
    result = price_cart(cart, index(promotion(1, type="CART", unit="AMOUNT_OFF", value=10)))
    assert [line.total for line in result.lines] == [D("50.00"), D("90.00")]


# -- targets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "matching", "other"),
    [
        ({"type": "SKU", "operator": "IN", "values": ["A"]}, {"sku": "A"}, {"sku": "B"}),
        ({"type": "SKU", "operator": "NOT_IN", "values": ["A"]}, {"sku": "B"}, {"sku": "A"}),
        ({"type": "COLLECTION", "operator": "IN", "values": ["summer"]}, {"collections": ("summer",)}, {}),
        (
            {"type": "ATTRIBUTE", "operator": "IN", "values": ["color:red"]},
            {"attributes": ("color:red",)},
            {"attributes": ("color:blue",)},
        ),
        ({"type": "PRICE_TYPE", "operator": "IN", "values": ["SALE"]}, {"sale": "100.00"}, {}),
        (
            {"type": "CATEGORY", "operator": "NOT_IN", "values": ["gift-cards"]},
            {},
            {"categories": ("gift-cards",)},
        ),
    ],
)
def test_given_a_target_when_priced_then_only_matching_items_are_discounted(target, matching, other):
    promotions = index(promotion(1, targets=[target]))
    assert applied_ids(price_item(item(**matching), promotions)) == [1]
    assert applied_ids(price_item(item(**other), promotions)) == []


def test_given_promotion_level_targets_when_priced_then_they_must_hold_too():
    promotions = index(
        promotion(
            1,
            promotion_targets=[{"type": "COLLECTION", "operator": "IN", "values": ["summer"]}],
            targets=[{"type": "CATEGORY", "operator": "IN", "values": ["shoes"]}],
        )
    )
    assert applied_ids(price_item(item(categories=("shoes",), collections=("summer",)), promotions)) == [1]
    assert applied_ids(price_item(item(categories=("shoes",)), promotions)) == []


def test_given_promotions_that_are_not_active_when_priced_then_they_are_ignored():
    promotions = index(
        promotion(1, starts_in_days=1),
        promotion(2, starts_in_days=-10, ends_in_days=-1),
        promotion(3, implicit=False),
    )
    assert price_item(item(), promotions).discounts == []


def test_given_no_price_when_priced_then_no_price_is_raised():
    with pytest.raises(NoPrice):
        price_item(item(None), index())


# -- coupons -------------------------------------------------------------------------------------


def test_given_coupon_codes_when_a_cart_is_priced_then_each_refusal_is_reported_with_its_reason():
    coupon = promotion(1, type="CART", unit="AMOUNT_OFF", value=10, implicit=False)
    big_spend = promotion(2, type="CART", value=10, implicit=False, min_spend=1000)
    inactive = promotion(3, type="CART", value=10, implicit=False, starts_in_days=2)
    promotions = index(coupon, big_spend, inactive)
    checks = [
        CouponCheck("GOOD", coupon.id),
        CouponCheck("GOOD-TOO", coupon.id),
        CouponCheck("NOPE", None, "the code does not exist"),
        CouponCheck("BIG", big_spend.id),
        CouponCheck("LATER", inactive.id),
    ]
    result = price_cart([item()], promotions, checks)
    assert result.lines[0].total == D("90.00")
    assert [(a.coupon_code, a.amount) for a in result.applied] == [("GOOD", D("10"))]
    assert {c.code: c.message for c in result.not_applied} == {
        "GOOD-TOO": "another code of this coupon is already applied",
        "NOPE": "the code does not exist",
        "BIG": "the cart does not meet the coupon's conditions",
        "LATER": "the coupon is not active",
    }


def test_given_a_product_coupon_when_its_code_is_given_then_it_discounts_items():
    coupon = promotion(1, value=20, implicit=False)
    result = price_cart([item()], index(coupon), [CouponCheck("P20", coupon.id)])
    assert result.lines[0].total == D("80.00") and result.lines[0].discounts[0].coupon_code == "P20"


# -- money ---------------------------------------------------------------------------------------


def test_minor_units_follow_iso_4217():
    assert (minor_unit("USD"), minor_unit("JPY"), minor_unit("KWD")) == (D("0.01"), D("1"), D("0.001"))
    assert to_minor_unit(D("2.675"), "USD") == D("2.68") and to_minor_unit(D("2.665"), "USD") == D("2.66")


def test_prorate_adds_up_exactly():
    shares = prorate(D("100.00"), [D("1"), D("1"), D("1")], "USD")
    assert shares == [D("33.34"), D("33.33"), D("33.33")] and sum(shares) == D("100.00")
    assert prorate(D("5"), [D("0"), D("0")], "USD") == [D("5"), D("0")]


# -- the index ------------------------------------------------------------------------------------


def test_given_promotions_filed_by_target_when_an_item_asks_then_it_gets_only_its_own_and_global_ones():
    per_sku = [
        promotion(n, targets=[{"type": "SKU", "operator": "IN", "values": [f"S{n}"]}]) for n in range(1, 1001)
    ]
    everywhere = promotion(5000, targets=[{"type": "SKU", "operator": "NOT_IN", "values": ["S1"]}])
    promotions = index(*per_sku, everywhere)
    assert [p.promo_id for p in promotions.candidates(item(sku="S7"))] == [7, 5000]


def test_given_random_promotions_when_priced_through_the_index_then_the_same_as_testing_every_promotion():
    rng = random.Random(12)
    kinds = [
        ("SKU", [f"S{n}" for n in range(20)]),
        ("CATEGORY", ["c1", "c2", "c3"]),
        ("COLLECTION", ["k1", "k2"]),
    ]
    promotions = []
    for n in range(1, 301):
        kind, values = rng.choice(kinds)
        promotions.append(
            promotion(
                n,
                value=rng.choice([5, 10, 15]),
                unit=rng.choice(["PERCENTAGE_OFF", "AMOUNT_OFF"]),
                level=rng.randint(0, 3),
                stacking=rng.choice(["STACKABLE", "EXCLUSIVE", "TYPE_EXCLUSIVE", "UNIVERSAL"]),
                type=rng.choice(["PRODUCT", "QUANTITY"]),
                targets=[
                    {"type": kind, "operator": rng.choice(["IN", "NOT_IN"]), "values": rng.sample(values, 2)}
                ],
            )
        )
    indexed = index(*promotions)

    naive = ExhaustiveIndex(indexed.promotions)
    for n in range(20):
        sample = item(
            "250.00", sku=f"S{n}", categories=(rng.choice(["c1", "c2", "c3"]),), collections=("k1",)
        )
        fast, slow = price_item(sample, indexed), price_item(sample, naive)
        assert (fast.total, applied_ids(fast)) == (slow.total, applied_ids(slow))


def test_given_promotions_the_filing_does_not_fully_prove_when_priced_then_the_same_as_testing_every_one():
    # The index files a one-discount promotion under one positive target and checks only the
    # rest (other targets, NOT_IN, price lists) per item; several discounts are checked in full.
    rng = random.Random(21)
    values = {
        "SKU": [f"S{n}" for n in range(8)],
        "CATEGORY": ["c1", "c2", "c3"],
        "COLLECTION": ["k1", "k2"],
        "ATTRIBUTE": ["color:red", "color:blue"],
    }

    def target() -> dict:
        kind = rng.choice(sorted(values))
        operator = rng.choice(["IN", "IN", "NOT_IN"])
        return {"type": kind, "operator": operator, "values": rng.sample(values[kind], 2)}

    promotions = []
    for n in range(1, 301):
        record = promotion(
            n,
            value=rng.choice([5, 10, 15]),
            unit=rng.choice(["PERCENTAGE_OFF", "AMOUNT_OFF", "FIXED"]),
            level=rng.randint(0, 3),
            stacking=rng.choice(["STACKABLE", "EXCLUSIVE", "TYPE_EXCLUSIVE", "UNIVERSAL"]),
            type=rng.choice(["PRODUCT", "QUANTITY", "CART"]),
            exclusive=rng.random() < 0.03,
            implicit=rng.random() < 0.8,
            targets=[target() for _ in range(rng.randint(0, 2))],
            promotion_targets=[target() for _ in range(rng.randint(0, 1))],
            price_lists=rng.choice([None, None, [1000001], [1000002]]),
        )
        if rng.random() < 0.2:  # a second discount, with its own targets
            extra = {"unit": "PERCENTAGE_OFF", "value": 3, "targets": [target()]}
            record = record.model_validate(
                {
                    **record.model_dump(by_alias=True),
                    "discounts": [*record.model_dump(by_alias=True)["discounts"], extra],
                }
            )
        promotions.append(record)
    indexed = index(*promotions)
    naive = ExhaustiveIndex(indexed.promotions)
    coupons = [CouponCheck(f"C{p.promo_id}", p.id) for p in promotions if not p.is_implicit][:10]
    for n in range(40):
        sample = item(
            "80.00",
            sku=f"S{n % 8}",
            quantity=rng.randint(1, 3),
            price_list_id=rng.choice([1000001, 1000002]),
            categories=tuple(rng.sample(values["CATEGORY"], rng.randint(0, 2))),
            collections=tuple(rng.sample(values["COLLECTION"], rng.randint(0, 1))),
            attributes=tuple(rng.sample(values["ATTRIBUTE"], rng.randint(0, 1))),
        )
        fast, slow = price_item(sample, indexed), price_item(sample, naive)
        assert (fast.total, applied_ids(fast)) == (slow.total, applied_ids(slow))
        cart_fast, cart_slow = price_cart([sample], indexed, coupons), price_cart([sample], naive, coupons)
        assert [(line.total, applied_ids(line)) for line in cart_fast.lines] == [
            (line.total, applied_ids(line)) for line in cart_slow.lines
        ]


def test_a_stored_price_item_gives_the_engine_what_its_record_gives():
    now = datetime.now(UTC)
    offer = {
        "startAt": now - timedelta(days=1),
        "price": {"base": "19.99", "sale": "15.50", "cost": 7},
        "priceRange": {
            "priceMethodType": "QUANTITY_PRICING",
            "ranges": [{"minQuantity": 5, "price": "14.25"}],
        },
    }
    later = {"startAt": now + timedelta(days=1), "endAt": now + timedelta(days=2), "price": {"base": 1}}
    record = PriceRecord.model_validate(
        {
            "priceListId": 1000001,
            "itemId": 7,
            "itemSku": "S-7",
            "currency": "USD",
            "offers": [offer, later],
            "categories": ["shoes"],
            "collections": ["summer"],
            "attributes": [{"name": "color", "value": "red"}],
            "createdAt": now,
            "updatedAt": now,
        }
    )
    stored = from_item(to_item(price_items("t" * 24, record)[0]))  # as DynamoDB gives it back
    for quantity in (1, 6):
        found = priced_stored_item(stored, quantity, format_timestamp(now))
        assert found is not None and found[0] == priced_item(record, quantity, now)
    assert priced_stored_item(stored, 1, format_timestamp(now - timedelta(days=2))) is None
