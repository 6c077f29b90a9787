"""Redemptions (fabric Offers v3, seed 001): an order's use of a promotion or coupon code."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from offers.models.base import AdditionalAttributes, ApiModel, ObjectId, RequestModel, Timestamp
from offers.models.coupons import CouponCode
from offers.models.pages import CursorPage

_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL_RE.match(value):
        raise ValueError("is not an email address")
    return value


Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Email = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_email)]


class RedemptionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"  # e.g. the order was cancelled; its uses are given back


class RedemptionInput(RequestModel):
    """Body of POST /redemptions."""

    order_id: Identifier
    promotion_id: ObjectId
    coupon_code: CouponCode | None = None
    email: Email | None = None
    redeemed_at: Timestamp | None = None
    store_id: Identifier | None = None
    user_id: Identifier | None = None
    additional_attributes: AdditionalAttributes = Field(default_factory=list)


class Usage(ApiModel):
    """Which counters a redemption took, so deactivating it gives back exactly those."""

    code: str | None = None  # the code whose per-code uses were counted
    site: bool = False
    customer: str | None = None  # the customer key (userId, else email) counted
    order: bool = False


class RedemptionRecord(ApiModel):
    model_config = {"extra": "ignore"}

    id: ObjectId
    order_id: str
    promotion_id: str
    promotion_name: str
    promotion_additional_attributes: AdditionalAttributes = Field(default_factory=list)
    coupon_code: str | None = None
    email: str | None = None
    user_id: str | None = None
    store_id: str | None = None
    redeemed_at: Timestamp
    additional_attributes: AdditionalAttributes = Field(default_factory=list)
    status: RedemptionStatus = RedemptionStatus.ACTIVE
    created_at: Timestamp
    updated_at: Timestamp
    usage: Usage = Field(default_factory=Usage)
    kind: str | None = None  # "CARD": a gift/loyalty card spend (services/card_redemptions.py)


class Redemption(ApiModel):
    """A redemption as returned (seed 001's fields)."""

    id: str
    order_id: str
    promotion_id: str
    promotion_name: str
    promotion_additional_attributes: AdditionalAttributes
    coupon_code: str | None
    email: str | None
    user_id: str | None
    store_id: str | None
    redeemed_at: Timestamp
    additional_attributes: AdditionalAttributes
    status: RedemptionStatus
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, record: RedemptionRecord) -> Redemption:
        return cls(**{name: getattr(record, name) for name in cls.model_fields})


class RedemptionPage(CursorPage):
    """``GET /redemptions``, as documented."""

    model_config = {"defer_build": True}  # only the API document and its checks build it

    data: list[Redemption]


class RedemptionUpdate(RequestModel):
    """Body of PUT /redemptions/{id}: activate or deactivate (e.g. on order cancellation)."""

    status: RedemptionStatus


class RedemptionBatchItem(RequestModel):
    id: ObjectId
    status: RedemptionStatus


class RedemptionBatchUpdate(RequestModel):
    """Body of PUT /redemptions/batch."""

    data: list[RedemptionBatchItem] = Field(min_length=1, max_length=100)


class BatchError(ApiModel):
    id: str
    type: str
    message: str


class RedemptionBatchResult(ApiModel):
    data: list[Redemption]
    errors: list[BatchError]


class RedemptionDeleted(ApiModel):
    id: str
    is_deleted: bool


class RedemptionFilters(ApiModel):
    """Filters of GET /redemptions (all optional, combined with AND)."""

    promotion_id: str | None = None
    promotion_name: str | None = None
    coupon_code: str | None = None
    user_id: str | None = None
    email: str | None = None
    order_id: str | None = None
    store_id: str | None = None
    status: RedemptionStatus | None = None
    redeemed_from: Timestamp | None = None
    redeemed_before: Timestamp | None = None
