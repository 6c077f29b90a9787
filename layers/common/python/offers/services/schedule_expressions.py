"""EventBridge Scheduler's schedule expressions, evaluated the way Scheduler evaluates them.

Pure: no AWS, no clock. Used to validate a schedule when it is saved (so a bad expression is a
400 naming ``expression``, never a failure at firing time), to answer ``nextRunAt``, and by the
local server, which plays the scheduler with these same rules.

* ``cron(minutes hours day-of-month month day-of-week year)``: six fields; ``, - * /`` in all,
  ``?`` in day-of-month or day-of-week (exactly one of the two must be ``?``), ``L`` and ``W``
  in day-of-month (``L``, ``15W``, ``LW``), ``L`` and ``#`` in day-of-week (``L`` = Saturday,
  ``6L`` = the month's last Friday, ``2#1`` = its first Monday; ``#`` only alone). Day-of-week
  is 1-7 = SUN-SAT, months 1-12 or JAN-DEC, years 1970-2199. Evaluated in the schedule's
  IANA time zone. Daylight saving, as Scheduler documents it: a local time that does not exist
  (spring forward) is skipped; a local time that occurs twice (fall back) runs once, at its
  first occurrence.
* ``rate(N minute|minutes|hour|hours|day|days)``: every N units from the schedule's start
  (``startAt``, else the moment it was created). A day is 24 hours, whatever the zone's
  clock does (as Scheduler does), so the time zone does not matter.
* ``at(yyyy-mm-ddThh:mm:ss)``: once, at that local time in the time zone; start and end are
  ignored. A local time that does not exist in the zone is refused (it would never be reached).

Scheduler fires with 60-second precision; these are the scheduled times it stamps on the run
(``<aws.scheduler.scheduled-time>``), whole minutes for cron and rate.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from offers.errors import InvalidInput

EXPRESSION_FIELD = "expression"
TIMEZONE_FIELD = "timezone"
MAX_EXPRESSION_LENGTH = 256
_MONTHS = {name.upper(): n for n, name in enumerate(calendar.month_abbr) if name}  # JAN..DEC -> 1..12
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_AT_RE = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_RATE_RE = re.compile(r"^rate\((\d+) ([a-z]+)\)$")
_CRON_RE = re.compile(r"^cron\(([^()]*)\)$")


def _invalid(message: str) -> InvalidInput:
    return InvalidInput.for_field(EXPRESSION_FIELD, message, code="INVALID_SCHEDULE_EXPRESSION")


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; 400 naming ``timezone`` when there is none."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise InvalidInput.for_field(TIMEZONE_FIELD, "is not an IANA time zone", code="INVALID_TIMEZONE")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput.for_field(
            TIMEZONE_FIELD, f"{name!r} is not an IANA time zone (e.g. Europe/Berlin)", code="INVALID_TIMEZONE"
        ) from error


def _wall_to_utc(local: datetime, tz: ZoneInfo) -> datetime | None:
    """The first instant the zone's clock shows ``local``; None when the clock skips it."""
    instant = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local:
        return None  # in a spring-forward gap
    return instant


# -- cron ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DaySpec:
    """Day-of-month or day-of-week: plain values plus the special L / W / # forms."""

    any: bool = False
    values: frozenset[int] = frozenset()
    last_day: bool = False  # dom L
    last_weekday_of_month: bool = False  # dom LW
    nearest_weekday: int | None = None  # dom nW
    last_of_week_day: int | None = None  # dow nL
    nth: tuple[int, int] | None = None  # dow d#n


def _number(text: str, low: int, high: int, names: dict[str, int], what: str) -> int:
    value = names.get(text.upper()) if names else None
    if value is None:
        if not text.isdigit():
            raise _invalid(f"{what}: {text!r} is not a valid value")
        value = int(text)
    if not low <= value <= high:
        raise _invalid(f"{what}: {value} is outside {low}-{high}")
    return value


