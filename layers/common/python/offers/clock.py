"""UTC time in the one textual form the API and the store use: ISO 8601, milliseconds, ``Z``.

The fixed width of that form means timestamps compare correctly as strings, which the
DynamoDB sort keys rely on.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A naive datetime is taken to be UTC already (the API documents UTC everywhere)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_timestamp(moment: datetime) -> str:
    """2026-11-22T10:15:30.123Z (isoformat is several times faster than strftime on hot paths)."""
    return as_utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_timestamp(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
