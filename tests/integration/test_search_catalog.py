"""Promotion search over one fixed catalog (see tests/support/search.py), in both dialects:
every operator on every field type, combinations, every sort both ways.

The catalog is stored once for the module (these tests only read); each test runs in fabric
v3 (POST /promotions/search) and in fabric v2 (POST /api-offers/promo/search), the filter
translated to the dialect's field names and value form.
"""

from __future__ import annotations

import pytest

from local.stack import LocalStack
from tests.support.client import ApiClient
from tests.support.search import Searcher, create_catalog, dialect_sort, filters, newest_first


@pytest.fixture(scope="module")
def catalog_api(module_stack: LocalStack) -> ApiClient:
    assert module_stack.gateway is not None
    return ApiClient(module_stack.gateway.handle, module_stack.token)


@pytest.fixture(scope="module")
def catalog(catalog_api: ApiClient) -> dict:
    return create_catalog(catalog_api)


@pytest.fixture(params=["v3", "v2"])
def searcher(catalog_api: ApiClient, catalog: dict, request) -> Searcher:
    return Searcher(catalog_api, catalog, request.param)


# -- every operator on every field ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "operator", "value", "expected"),
    [
        ("id", "EQUAL", "@B.id", "B"),
        ("id", "IN", ["@A.id", "@F.id"], "AF"),
        ("promoId", "EQUAL", "@C.promoId", "C"),
        ("promoId", "IN", ["@A.promoId", "@E.promoId"], "AE"),
        ("promoId", "GREATER_THAN_OR_EQUAL_TO", "@E.promoId", "EF"),
        ("promoId", "LESS_THAN", "@B.promoId", "A"),
        ("couponCode", "EQUAL", "SPRING10", "E"),
        ("couponCode", "IN", ["NO-SUCH-CODE", "SPRING20"], "E"),
        ("couponCode", "EQUAL", "NO-SUCH-CODE", ""),
        ("status", "EQUAL", "ACTIVE", "BDF"),
        ("status", "EQUAL", "SCHEDULED", "C"),
        ("status", "EQUAL", "EXPIRED", "A"),
        ("status", "EQUAL", "DISABLED", "E"),
        ("status", "IN", ["SCHEDULED", "EXPIRED"], "AC"),
        ("status", "IN", ["ACTIVE", "SCHEDULED"], "BCDF"),
        ("status", "IN", ["ACTIVE", "EXPIRED"], "ABDF"),
        ("status", "IN", ["ACTIVE", "DISABLED"], "BDEF"),
        ("status", "IN", ["EXPIRED", "DISABLED"], "AE"),
        ("status", "IN", ["ACTIVE", "SCHEDULED", "EXPIRED", "DISABLED"], "ABCDEF"),
        ("name", "EQUAL", "black friday", "AB"),  # case-insensitive, whitespace-normalised
        ("name", "EQUAL", "BLACK    Friday", "AB"),
        ("name", "EQUAL", "Black", ""),  # a whole name, not a prefix
        ("name", "IN", ["cyber monday", "SUMMER"], "CF"),
        ("type", "EQUAL", "PRODUCT", "AE"),
        ("type", "IN", ["CART", "SHIPPING"], "BC"),
        ("startAt", "GREATER_THAN_OR_EQUAL_TO", "days:0", "C"),
        ("startAt", "LESS_THAN", "days:-5", "AD"),
        ("endAt", "GREATER_THAN_OR_EQUAL_TO", "days:4.5", "BDE"),  # D has no end: after any date
        ("endAt", "LESS_THAN", "days:2", "AF"),  # ... and never before one
        ("updatedAt", "GREATER_THAN_OR_EQUAL_TO", "@C.updatedAt", "CDEF"),
        ("updatedAt", "LESS_THAN", "@C.updatedAt", "AB"),
        ("level", "EQUAL", 3, "C"),
        ("level", "IN", [0, 5], "DE"),
        ("level", "GREATER_THAN_OR_EQUAL_TO", 4, "EF"),
        ("level", "LESS_THAN", 2, "AD"),
        ("stackingType", "EQUAL", "STACKABLE", "AEF"),
        ("stackingType", "IN", ["EXCLUSIVE", "UNIVERSAL"], "BC"),
        ("isImplicit", "EQUAL", False, "E"),
        ("isImplicit", "EQUAL", True, "ABCDF"),
        ("isExclusive", "EQUAL", True, "BF"),
        ("eligiblePriceLists", "EQUAL", 2, "AB"),  # contains
        ("eligiblePriceLists", "IN", [3, 4, 5], "BCF"),  # contains any
        ("eligiblePriceLists", "IN", [99], ""),
    ],
)
def test_given_the_catalog_when_filtering_one_field_then_exactly_the_matches_newest_first(
    searcher: Searcher, field, operator, value, expected
):
    body = {"filters": filters(searcher, (field, operator, value))}
    assert searcher.labels(body) == newest_first(expected)


