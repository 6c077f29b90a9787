"""Customers in the Voucherify dialect (``POST /v1/customers``): snake_case, as the SDK sends."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


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
