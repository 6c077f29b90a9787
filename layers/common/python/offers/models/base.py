"""Shared model configuration and field types.

API field names are camelCase; Python attributes are snake_case with camelCase aliases.
Request models forbid unknown fields so a misspelt field is a 400 naming it, not silently lost.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints
from pydantic.alias_generators import to_camel

from offers.clock import as_utc, format_timestamp
from offers.ids import ID_PATTERN


def _number(value: Decimal) -> int | float:
    """Money and percentages travel as JSON numbers, integral values without a fraction."""
    return int(value) if value == value.to_integral_value() else float(value)


Timestamp = Annotated[datetime, AfterValidator(as_utc), PlainSerializer(format_timestamp, return_type=str)]
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
