"""Search filters -> typed conditions, and the fabric error each bad filter gets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from offers.errors import InvalidInput
from offers.models.search import Condition, FilterOperator, RawFilter, SearchField, SearchQuery, SortField
from offers.models.search_v2 import V2_FIELDS, V2PromoSearchRequest
from offers.models.search_v3 import V3_FIELDS, PromotionSearchRequest

EQUAL, IN = FilterOperator.EQUAL, FilterOperator.IN
GTE, LT = FilterOperator.GREATER_THAN_OR_EQUAL_TO, FilterOperator.LESS_THAN


def v3(*filters: dict, **body) -> SearchQuery:
    return PromotionSearchRequest.model_validate({"filters": list(filters), **body}).to_query()


def v2(*filters: dict, **body) -> SearchQuery:
    return V2PromoSearchRequest.model_validate({"filters": list(filters), **body}).to_query()


def refused(build, *args, **kwargs) -> tuple[str, str, str]:
    with pytest.raises(InvalidInput) as caught:
        build(*args, **kwargs)
    error = caught.value
    return error.code, error.problems[0].field, error.problems[0].message


def test_given_v2_and_v3_filters_for_the_same_thing_then_the_same_conditions():
    same = [
        (
            {"field": "status", "operator": "IN", "value": ["ACTIVE", "SCHEDULED"]},
            {"field": "state", "operator": "IN", "value": "ACTIVE, SCHEDULED"},
        ),
        (
            {"field": "level", "operator": "GREATER_THAN_OR_EQUAL_TO", "value": 2},
            {"field": "level", "operator": "GREATER_THAN_OR_EQUAL_TO", "value": "2"},
        ),
        (
            {"field": "isImplicit", "operator": "EQUAL", "value": False},
            {"field": "isImplicit", "operator": "EQUAL", "value": "false"},
        ),
        (
            {"field": "eligiblePriceLists", "operator": "IN", "value": [7, 8]},
            {"field": "eligiblePriceList", "operator": "IN", "value": "7,8"},
        ),
        (
            {"field": "startAt", "operator": "LESS_THAN", "value": "2026-11-27T00:00:00Z"},
            {"field": "startDate", "operator": "LESS_THAN", "value": "2026-11-27T00:00:00.000Z"},
        ),
        (
            {"field": "name", "operator": "EQUAL", "value": "Black, Friday"},  # one value, comma and all
            {"field": "title", "operator": "EQUAL", "value": "Black, Friday"},
        ),
    ]
    for v3_filter, v2_filter in same:
        assert v3(v3_filter).conditions == v2(v2_filter).conditions


def test_given_values_when_parsed_then_typed_deduplicated_and_times_rounded_up_to_the_millisecond():
    query = v3(
        {"field": "promoId", "operator": "IN", "value": ["100001", 100001, 100002.0]},
        {
            "field": "updatedAt",
            "operator": "GREATER_THAN_OR_EQUAL_TO",
            "value": "2026-01-01T10:00:00.0001+02:00",
        },
        {"field": "endAt", "operator": "LESS_THAN", "value": "2026-01-01"},
    )
    assert query.conditions == (
        Condition(SearchField.PROMO_ID, IN, (100001, 100002)),
        Condition(SearchField.UPDATED_AT, GTE, (datetime(2026, 1, 1, 8, 0, 0, 1000, tzinfo=UTC),)),
        Condition(SearchField.END_AT, LT, (datetime(2026, 1, 1, tzinfo=UTC),)),
    )


def test_given_sorts_when_parsed_then_order_and_direction():
    assert (v3(sort="name").order, v3(sort="name").descending) == (SortField.NAME, False)
    assert (v3(sort="-endAt").order, v3(sort="-endAt").descending) == (SortField.END_AT, True)
    assert (v3().order, v3().descending) == (SortField.UPDATED_AT, True)
    assert (v2(sort="+title").order, v2(sort="+title").descending) == (SortField.NAME, False)
    assert (v2(sort="-startDate").order, v2().order) == (SortField.START_AT, SortField.UPDATED_AT)


def test_the_dialects_name_every_canonical_field():
    assert set(V2_FIELDS.values()) == set(SearchField) == set(V3_FIELDS.values())


@pytest.mark.parametrize(
    ("raw", "code", "part", "fragment"),
    [
        (
            RawFilter("title", EQUAL, ["x"]),
            "INVALID_SEARCH_FILTER_FIELD",
            "field",
            "'title' is not a searchable",
        ),
        (RawFilter("name", GTE, ["x"]), "INVALID_FILTER_OPERATOR", "operator", "use EQUAL, IN"),
        (RawFilter("isImplicit", IN, [True]), "INVALID_FILTER_OPERATOR", "operator", "use EQUAL"),
        (RawFilter("startAt", EQUAL, ["2026-01-01"]), "INVALID_FILTER_OPERATOR", "operator", "GREATER_THAN"),
        (RawFilter("status", EQUAL, ["LIVE"]), "INVALID_PROMO_STATE", "value", "'LIVE' is not one of ACTIVE"),
        (RawFilter("status", IN, ["ACTIVE", "active"]), "INVALID_PROMO_STATE", "value", "'active'"),
        (RawFilter("startAt", GTE, ["yesterday"]), "REQUEST_VALIDATION", "value", "not an ISO 8601"),
        (RawFilter("startAt", GTE, [20260101]), "REQUEST_VALIDATION", "value", "must be a string"),
        (RawFilter("promoId", EQUAL, ["12a"]), "REQUEST_VALIDATION", "value", "whole number"),
        (RawFilter("promoId", EQUAL, [True]), "REQUEST_VALIDATION", "value", "whole number"),
        (RawFilter("level", EQUAL, [6]), "REQUEST_VALIDATION", "value", "between 0 and 5"),
        (RawFilter("level", EQUAL, [1.5]), "REQUEST_VALIDATION", "value", "whole number"),
        (RawFilter("isExclusive", EQUAL, ["yes"]), "REQUEST_VALIDATION", "value", "true or false"),
        (RawFilter("type", IN, ["PRODUCT", "BOGUS"]), "REQUEST_VALIDATION", "value", "'BOGUS' is not one of"),
        (RawFilter("stackingType", EQUAL, ["stackable"]), "REQUEST_VALIDATION", "value", "is not one of"),
        (RawFilter("id", EQUAL, ["123"]), "REQUEST_VALIDATION", "value", "not a promotion id"),
        (RawFilter("eligiblePriceLists", EQUAL, [0]), "REQUEST_VALIDATION", "value", "between 1 and"),
        (RawFilter("couponCode", IN, ["A", " "]), "REQUEST_VALIDATION", "value", "must not be empty"),
        (RawFilter("couponCode", IN, [f"C{i}" for i in range(11)]), "REQUEST_VALIDATION", "value", "1 to 10"),
        (RawFilter("couponCode", EQUAL, ["A"], is_list=True), "REQUEST_VALIDATION", "value", "single value"),
    ],
)
def test_given_a_bad_filter_then_its_error_type_and_the_part_named(raw, code, part, fragment):
    from offers.models.search import conditions

    error_code, field, message = refused(conditions, [RawFilter("level", EQUAL, [1]), raw], V3_FIELDS)
    assert (error_code, field) == (code, f"filters[1].{part}")
    assert fragment in message


def test_given_an_offset_past_the_window_then_refused_naming_offset():
    assert refused(v3, offset=9_991, size=10) == (
        "REQUEST_VALIDATION",
        "offset",
        "offset + size must be at most 10000; narrow the filters instead",
    )
    assert refused(v2, offset=9_995, limit=10)[1:] == (
        "offset",
        "offset + limit must be at most 10000; narrow the filters instead",
    )
    assert v3(offset=9_990, size=10).offset == 9_990


def test_given_in_with_a_single_v3_value_then_a_list_of_one():
    assert v3({"field": "level", "operator": "IN", "value": 2}).conditions == (
        Condition(SearchField.LEVEL, IN, (2,)),
    )
