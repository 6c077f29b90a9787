"""Shared model configuration and field types.

API field names are camelCase; Python attributes are snake_case with camelCase aliases.
Request models forbid unknown fields so a misspelt field is a 400 naming it, not silently lost.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

from offers.clock import as_utc, format_timestamp
from offers.ids import ID_PATTERN


def _number(value: Decimal) -> int | float:
    """Money and percentages travel as JSON numbers, integral values without a fraction."""
    return int(value) if value == value.to_integral_value() else float(value)


_ISO_DATE_START = re.compile(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_text(value: object) -> object:
    """pydantic reads a number, or a string of digits, as Unix time; the API's timestamps are
    ISO 8601 text only (a datetime passes: records and services build them)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE_START.match(value):
        raise ValueError("must be an ISO 8601 timestamp, e.g. 2026-11-22T10:15:30.123Z")
    return value


Timestamp = Annotated[
    datetime,
    BeforeValidator(_iso_text),
    AfterValidator(as_utc),
    PlainSerializer(format_timestamp, return_type=str),
]
# JSON true/false only: pydantic's lax mode would take 0, 1 and "yes" as booleans.
Flag = StrictBool


def _not_a_boolean(value: object) -> object:
    """pydantic's lax mode takes false as 0 and true as 1; a JSON boolean is no count."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    return value


# An offset or a page size in a body: a number (10 or 10.0), never true/false.
Count = Annotated[int, BeforeValidator(_not_a_boolean)]
Amount = Annotated[Decimal, PlainSerializer(_number, when_used="json")]
ObjectId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ApiModel(BaseModel):
    """Base of responses and stored records."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, use_enum_values=True, defer_build=True
    )

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)


class RequestModel(ApiModel):
    """Base of request bodies: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AdditionalAttribute(ApiModel):
    """Merchant-specified attribute ``{name, values}`` carried on promotions and redemptions."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    values: list[Annotated[str, StringConstraints(max_length=500)]] = Field(
        default_factory=list, max_length=50
    )


AdditionalAttributes = Annotated[list[AdditionalAttribute], Field(max_length=50)]