# -- combinations (ANDed) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        (  # a date range: two filters on one field
            [("startAt", "GREATER_THAN_OR_EQUAL_TO", "days:-15"), ("startAt", "LESS_THAN", "days:-2.5")],
            "AF",
        ),
        (
            [("status", "IN", ["ACTIVE", "SCHEDULED"]), ("type", "IN", ["CART", "SHIPPING", "BUYGET"])],
            "BCF",
        ),
        ([("status", "IN", ["ACTIVE", "SCHEDULED"]), ("isExclusive", "EQUAL", True)], "BF"),
        ([("status", "EQUAL", "ACTIVE"), ("endAt", "GREATER_THAN_OR_EQUAL_TO", "days:0")], "BDF"),
        ([("status", "EQUAL", "EXPIRED"), ("endAt", "LESS_THAN", "days:-4")], "A"),
        ([("status", "EQUAL", "SCHEDULED"), ("startAt", "LESS_THAN", "days:3.5")], "C"),
        ([("status", "IN", ["SCHEDULED", "EXPIRED"]), ("level", "GREATER_THAN_OR_EQUAL_TO", 2)], "C"),
        ([("status", "EQUAL", "DISABLED"), ("name", "EQUAL", "spring COUPON")], "E"),
        ([("name", "EQUAL", "Black Friday"), ("status", "EQUAL", "ACTIVE")], "B"),
        (
            [
                ("level", "GREATER_THAN_OR_EQUAL_TO", 1),
                ("level", "LESS_THAN", 4),
                ("eligiblePriceLists", "IN", [2, 4]),
            ],
            "ABC",
        ),
        ([("eligiblePriceLists", "EQUAL", 1), ("eligiblePriceLists", "EQUAL", 2)], "A"),
        ([("couponCode", "EQUAL", "SPRING10"), ("couponCode", "EQUAL", "SPRING20")], "E"),
        ([("couponCode", "EQUAL", "SPRING10"), ("status", "EQUAL", "ACTIVE")], ""),
        ([("id", "IN", ["@A.id", "@B.id"]), ("status", "EQUAL", "ACTIVE")], "B"),
        (
            [
                ("promoId", "GREATER_THAN_OR_EQUAL_TO", "@B.promoId"),
                ("promoId", "LESS_THAN", "@E.promoId"),
            ],
            "BCD",
        ),
        ([("isImplicit", "EQUAL", True), ("isExclusive", "EQUAL", False), ("type", "EQUAL", "PRODUCT")], "A"),
        ([("level", "EQUAL", 1), ("level", "EQUAL", 2)], ""),  # contradictory
        ([("updatedAt", "GREATER_THAN_OR_EQUAL_TO", "@B.updatedAt"), ("level", "IN", [1, 2, 3])], "BC"),
    ],
)
def test_given_several_filters_when_searching_then_all_of_them_hold(searcher: Searcher, conditions, expected):
    assert searcher.labels({"filters": filters(searcher, *conditions)}) == newest_first(expected)


# -- sorting --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("+updatedAt", "ABCDEF"),
        ("-updatedAt", "FEDCBA"),
        ("+startAt", "DAFEBC"),
        ("-startAt", "CBEFAD"),
        ("+endAt", "AFCBED"),  # D has no end: last ascending ...
        ("-endAt", "DEBCFA"),  # ... first descending
        ("+level", "DABCFE"),
        ("-level", "EFCBAD"),
    ],
)
def test_given_the_catalog_when_sorting_then_that_order(searcher: Searcher, sort, expected):
    assert searcher.labels({"sort": dialect_sort(searcher.dialect, sort)}) == list(expected)


def test_given_names_differing_in_case_when_sorting_by_name_then_case_is_ignored_and_ties_go_by_id(
    searcher: Searcher, catalog: dict
):
    black_fridays = sorted("AB", key=lambda label: catalog[label]["id"])  # same name but for case
    ascending = [*black_fridays, "D", "C", "E", "F"]  # black friday, clearance, cyber, spring, summer
    assert searcher.labels({"sort": dialect_sort(searcher.dialect, "+name")}) == ascending
    assert searcher.labels({"sort": dialect_sort(searcher.dialect, "-name")}) == ascending[::-1]
