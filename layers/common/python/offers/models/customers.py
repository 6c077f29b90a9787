"""Customers in the Voucherify dialect (``POST /v1/customers``): snake_case, as the SDK sends."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]

# What a DynamoDB number holds: 38 significant digits, magnitude 1E-130 to under 1E+126.
_MAX_DIGITS = 38
_SMALLEST, _LARGEST = 1e-130, 1e126


def _storable(value: Any, path: str) -> None:
    """Refuse what DynamoDB cannot store (it would fail the write with a 500): numbers out of
    its range or precision, text that is not Unicode (lone surrogates)."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        if len(str(abs(value))) > _MAX_DIGITS:
            raise ValueError(f"{path}: a number holds at most {_MAX_DIGITS} digits")
    elif isinstance(value, float):
        if value != 0 and not _SMALLEST <= abs(value) < _LARGEST:
            raise ValueError(f"{path}: a number must be 0 or between 1e-130 and 1e126 in magnitude")
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{path}: text must be valid Unicode") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key, path)
            _storable(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _storable(item, f"{path}[{index}]")


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid")

    city: Text | None = None
    state: Text | None = None
    line_1: Text | None = None
    line_2: Text | None = None
    country: Text | None = None
    postal_code: Text | None = None


class CustomerInput(BaseModel):
    """Upsert by ``source_id`` (or update by ``id``); only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    source_id: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    name: Text | None = None
    description: Text | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)] | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] | None = None
    birthday: date | None = None  # deprecated by Voucherify: stored as birthdate
    birthdate: date | None = None
    address: Address | None = None
    metadata: dict[str, Any] | None = Field(default=None, max_length=100)

    @field_validator("metadata")
    @classmethod
    def _metadata_storable(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        _storable(value, "metadata")
        return value
