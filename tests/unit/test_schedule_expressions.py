"""Schedule expressions as EventBridge Scheduler evaluates them: cron in a time zone across both
daylight-saving change days, rate, at, the L/W/# forms, and validation naming the field.

The change days are computed for next year (EU rule: last Sundays of March and October), so the
tests mean the same thing on any date."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest

from offers.errors import InvalidInput
from offers.services.schedule_expressions import parse_expression, zone

BERLIN = zone("Europe/Berlin")
YEAR = datetime.now(UTC).year + 1


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() + 1) % 7)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def runs(expression: str, after: datetime, until: datetime, tz=BERLIN, **bounds) -> list[datetime]:
    anchor = bounds.pop("anchor", after)
    return parse_expression(expression, tz).runs_between(after, until, tz, anchor=anchor, **bounds)


# -- cron across daylight saving ----------------------------------------------------------------


def test_given_a_0230_berlin_schedule_when_spring_forward_skips_0230_then_that_day_has_no_run():
    spring = last_sunday(YEAR, 3)  # 02:00 CET -> 03:00 CEST: 02:30 never happens
    found = runs("cron(30 2 * * ? *)", utc(spring - timedelta(days=1), 0), utc(spring + timedelta(days=2), 0))
    assert found == [
        utc(spring - timedelta(days=1), 1, 30),  # 02:30 CET = 01:30Z
        utc(spring + timedelta(days=1), 0, 30),  # 02:30 CEST = 00:30Z; none on the change day
    ]


def test_given_a_0230_berlin_schedule_when_fall_back_repeats_0230_then_it_runs_once_at_the_first():
    autumn = last_sunday(YEAR, 10)  # 03:00 CEST -> 02:00 CET: 02:30 happens twice
    found = runs("cron(30 2 * * ? *)", utc(autumn - timedelta(days=1), 0), utc(autumn + timedelta(days=2), 0))
    assert found == [
        utc(autumn - timedelta(days=1), 0, 30),  # 02:30 CEST
        utc(autumn, 0, 30),  # the first 02:30 (CEST); not again at 01:30Z (02:30 CET)
        utc(autumn + timedelta(days=1), 1, 30),  # 02:30 CET
    ]


def test_given_an_hourly_berlin_schedule_when_fall_back_then_the_repeated_hour_runs_once():
    autumn = last_sunday(YEAR, 10)
    found = runs("cron(0 * * * ? *)", utc(autumn, 0) - timedelta(minutes=1), utc(autumn, 2, 30))
    # local 02:00 CEST (00:00Z), 03:00 CET (02:00Z); 02:00 CET (01:00Z) is the repeat, skipped
    assert found == [utc(autumn, 0), utc(autumn, 2)]


def test_given_a_next_run_asked_inside_the_repeated_hour_then_the_next_day_is_next():
    autumn = last_sunday(YEAR, 10)
    expression = parse_expression("cron(30 2 * * ? *)", BERLIN)
    after_first = utc(autumn, 0, 31)
    next_day = utc(autumn + timedelta(days=1), 1, 30)
    assert expression.next_run(after_first, BERLIN, anchor=after_first) == next_day


def test_given_utc_when_evaluating_a_weekday_schedule_then_weekends_are_skipped():
    monday = date(YEAR, 6, 1) + timedelta(days=(7 - date(YEAR, 6, 1).weekday()) % 7)
    found = runs("cron(0 18 ? * MON-FRI *)", utc(monday, 0), utc(monday + timedelta(days=7), 0), zone("UTC"))
    assert [moment.date() for moment in found] == [monday + timedelta(days=n) for n in range(5)]
    assert {moment.hour for moment in found} == {18}


@pytest.mark.parametrize(
    ("expression", "expected_day"),
    [
        ("cron(0 9 L * ? *)", lambda y, m: date(y, m, calendar.monthrange(y, m)[1])),
        ("cron(0 9 ? * 6L *)", lambda y, m: max(d for d in _days(y, m) if d.weekday() == 4)),
        ("cron(0 9 ? * 2#1 *)", lambda y, m: min(d for d in _days(y, m) if d.weekday() == 0)),
        ("cron(0 9 ? * MON#2 *)", lambda y, m: sorted(d for d in _days(y, m) if d.weekday() == 0)[1]),
        ("cron(0 9 LW * ? *)", lambda y, m: max(d for d in _days(y, m) if d.weekday() < 5)),
    ],
)
def test_given_the_special_day_forms_then_the_day_is_the_documented_one(expression, expected_day):
    tz = zone("UTC")
    for month in range(1, 13):
        start = utc(date(YEAR, month, 1), 0)
        found = parse_expression(expression, tz).next_run(start, tz, anchor=start)
        assert found == utc(expected_day(YEAR, month), 9), (expression, month)


def _days(year: int, month: int) -> list[date]:
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def test_given_nearest_weekday_then_a_weekend_day_moves_to_the_nearest_weekday_in_the_month():
    tz = zone("UTC")
    for month in range(1, 13):
        start = utc(date(YEAR, month, 1), 0)
        found = parse_expression("cron(0 9 15W * ? *)", tz).next_run(start, tz, anchor=start)
        fifteenth = date(YEAR, month, 15)
        expected = {5: fifteenth - timedelta(days=1), 6: fifteenth + timedelta(days=1)}.get(
            fifteenth.weekday(), fifteenth
        )
        assert found == utc(expected, 9)


def test_given_steps_lists_and_month_names_then_every_listed_time_runs():
    tz = zone("UTC")
    start = utc(date(YEAR, 1, 1), 0)
    found = runs("cron(0/20 8,17 ? JAN-FEB TUE *)", start, utc(date(YEAR, 1, 8), 0), tz, anchor=start)
    assert {(m.hour, m.minute) for m in found} == {(h, mi) for h in (8, 17) for mi in (0, 20, 40)}
    assert all(m.weekday() == 1 for m in found)


def test_given_a_year_in_the_past_then_there_is_no_next_run():
    tz = zone("UTC")
    now = datetime.now(UTC)
    expression = parse_expression(f"cron(0 0 1 1 ? {now.year - 1})", tz)
    assert expression.next_run(now, tz, anchor=now) is None


def test_given_start_and_end_then_cron_runs_only_inside_them():
    tz = zone("UTC")
    day = date(YEAR, 5, 1)
    found = runs(
        "cron(0 12 * * ? *)",
        utc(day, 0),
        utc(day + timedelta(days=10), 0),
        tz,
        start=utc(day + timedelta(days=2), 0),
        end=utc(day + timedelta(days=4), 12),
    )
    assert found == [utc(day + timedelta(days=n), 12) for n in (2, 3, 4)]


# -- rate ---------------------------------------------------------------------------------------


def test_given_a_rate_then_runs_count_from_the_start_in_whole_units():
    start = utc(date(YEAR, 2, 1), 10, 7)
    found = runs("rate(5 minutes)", start - timedelta(hours=1), start + timedelta(minutes=16), start=start)
    assert found == [start + timedelta(minutes=m) for m in (0, 5, 10, 15)]


def test_given_a_rate_without_start_then_it_counts_from_the_anchor_and_never_repeats_a_past_time():
    anchor = utc(date(YEAR, 2, 1), 10, 0)
    expression = parse_expression("rate(1 hour)")
    hour = timedelta(hours=1)
    assert expression.next_run(anchor + timedelta(minutes=59), BERLIN, anchor=anchor) == anchor + hour
    assert expression.next_run(anchor + hour, BERLIN, anchor=anchor) == anchor + 2 * hour


def test_given_a_daily_rate_across_spring_forward_then_a_day_is_24_hours_not_a_wall_clock_day():
    spring = last_sunday(YEAR, 3)
    start = utc(spring - timedelta(days=1), 1, 30)  # 02:30 CET
    found = runs("rate(1 day)", start - timedelta(minutes=1), start + timedelta(days=2), start=start)
    assert found == [start, start + timedelta(days=1), start + timedelta(days=2)]
    assert found[2].astimezone(BERLIN).hour == 3  # 03:30 CEST: Scheduler keeps 24 h, not 02:30


def test_given_a_rate_with_an_end_then_nothing_after_the_end():
    start = utc(date(YEAR, 2, 1), 0)
    found = runs("rate(1 day)", start, start + timedelta(days=30), start=start, end=start + timedelta(days=2))
    assert found == [start + timedelta(days=1), start + timedelta(days=2)]


# -- at -----------------------------------------------------------------------------------------


def test_given_at_then_it_runs_once_at_that_local_time():
    expression = parse_expression(f"at({YEAR}-07-01T09:15:00)", BERLIN)
    before = utc(date(YEAR, 1, 1), 0)
    assert expression.one_time
    assert expression.next_run(before, BERLIN, anchor=before) == utc(date(YEAR, 7, 1), 7, 15)  # CEST
    after = utc(date(YEAR, 7, 1), 7, 15)
    assert expression.next_run(after, BERLIN, anchor=before) is None


def test_given_at_then_start_and_end_are_ignored():
    expression = parse_expression(f"at({YEAR}-07-01T09:15:00)", zone("UTC"))
    before = utc(date(YEAR, 1, 1), 0)
    later = utc(date(YEAR, 8, 1), 0)
    found = expression.next_run(before, zone("UTC"), anchor=before, start=later, end=before)
    assert found == utc(date(YEAR, 7, 1), 9, 15)


def test_given_at_in_the_spring_gap_then_400_naming_expression():
    spring = last_sunday(YEAR, 3)
    with pytest.raises(InvalidInput) as error:
        parse_expression(f"at({spring.isoformat()}T02:30:00)", BERLIN)
    assert error.value.problems[0].field == "expression"
    assert "does not exist" in error.value.problems[0].message


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("every day", "must be cron"),
        ("cron(0 10 * * *)", "6 fields"),
        ("cron(0 10 * * * *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 10 ? * ? *)", "exactly one of day-of-month and day-of-week"),
        ("cron(60 10 * * ? *)", "minutes: 60 is outside 0-59"),
        ("cron(0 24 * * ? *)", "hours: 24 is outside 0-23"),
        ("cron(0 1 32 * ? *)", "day-of-month: 32"),
        ("cron(0 1 ? FOO MON *)", "month: 'FOO'"),
        ("cron(0 1 ? * 8 *)", "day-of-week: 8"),
        ("cron(0 1 ? * 3#1,6#3 *)", "only expression"),
        ("cron(0 1 ? * 3#6 *)", "day-of-week: 6 is outside 1-5"),
        ("cron(0 1 * * ? 2200)", "year: 2200"),
        ("cron(0 5-1 * * ? *)", "backwards"),
        ("rate(0 minutes)", "N >= 1"),
        ("rate(5 weeks)", "rate must be"),
        ("rate(1 minutes)", "singular"),
        ("rate(5 minute)", "plural"),
        ("at(2026-02-30T10:00:00)", "not a valid date"),
        ("at(2026-02-03 10:00:00)", "must be cron"),
    ],
)
def test_given_an_invalid_expression_then_400_naming_expression_and_the_problem(text, message):
    with pytest.raises(InvalidInput) as error:
        parse_expression(text, BERLIN)
    assert error.value.code == "INVALID_SCHEDULE_EXPRESSION"
    assert error.value.problems[0].field == "expression"
    assert message in error.value.problems[0].message


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "Europe/"])
def test_given_an_unknown_timezone_then_400_naming_timezone(name):
    with pytest.raises(InvalidInput) as error:
        zone(name)
    assert error.value.problems[0].field == "timezone"


def test_given_iana_names_then_zones_resolve():
    assert zone("America/New_York").key == "America/New_York"
    assert zone("UTC").key == "UTC"
