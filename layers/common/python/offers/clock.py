"""UTC time in the one textual form the API and the store use: ISO 8601, milliseconds, ``Z``.

The fixed width of that form means timestamps compare correctly as strings, which the
DynamoDB sort keys rely on. Every moment is UTC: a caller's zone is converted, and a time
without a zone is taken as UTC. A moment whose UTC form falls outside years 1-9999 (e.g.
``0001-01-01T00:00:00+14:00``) can't be held; that is a ``ValueError`` naming the problem, which
the models turn into a 400 naming the field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

OUT_OF_RANGE = "is out of range: in UTC it must fall within the years 0001 to 9999"
_MILLISECOND_MICROS = 1000


class TimestampOutOfRange(ValueError):
    def __init__(self) -> None:
        super().__init__(OUT_OF_RANGE)


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A naive datetime is taken to be UTC already (the API documents UTC everywhere)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise TimestampOutOfRange from None


def ceil_to_millisecond(moment: datetime) -> datetime:
    """Rounded up to the next whole millisecond (stored times have millisecond precision)."""
    micros = moment.microsecond % _MILLISECOND_MICROS
    if not micros:
        return moment
    try:
        return moment + timedelta(microseconds=_MILLISECOND_MICROS - micros)
    except OverflowError:
        raise TimestampOutOfRange from None


def format_timestamp(moment: datetime) -> str:
    """2026-11-22T10:15:30.123Z (isoformat is several times faster than strftime on hot paths)."""
    return as_utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_timestamp(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