def _values(text: str, low: int, high: int, what: str, names: dict[str, int] | None = None) -> set[int]:
    """``,``-separated terms of ``*``, ``n``, ``a-b``, each optionally ``/step``."""
    found: set[int] = set()
    for term in text.split(","):
        base, _, step_text = term.partition("/")
        step = 1
        if step_text:
            step = _number(step_text, 1, high, {}, what)
        if base == "*":
            first, last = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            first, last = _number(a, low, high, names or {}, what), _number(b, low, high, names or {}, what)
            if first > last:
                raise _invalid(f"{what}: range {base!r} runs backwards")
        else:
            first = _number(base, low, high, names or {}, what)
            last = high if step_text else first
        found.update(range(first, last + 1, step))
    return found


def _day_of_month(text: str) -> _DaySpec:
    what = "day-of-month"
    if text == "?":
        return _DaySpec(any=True)
    if text == "L":
        return _DaySpec(last_day=True)
    if text == "LW":
        return _DaySpec(last_weekday_of_month=True)
    if text.endswith("W"):
        return _DaySpec(nearest_weekday=_number(text[:-1], 1, 31, {}, what))
    return _DaySpec(values=frozenset(_values(text, 1, 31, what)))


def _day_of_week(text: str) -> _DaySpec:
    what = "day-of-week"
    if text == "?":
        return _DaySpec(any=True)
    if text == "L":
        return _DaySpec(values=frozenset({7}))  # the last day of the week: Saturday
    if "#" in text:
        if "," in text:
            raise _invalid(f"{what}: a '#' expression must be the field's only expression")
        day, _, nth = text.partition("#")
        return _DaySpec(nth=(_number(day, 1, 7, _DAYS, what), _number(nth, 1, 5, {}, what)))
    if text.endswith("L") and len(text) > 1:
        return _DaySpec(last_of_week_day=_number(text[:-1], 1, 7, _DAYS, what))
    return _DaySpec(values=frozenset(_values(text, 1, 7, what, _DAYS)))


def _cron_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Monday (0) -> 2 ... Sunday (6) -> 1


def _nearest_weekday(year: int, month: int, day: int) -> int | None:
    """``nW``: the weekday nearest the day, never leaving the month (Quartz / EventBridge)."""
    last = calendar.monthrange(year, month)[1]
    if day > last:
        return None
    weekday = date(year, month, day).weekday()
    if weekday == 5:  # Saturday -> Friday, or Monday when the 1st is a Saturday
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday -> Monday, or Friday when it is the month's last day
        return day + 1 if day < last else day - 2
    return day


@dataclass(frozen=True)
class _Cron:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    dom: _DaySpec
    months: frozenset[int]
    dow: _DaySpec
    years: tuple[int, ...]

    def day_matches(self, day: date) -> bool:
        if not self.dom.any:
            last = calendar.monthrange(day.year, day.month)[1]
            if self.dom.last_day:
                return day.day == last
            if self.dom.last_weekday_of_month:
                return day.day == _nearest_weekday(day.year, day.month, last)
            if self.dom.nearest_weekday is not None:
                return day.day == _nearest_weekday(day.year, day.month, self.dom.nearest_weekday)
            return day.day in self.dom.values
        weekday = _cron_weekday(day)
        if self.dow.nth is not None:
            wanted, nth = self.dow.nth
            return weekday == wanted and (day.day - 1) // 7 + 1 == nth
        if self.dow.last_of_week_day is not None:
            last = calendar.monthrange(day.year, day.month)[1]
            return weekday == self.dow.last_of_week_day and day.day + 7 > last
        return weekday in self.dow.values

    def next_after(self, after: datetime, tz: ZoneInfo) -> datetime | None:
        local_after = after.astimezone(tz).replace(tzinfo=None)
        start_day = local_after.date() - timedelta(days=1)  # a fall-back hour may map earlier
        for year in self.years:
            if year < start_day.year:
                continue
            for month in sorted(self.months):
                if (year, month) < (start_day.year, start_day.month):
                    continue
                for day_number in range(1, calendar.monthrange(year, month)[1] + 1):
                    day = date(year, month, day_number)
                    if day < start_day or not self.day_matches(day):
                        continue
                    found = self._first_time_on(day, after, tz)
                    if found is not None:
                        return found
        return None

    def _first_time_on(self, day: date, after: datetime, tz: ZoneInfo) -> datetime | None:
        for hour in self.hours:
            for minute in self.minutes:
                instant = _wall_to_utc(datetime(day.year, day.month, day.day, hour, minute), tz)
                if instant is not None and instant > after:
                    return instant
        return None


