"""Timestamps at the edges of what Python's datetime can hold: a clear error, never an overflow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from offers.clock import as_utc, ceil_to_millisecond, parse_timestamp
from offers.models.base import Timestamp

EXTREMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.mark.parametrize("text", EXTREMES)
def test_given_a_moment_outside_utc_years_1_to_9999_when_converted_then_value_error_says_out_of_range(text):
    with pytest.raises(ValueError, match="out of range"):
        as_utc(datetime.fromisoformat(text))
    with pytest.raises(ValueError, match="out of range"):
        parse_timestamp(text)


@pytest.mark.parametrize("text", EXTREMES)
def test_given_an_extreme_timestamp_field_when_validated_then_a_validation_error_not_an_overflow(text):
    with pytest.raises(ValidationError, match="out of range"):
        TypeAdapter(Timestamp).validate_python(text)


def test_given_the_last_representable_sub_millisecond_when_rounded_up_then_out_of_range():
    with pytest.raises(ValueError, match="out of range"):
        ceil_to_millisecond(parse_timestamp("9999-12-31T23:59:59.9999Z"))
    assert ceil_to_millisecond(parse_timestamp("2026-01-01T00:00:00.0001Z")) == datetime(
        2026, 1, 1, 0, 0, 0, 1000, tzinfo=UTC
    )


def test_given_naive_and_aware_bounds_when_validated_then_both_are_utc_and_compare():
    naive = TypeAdapter(Timestamp).validate_python("2026-01-01T00:00:00")
    aware = TypeAdapter(Timestamp).validate_python("2026-02-01T00:00:00Z")
    assert naive.tzinfo is not None and naive < aware
    assert naive == datetime(2026, 1, 1, tzinfo=UTC)
