"""Filter values relative to a scheduled run: ``$scheduledDay-P1D`` is "yesterday, 00:00".

A scheduled export's filters are stored with placeholders and resolved when the run starts,
against the run's scheduled time (``<aws.scheduler.scheduled-time>``), never the moment the
Lambda happens to execute, so a retried or late firing exports exactly the same window.

Syntax: ``$<base>`` optionally followed by ``+`` or ``-`` and an ISO 8601 duration.

* bases: ``scheduledTime`` (the scheduled time itself), ``scheduledHour``, ``scheduledDay``,
  ``scheduledWeek`` (Monday), ``scheduledMonth``: the start of that hour/day/week/month in the
  schedule's time zone;
* durations: ``P[nM][nW][nD][T[nH][nM]]`` (months are calendar months, clamped to the month's
  last day; days and weeks are calendar days in the zone, so ``-P1D`` across a daylight-saving
  change is still "the previous midnight").

The value becomes a UTC timestamp (``2026-11-29T23:00:00.000Z``). Pure: no clock.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from offers.clock import format_timestamp

MARKER = "$"
_RELATIVE_RE = re.compile(
    r"^\$(?P<base>scheduledTime|scheduledHour|scheduledDay|scheduledWeek|scheduledMonth)"
    r"(?:(?P<sign>[+-])P(?!$)(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?)?$"
)
SYNTAX = (
    "$scheduledTime|$scheduledHour|$scheduledDay|$scheduledWeek|$scheduledMonth,"
    " then optionally +/- an ISO 8601 duration such as P1D or PT6H"
)
_UNITS = ("months", "weeks", "days", "hours", "minutes")


class NotRelative(ValueError):
    """The value starts with ``$`` but is not a relative time this module knows."""


def is_relative(value: object) -> bool:
    return isinstance(value, str) and value.startswith(MARKER)


def _start_of(base: str, local: datetime) -> datetime:
    if base == "scheduledHour":
        return local.replace(minute=0, second=0, microsecond=0)
    if base in ("scheduledDay", "scheduledWeek", "scheduledMonth"):
        day = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if base == "scheduledWeek":
            return day - timedelta(days=day.weekday())
        if base == "scheduledMonth":
            return day.replace(day=1)
        return day
    return local


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def resolve(value: str, scheduled_time: datetime, tz: ZoneInfo) -> str:
    """``value`` as a UTC timestamp for the run scheduled at ``scheduled_time``."""
    match = _RELATIVE_RE.match(value)
    if match is None:
        raise NotRelative(f"{value!r} is not a relative time; use {SYNTAX}")
    base = match.group("base")
    if base == "scheduledTime":  # an instant: offsets are exact durations
        local = scheduled_time.astimezone(tz)
    else:  # a wall-clock boundary: offsets move the wall clock, then it is placed in the zone
        local = _start_of(base, scheduled_time.astimezone(tz).replace(tzinfo=None))
    if match.group("sign"):
        sign = -1 if match.group("sign") == "-" else 1
        amount = {name: int(match.group(name) or 0) for name in _UNITS}
        local = _add_months(local, sign * amount["months"])
        local += sign * timedelta(
            weeks=amount["weeks"], days=amount["days"], hours=amount["hours"], minutes=amount["minutes"]
        )
    if local.tzinfo is None:
        local = local.replace(tzinfo=tz, fold=0)
    return format_timestamp(local.astimezone(UTC))