def _parse_cron(body: str) -> _Cron:
    fields = body.split()
    if len(fields) != 6:
        raise _invalid("cron needs 6 fields: minutes hours day-of-month month day-of-week year")
    minutes, hours, dom_text, month_text, dow_text, year_text = fields
    if (dom_text == "?") == (dow_text == "?"):
        raise _invalid("exactly one of day-of-month and day-of-week must be '?'")
    return _Cron(
        minutes=tuple(sorted(_values(minutes, 0, 59, "minutes"))),
        hours=tuple(sorted(_values(hours, 0, 23, "hours"))),
        dom=_day_of_month(dom_text),
        months=frozenset(_values(month_text, 1, 12, "month", _MONTHS)),
        dow=_day_of_week(dow_text),
        years=tuple(sorted(_values(year_text, 1970, 2199, "year"))),
    )


# -- the expression -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleExpression:
    text: str
    kind: str  # cron | rate | at
    cron: _Cron | None = None
    rate: timedelta | None = None
    at: datetime | None = None  # local wall time, naive

    @property
    def one_time(self) -> bool:
        return self.kind == "at"

    def next_run(
        self,
        after: datetime,
        tz: ZoneInfo,
        *,
        anchor: datetime,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> datetime | None:
        """The first scheduled time strictly after ``after`` (UTC), or None when none is left.

        ``anchor`` is where a rate counts from (the schedule's start, else its creation);
        ``start``/``end`` bound cron and rate schedules (inclusive), as StartDate/EndDate do.
        """
        if self.at is not None:
            instant = _wall_to_utc(self.at, tz)
            return instant if instant is not None and instant > after else None
        if start is not None and after < start:
            after = start - timedelta(microseconds=1)
        if self.rate is not None:
            origin = start or anchor
            if after < origin:
                found = origin
            else:
                steps = (after - origin) // self.rate + 1
                found = origin + steps * self.rate
        else:
            assert self.cron is not None
            found = self.cron.next_after(after, tz)
        if found is None or (end is not None and found > end):
            return None
        return found

    def runs_between(
        self, after: datetime, until: datetime, tz: ZoneInfo, *, anchor: datetime, **bounds: datetime | None
    ) -> list[datetime]:
        """Every scheduled time in (after, until]."""
        found: list[datetime] = []
        moment = self.next_run(after, tz, anchor=anchor, **bounds)
        while moment is not None and moment <= until:
            found.append(moment)
            moment = self.next_run(moment, tz, anchor=anchor, **bounds)
        return found


def parse_expression(text: str, tz: ZoneInfo | None = None) -> ScheduleExpression:
    """Parse (and so validate) ``text``; 400 naming ``expression`` with what is wrong."""
    text = text.strip()
    if not text or len(text) > MAX_EXPRESSION_LENGTH:
        raise _invalid(f"must be 1-{MAX_EXPRESSION_LENGTH} characters")
    if match := _AT_RE.match(text):
        try:
            moment = datetime.fromisoformat(match.group(1))
        except ValueError as error:
            raise _invalid(f"{match.group(1)!r} is not a valid date and time") from error
        if tz is not None and _wall_to_utc(moment, tz) is None:
            raise _invalid(f"{match.group(1)} does not exist in {tz.key} (a daylight-saving gap)")
        return ScheduleExpression(text, "at", at=moment)
    if match := _RATE_RE.match(text):
        value, unit = int(match.group(1)), match.group(2)
        singular = unit[:-1] if unit.endswith("s") else unit
        if singular not in _RATE_UNITS or value < 1:
            raise _invalid("rate must be rate(N minute|minutes|hour|hours|day|days), N >= 1")
        if (value == 1) != (unit == singular):
            raise _invalid(f"use the {'singular' if value == 1 else 'plural'} unit with {value}")
        return ScheduleExpression(text, "rate", rate=timedelta(seconds=value * _RATE_UNITS[singular]))
    if match := _CRON_RE.match(text):
        return ScheduleExpression(text, "cron", cron=_parse_cron(match.group(1)))
    raise _invalid("must be cron(...), rate(...) or at(yyyy-mm-ddThh:mm:ss)")
