"""Relative filter values resolve against the run's scheduled time in the schedule's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from offers.services.relative_times import NotRelative, is_relative, resolve
from offers.services.schedule_expressions import zone

YEAR = datetime.now(UTC).year + 1
BERLIN = zone("Europe/Berlin")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$scheduledTime", f"{YEAR}-01-15T05:30:00.000Z"),
        ("$scheduledTime-PT1H", f"{YEAR}-01-15T04:30:00.000Z"),
        ("$scheduledDay", f"{YEAR}-01-14T23:00:00.000Z"),  # Berlin midnight = 23:00Z in winter
        ("$scheduledDay-P1D", f"{YEAR}-01-13T23:00:00.000Z"),
        ("$scheduledHour", f"{YEAR}-01-15T05:00:00.000Z"),
        ("$scheduledMonth", f"{YEAR - 1}-12-31T23:00:00.000Z"),
        ("$scheduledMonth-P1M", f"{YEAR - 1}-11-30T23:00:00.000Z"),
        ("$scheduledDay+PT6H", f"{YEAR}-01-15T05:00:00.000Z"),
        ("$scheduledDay-P1W", f"{YEAR}-01-07T23:00:00.000Z"),
    ],
)
def test_given_a_relative_value_then_it_resolves_in_the_zone(value, expected):
    scheduled = datetime(YEAR, 1, 15, 5, 30, tzinfo=UTC)  # 06:30 in Berlin
    assert resolve(value, scheduled, BERLIN) == expected


def test_given_yesterday_across_spring_forward_then_the_window_is_the_23_hour_day():
    # The run at 00:30 local on the day after the change: yesterday was 23 hours long.
    march_last = datetime(YEAR, 3, 31)
    spring = march_last.day - (march_last.weekday() + 1) % 7
    scheduled = datetime(YEAR, 3, spring + 1, 0, 30, tzinfo=BERLIN).astimezone(UTC)
    start = resolve("$scheduledDay-P1D", scheduled, BERLIN)
    end = resolve("$scheduledDay", scheduled, BERLIN)
    assert start == f"{YEAR}-03-{spring - 1:02d}T23:00:00.000Z"  # midnight CET
    assert end == f"{YEAR}-03-{spring:02d}T22:00:00.000Z"  # midnight CEST


@pytest.mark.parametrize(
    "value",
    ["$yesterday", "$scheduledDay-1d", "$scheduledDay-P", "$scheduledDayP1D", "$", "$scheduledDay-PT"],
)
def test_given_an_unknown_relative_value_then_it_is_refused_with_the_syntax(value):
    with pytest.raises(NotRelative, match="scheduledDay"):
        resolve(value, datetime.now(UTC), BERLIN)


def test_only_dollar_values_are_relative():
    assert is_relative("$scheduledDay")
    assert not is_relative("2026-01-01T00:00:00Z")
    assert not is_relative(["$scheduledDay"])
