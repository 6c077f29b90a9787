"""Voucherify filter operators -> filter expressions, index choices and checks on read; and
the checks' own meaning (the same as the expressions they stand in for)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from offers.clock import parse_timestamp
from offers.errors import InvalidInput
from offers.services.export_sources.checks import Check, holds, predicate
from offers.services.voucherify_filters import compile_filters
from offers.services.voucherify_vocabularies import CUSTOMERS, REDEMPTIONS, VOUCHERS


def where(spec) -> tuple[str, dict, dict]:
    assert spec.where is not None
    return spec.where.expression, spec.where.names, spec.where.values


@pytest.mark.parametrize(
    ("conditions", "expression", "values"),
    [
        ({"$contains": "ann"}, "contains(#w0, :w0)", {":w0": "ann"}),
        ({"$not_contain": ["ann"]}, "NOT contains(#w0, :w0)", {":w0": "ann"}),
        ({"$starts_with": "An"}, "begins_with(#w0, :w0)", {":w0": "An"}),
        ({"$is_not": "Ann"}, "NOT (#w0 IN (:w0))", {":w0": "Ann"}),
        ({"$not_in": ["a", "b"]}, "NOT (#w0 IN (:w0, :w1))", {":w0": "a", ":w1": "b"}),
        ({"$has_value": ""}, "attribute_exists(#w0)", {}),
        ({"$is_unknown": ""}, "attribute_not_exists(#w0)", {}),
    ],
)
def test_given_a_string_operator_then_its_filter_expression(conditions, expression, values):
    spec = compile_filters(CUSTOMERS, {"name": {"conditions": conditions}})

    assert where(spec) == (expression, {"#w0": "name"}, values)


def test_given_numbers_nested_fields_and_metadata_then_paths_and_typed_values():
    spec = compile_filters(
        CUSTOMERS,
        {
            "redemptions_total_redeemed": {"conditions": {"$more_than": 2, "$less_than_equal": 10}},
            "address_city": {"conditions": {"$is": "Oslo"}},
            "metadata.tier": {"conditions": {"$in": ["gold", 3, True]}},
        },
    )

    expression, names, values = where(spec)
    # a count is absent until first moved: a condition 0 meets (<= 10) takes those items too
    assert expression == (
        "(#w0 > :w0) AND (attribute_not_exists(#w2) OR (#w1 <= :w1))"
        " AND (#w3.#w4 IN (:w2)) AND (#w5.#w6 IN (:w3, :w4, :w5))"
    )
    assert names == {
        "#w0": "redemptionsTotalRedeemed",
        "#w1": "redemptionsTotalRedeemed",
        "#w2": "redemptionsTotalRedeemed",
        "#w3": "address",
        "#w4": "city",
        "#w5": "metadata",
        "#w6": "tier",
    }
    assert values == {":w0": 2, ":w1": 10, ":w2": "Oslo", ":w3": "gold", ":w4": 3, ":w5": True}


def test_given_ends_with_then_it_is_checked_on_read_and_the_rest_still_filters_in_dynamodb():
    spec = compile_filters(
        REDEMPTIONS,
        {"voucher_code": {"conditions": {"$ends_with": "-1"}}, "order_id": {"conditions": {"$is": "o-1"}}},
    )

    assert spec.checks == [Check(path=["couponCode"], kind="string", operator="$ends_with", values=["-1"])]
    assert spec.any_check is False and spec.equal == {"orderId": "o-1"}


def test_given_an_or_with_a_condition_checked_on_read_then_every_condition_is_checked_on_read():
    spec = compile_filters(
        VOUCHERS,
        {
            "junction": "or",
            "metadata.season": {"conditions": {"$is": "spring"}},
            "code": {"conditions": {"$is": "A-1"}},
        },
    )

    assert spec.where is None and spec.equal == {} and spec.any_check is True
    assert [(c.path, c.operator) for c in spec.checks] == [(["coupon", "season"], "$is"), (["code"], "$is")]


def test_given_relative_days_then_they_bound_the_window_from_now():
    now = datetime.now(UTC)
    spec = compile_filters(
        CUSTOMERS,
        {"created_at": {"conditions": {"$less_than_ago": 7, "$more_than_ago": 1}}},
    )

    lower, upper = spec.window("createdAt")
    assert abs(parse_timestamp(lower) - (now - timedelta(days=7))) < timedelta(seconds=5)
    assert abs(parse_timestamp(upper) - (now - timedelta(days=1))) < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (
            {"name": {"conditions": {"$after": "2026-01-01T00:00:00Z"}}},
            "parameters.filters.name.conditions.$after",
        ),
        ({"name": {"conditions": {"$sounds_like": "x"}}}, "parameters.filters.name.conditions.$sounds_like"),
        (
            {"created_at": {"conditions": {"$starts_with": "x"}}},
            "parameters.filters.created_at.conditions.$starts_with",
        ),
        (
            {"redemptions_total_failed": {"conditions": {"$more_than": "2"}}},
            "parameters.filters.redemptions_total_failed.conditions.$more_than",
        ),
        (
            {"metadata.tier": {"conditions": {"$more_than": "gold"}}},
            "parameters.filters.metadata.tier.conditions.$more_than",
        ),
        ({"metadata.": {"conditions": {"$is": "x"}}}, "parameters.filters.metadata."),
        ({"name": {"conditions": {"$contains": ["a", "b"]}}}, "parameters.filters.name.conditions.$contains"),
        (
            {"created_at": {"conditions": {"$more_than_ago": -1}}},
            "parameters.filters.created_at.conditions.$more_than_ago",
        ),
    ],
)
def test_given_an_operator_that_does_not_fit_the_field_then_400_naming_it(filters, field):
    with pytest.raises(InvalidInput) as error:
        compile_filters(CUSTOMERS, filters)

    assert error.value.problems[0].field == field


@pytest.mark.parametrize(
    ("operator", "values", "stored", "expected"),
    [
        ("$is", ["a"], "a", True),
        ("$is", ["5"], 5, False),  # typed, as DynamoDB compares
        ("$is", [5], Decimal("5"), True),
        ("$is", [True], True, True),
        ("$is", [1], True, False),
        ("$not_in", ["a"], None, True),
        ("$contains", ["nn"], "anna", True),
        ("$contains", ["b"], ["a", "b"], True),
        ("$not_contain", ["b"], None, True),
        ("$ends_with", ["-1"], "SPRING-1", True),
        ("$ends_with", ["-1"], 1, False),
        ("$starts_with", ["SP"], "SPRING-1", True),
        ("$more_than", [2], Decimal("3"), True),
        ("$more_than", [2], "3", False),
        ("$less_than_equal", [3], 3, True),
        ("$after", ["2026-01-01T00:00:00.000Z"], "2026-02-01T00:00:00.000Z", True),
        ("$before", ["2026-01-01T00:00:00.000Z"], None, False),
        ("$has_value", [], None, False),
        ("$is_unknown", [], None, True),
    ],
)
def test_given_a_check_then_it_means_what_the_filter_expression_would(operator, values, stored, expected):
    assert holds(Check(path=["x"], kind="string", operator=operator, values=values), stored) is expected


def test_given_checks_then_a_customer_is_the_user_id_else_the_email_and_any_of_ors_them():
    checks = [
        Check(path=["userId"], kind="customer", operator="$ends_with", values=["@example.com"]),
        Check(path=["metadata", "tier"], kind="metadata", operator="$is", values=["gold"]),
    ]

    both = predicate(checks, any_of=False)
    either = predicate(checks, any_of=True)

    assert both({"email": "a@example.com", "metadata": {"tier": "gold"}})
    assert not both({"userId": "ann", "email": "a@example.com", "metadata": {"tier": "gold"}})
    assert either({"userId": "ann", "metadata": {"tier": "gold"}})
    assert not either({"userId": "ann"})
