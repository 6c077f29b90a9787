"""CALCULATED_PRICE exports (seed 000) end to end: API -> Step Functions -> segment tasks ->
CSV in S3 -> download; the CSV's prices are checked against a computation done here."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from tests.integration.test_exports_api import download, tuned  # noqa: F401 - fixture
from tests.support.client import ApiClient
from tests.support.factories import days_from_now, promotion_body, wait_until

COLUMNS = [
    "SKU",
    "Price list ID",
    "Cost",
    "Sale price",
    "Base price",
    "Price Start Date",
    "Price End Date",
    "Calculated price",
    "Promotion IDs",
    "Promotion message: PDP",
    "Promotion message: PLP",
]


def export(api: ApiClient, filters: list | None = None) -> dict:
    response = api.post("/offers-exports", {"type": "CALCULATED_PRICE", "filters": filters or []})
    assert response.status == 201, response.body
    created = response.json()
    assert created["status"] == "IN_PROGRESS" and created["type"] == "CALCULATED_PRICE"

    def finished() -> dict | None:
        current = api.get(f"/offers-exports/{created['exportId']}").json()
        return None if current["status"] == "IN_PROGRESS" else current

    return wait_until(finished, timeout=180)


def price_list(api: ApiClient, *, default: bool) -> int:
    response = api.post("/price-lists", {"name": "L", "isDefault": default, "currency": "USD"})
    return response.json()["id"]


def put_price(
    api: ApiClient, list_id: int, item_id: int, sku: str, price: dict, *, categories=("shoes",)
) -> None:
    offer = {"startAt": days_from_now(-2), "endAt": days_from_now(20), "price": price}
    body = {
        "priceListId": list_id,
        "itemId": item_id,
        "itemSku": sku,
        "offers": [offer],
        "categories": list(categories),
    }
    assert api.post("/prices", body).status == 201


def promotion(api: ApiClient, unit: str, value, targets: list, **fields) -> str:
    body = promotion_body(
        discounts=[{"unit": unit, "value": value, "targets": targets}],
        eligiblePriceLists=[],
        limits=[],
        **fields,
    )
    response = api.post("/promotions", body)
    assert response.status == 201, response.body
    return response.json()["id"]


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def expected_price(unit_price: str, rules: list[tuple[int, str, Decimal]]) -> Decimal:
    """Independent arithmetic for stackable promotions: per level, every discount on the level's
    base, rounded half-even to cents, never below zero."""
    price = Decimal(unit_price)
    for level in sorted({level for level, _, _ in rules}):
        base, off = price, Decimal(0)
        for rule_level, unit, value in rules:
            if rule_level == level:
                off += cents(base * value / 100) if unit == "PERCENTAGE_OFF" else value
        price = max(Decimal(0), base - off)
    return price


def test_given_seed_000s_request_with_calculated_price_then_the_csv_prices_equal_an_independent_computation(
    api: ApiClient, stack
):
    default_list = price_list(api, default=True)
    other_list = price_list(api, default=False)
    put_price(api, default_list, 1, "SHOE-1", {"base": 99.99, "cost": 40})
    put_price(api, default_list, 2, "SHOE-2", {"base": 50, "sale": 44.45})
    put_price(api, default_list, 3, "CLEAR-3", {"base": 80, "clearance": 30})
    put_price(api, default_list, 4, "HAT-4", {"base": 12.5}, categories=("hats",))
    put_price(api, other_list, 1, "SHOE-1", {"base": 120})
    shoes = [{"type": "CATEGORY", "operator": "IN", "values": ["shoes"]}]
    pdp = [
        {"title": "t", "message": "Shoe week", "pages": ["PDP"]},
        {"message": "Shoes -15%", "pages": ["PLP"]},
    ]
    shoe_week = promotion(api, "PERCENTAGE_OFF", 15, shoes, level=1, promotionMessages=pdp)
    extra = promotion(
        api, "AMOUNT_OFF", 2, [{"type": "SKU", "operator": "IN", "values": ["SHOE-1", "HAT-4"]}], level=2
    )
    promotion(api, "PERCENTAGE_OFF", 90, shoes, startAt=days_from_now(3), endAt=days_from_now(4))

    done = export(api)
    assert done["status"] == "COMPLETED", done
    rows = download(api, stack, done["exportId"])
    assert rows[0] == COLUMNS
    by_sku = {row[0]: row for row in rows[1:]}
    assert sorted(by_sku) == ["CLEAR-3", "HAT-4", "SHOE-1", "SHOE-2"]  # the default list only
    assert done["totalDataExported"] == 4
    expected = {
        "SHOE-1": expected_price(
            "99.99", [(1, "PERCENTAGE_OFF", Decimal(15)), (2, "AMOUNT_OFF", Decimal(2))]
        ),
        "SHOE-2": expected_price("44.45", [(1, "PERCENTAGE_OFF", Decimal(15))]),
        "CLEAR-3": Decimal("30.00"),
        "HAT-4": expected_price("12.50", [(2, "AMOUNT_OFF", Decimal(2))]),
    }
    assert {sku: Decimal(row[7]) for sku, row in by_sku.items()} == expected
    shoe = by_sku["SHOE-1"]
    assert shoe[1:5] == [str(default_list), "40.00", "", "99.99"]
    assert shoe[8] == f"{shoe_week}|{extra}" and shoe[9] == "Shoe week" and shoe[10] == "Shoes -15%"
    assert by_sku["SHOE-2"][3] == "44.45" and by_sku["CLEAR-3"][8] == ""

    both = export(api, [{"field": "priceListIds", "operator": "IN", "value": [default_list, other_list]}])
    listed = [(row[0], row[1]) for row in download(api, stack, both["exportId"])[1:]]
    assert ("SHOE-1", str(other_list)) in listed and len(listed) == 5
    other_shoe = next(row for row in download(api, stack, both["exportId"])[1:] if row[1] == str(other_list))
    assert Decimal(other_shoe[7]) == expected_price(
        "120", [(1, "PERCENTAGE_OFF", Decimal(15)), (2, "AMOUNT_OFF", Decimal(2))]
    )

    sale_only = export(api, [{"field": "priceType", "operator": "EQUAL", "value": "SALE"}])
    assert [row[0] for row in download(api, stack, sale_only["exportId"])[1:]] == ["SHOE-2"]

    later = export(api, [{"field": "calculationTime", "operator": "EQUAL", "value": days_from_now(3.5)}])
    later_rows = {row[0]: row for row in download(api, stack, later["exportId"])[1:]}
    assert Decimal(later_rows["SHOE-2"][7]) == expected_price(
        "44.45", [(1, "PERCENTAGE_OFF", Decimal(15)), (1, "PERCENTAGE_OFF", Decimal(90))]
    )


def test_given_many_items_when_exported_then_segments_run_in_parallel_and_every_sku_is_there_once(
    api: ApiClient,
    stack,
    tuned,  # noqa: F811 - the fixture
):
    tuned(EXPORT_SEGMENT_ROWS=100, EXPORT_SAMPLE_SIZE=10)
    list_id = price_list(api, default=True)
    batch = [
        {
            "priceListId": list_id,
            "itemId": n,
            "itemSku": f"S{n:04d}",
            "offers": [{"startAt": days_from_now(-1), "price": {"base": n}}],
        }
        for n in range(1, 351)
    ]
    for start in range(0, len(batch), 100):
        assert api.post("/prices/batch", {"data": batch[start : start + 100]}).status == 201
    done = export(api)
    assert done["status"] == "COMPLETED", done
    assert done["progress"]["segmentsTotal"] >= 3
    rows = download(api, stack, done["exportId"])[1:]
    assert sorted(row[0] for row in rows) == [f"S{n:04d}" for n in range(1, 351)]
    assert all(Decimal(row[7]) == Decimal(row[4]) for row in rows)


@pytest.mark.parametrize(
    ("filters", "error_type", "field"),
    [
        (
            [{"field": "priceType", "operator": "EQUAL", "value": "CLEARANCE"}],
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            [{"field": "priceType", "operator": "IN", "value": ["SALE"]}],
            "INVALID_FILTER_OPERATOR",
            "filters[0].operator",
        ),
        (
            [{"field": "priceListIds", "operator": "IN", "value": ["x"]}],
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        (
            [{"field": "calculationTime", "operator": "EQUAL", "value": "soon"}],
            "REQUEST_VALIDATION",
            "filters[0].value",
        ),
        ([{"field": "sku", "operator": "EQUAL", "value": "A"}], "INVALID_FILTER_FIELD", "filters[0].field"),
    ],
)
def test_given_bad_calculated_price_filters_then_400_naming_the_field(
    api: ApiClient, filters, error_type, field
):
    response = api.post("/offers-exports", {"type": "CALCULATED_PRICE", "filters": filters})
    assert response.status == 400
    assert response.json()["type"] == error_type and response.json()["details"][0]["field"] == field


def test_given_an_unknown_price_list_when_exported_then_error_with_a_readable_reason(api: ApiClient):
    done = export(api, [{"field": "priceListIds", "operator": "IN", "value": [4242]}])
    assert done["status"] == "ERROR" and "4242" in done["errors"][0]["message"]
