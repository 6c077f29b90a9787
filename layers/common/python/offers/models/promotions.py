"""Promotions (fabric Offers v3 shapes).

A promotion's ``status`` is never stored: it follows from ``isEnabled`` and the dates at the
moment of reading (see ``promotion_status``), so it can't go stale.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from offers.models.base import (
    AdditionalAttributes,
    Amount,
    Flag,
    Name,
    ObjectId,
    RequestModel,
    Timestamp,
)
from offers.models.pages import CursorPage

MIN_LEVEL, MAX_LEVEL = 0, 5  # execution order: level 1's result is level 2's base price, ...


class PromotionType(StrEnum):
    PRODUCT = "PRODUCT"
    CART = "CART"
    QUANTITY = "QUANTITY"
    SHIPPING = "SHIPPING"
    BUYGET = "BUYGET"
    SPEND_GET = "SPEND_GET"


class StackingType(StrEnum):
    STACKABLE = "STACKABLE"
    EXCLUSIVE = "EXCLUSIVE"
    TYPE_EXCLUSIVE = "TYPE_EXCLUSIVE"
    UNIVERSAL = "UNIVERSAL"


class PromotionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SCHEDULED = "SCHEDULED"
    DISABLED = "DISABLED"
    EXPIRED = "EXPIRED"


class DiscountUnit(StrEnum):
    PERCENTAGE_OFF = "PERCENTAGE_OFF"
    AMOUNT_OFF = "AMOUNT_OFF"
    FIXED = "FIXED"


class TargetType(StrEnum):
    SKU = "SKU"
    CATEGORY = "CATEGORY"
    ATTRIBUTE = "ATTRIBUTE"
    PRICE_TYPE = "PRICE_TYPE"
    COLLECTION = "COLLECTION"


class TargetOperator(StrEnum):
    IN = "IN"
    NOT_IN = "NOT_IN"


class LimitType(StrEnum):
    ORDER = "ORDER"  # uses within one order
    SITE_WIDE = "SITE_WIDE"  # uses across all customers
    CUSTOMER = "CUSTOMER"  # uses per customer
    CODE = "CODE"  # uses of each coupon code


TargetValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Target(RequestModel):
    type: TargetType
    operator: TargetOperator = TargetOperator.IN
    values: list[TargetValue] = Field(min_length=1, max_length=1000)


class BuyCondition(RequestModel):
    """BUYGET: every ``quantity`` units bought of the items matching ``targets`` (every item
    when empty) unlock the discount on ``getQuantity`` units of the discount's own targets."""

    quantity: int = Field(ge=1, le=1_000)
    targets: list[Target] = Field(default_factory=list, max_length=20)


class SpendCondition(RequestModel):
    """SPEND_GET: the cart must spend ``amount`` on the items matching ``targets`` (every item
    when empty) before the discount applies to the discount's own targets."""

    amount: Amount = Field(gt=0, max_digits=14, decimal_places=4)
    targets: list[Target] = Field(default_factory=list, max_length=20)


def _absent(value: object) -> bool:
    return value is None


ShippingMethodId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Discount(RequestModel):
    unit: DiscountUnit
    value: Amount = Field(ge=0, max_digits=14, decimal_places=4)
    targets: list[Target] = Field(default_factory=list, max_length=20)
    min_quantity: int | None = Field(None, ge=1, le=10_000)
    min_spend: Amount | None = Field(None, ge=0, max_digits=14, decimal_places=4)
    max_discount: Amount | None = Field(None, gt=0, max_digits=14, decimal_places=4)
    # per promotion type (docs/pricing.md, step 7): BUYGET needs ``buy`` (and may say
    # ``getQuantity``, default 1), SPEND_GET needs ``spend``; SHIPPING may name shipping methods
    # (left out of answers when absent: promotions of the other types look as they always did)
    buy: BuyCondition | None = Field(None, exclude_if=_absent)
    get_quantity: int | None = Field(None, ge=1, le=1_000, exclude_if=_absent)
    spend: SpendCondition | None = Field(None, exclude_if=_absent)
    shipping_method_ids: list[ShippingMethodId] | None = Field(
        None, min_length=1, max_length=50, exclude_if=_absent
    )

    @field_validator("value")
    @classmethod
    def _percentage_at_most_100(cls, value: Amount, info: ValidationInfo) -> Amount:
        if info.data.get("unit") == DiscountUnit.PERCENTAGE_OFF and value > 100:
            raise ValueError("a PERCENTAGE_OFF value must be between 0 and 100")
        return value


class Limit(RequestModel):
    type: LimitType
    quantity: int = Field(ge=1, le=1_000_000_000)


class MessagePage(StrEnum):
    PDP = "PDP"
    PLP = "PLP"
    CART = "Cart"
    CHECKOUT = "Checkout"


class MessageType(StrEnum):
    DISCOUNT = "DISCOUNT"
    PROXIMITY = "PROXIMITY"
    POTENTIAL_DISCOUNT = "POTENTIAL_DISCOUNT"


class PromotionMessage(RequestModel):
    """A message shops show where a promotion applies (fabric's price engine returns them)."""

    title: Annotated[str, StringConstraints(max_length=200)] = ""
    message: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    pages: list[MessagePage] = Field(min_length=1, max_length=4)
    locales: list[Annotated[str, StringConstraints(max_length=20)]] = Field(
        default_factory=list, max_length=50
    )
    type: MessageType = MessageType.DISCOUNT
    threshold: Amount | None = Field(None, ge=0, max_digits=14, decimal_places=4)


class PromotionInput(RequestModel):
    """Body of POST /promotions and PUT /promotions/{id} (PUT replaces every field)."""

    name: Name
    type: PromotionType
    start_at: Timestamp
    end_at: Timestamp | None = None
    level: int = Field(1, ge=MIN_LEVEL, le=MAX_LEVEL)
    stacking_type: StackingType = StackingType.STACKABLE
    is_implicit: Flag = True
    is_exclusive: Flag = False
    is_enabled: Flag = True
    eligible_price_lists: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list, max_length=100)
    discounts: list[Discount] = Field(min_length=1, max_length=20)
    targets: list[Target] = Field(default_factory=list, max_length=20)
    limits: list[Limit] = Field(default_factory=list, max_length=len(LimitType))
    additional_attributes: AdditionalAttributes = Field(default_factory=list)
    promotion_messages: list[PromotionMessage] = Field(default_factory=list, max_length=20)

    @field_validator("end_at")
    @classmethod
    def _ends_after_start(cls, end_at: datetime | None, info: ValidationInfo) -> datetime | None:
        start_at = info.data.get("start_at")
        if end_at is not None and start_at is not None and end_at <= start_at:
            raise ValueError("must be after startAt")
        return end_at

    @field_validator("discounts")
    @classmethod
    def _discounts_fit_the_type(cls, discounts: list[Discount], info: ValidationInfo) -> list[Discount]:
        if "promo_id" in cls.model_fields:
            return discounts  # a stored record reads as it was saved (it may predate these rules)
        kind = info.data.get("type")
        for i, discount in enumerate(discounts):
            where = f"discounts[{i}]"
            if kind == PromotionType.BUYGET and discount.buy is None:
                raise ValueError(f"{where}.buy is required for BUYGET promotions")
            if kind != PromotionType.BUYGET and (
                discount.buy is not None or discount.get_quantity is not None
            ):
                raise ValueError(f"{where}.buy and getQuantity are only for BUYGET promotions")
            if kind == PromotionType.SPEND_GET and discount.spend is None:
                raise ValueError(f"{where}.spend is required for SPEND_GET promotions")
            if kind != PromotionType.SPEND_GET and discount.spend is not None:
                raise ValueError(f"{where}.spend is only for SPEND_GET promotions")
            if kind != PromotionType.SHIPPING and discount.shipping_method_ids:
                raise ValueError(f"{where}.shippingMethodIds is only for SHIPPING promotions")
        return discounts

    @field_validator("eligible_price_lists")
    @classmethod
    def _unique_price_lists(cls, price_lists: list[int]) -> list[int]:
        if len(set(price_lists)) != len(price_lists):
            raise ValueError("price list ids must be unique")
        return price_lists

    @field_validator("limits")
    @classmethod
    def _one_limit_per_type(cls, limits: list[Limit]) -> list[Limit]:
        types = [limit.type for limit in limits]
        if len(set(types)) != len(types):
            raise ValueError("each limit type may appear once")
        return limits

    def limit_of(self, limit_type: LimitType) -> int | None:
        return next((limit.quantity for limit in self.limits if limit.type == limit_type), None)


# The API document's example bodies (docs/openapi.json): valid as they stand, on any date (no
# endAt), so clients and the fuzzer can start from them.
PROMOTION_EXAMPLE = {
    "name": "Winter sale 15% off coats",
    "type": "PRODUCT",
    "startAt": "2026-01-01T00:00:00.000Z",
    "discounts": [
        {
            "unit": "PERCENTAGE_OFF",
            "value": 15,
            "targets": [{"type": "CATEGORY", "operator": "IN", "values": ["coats"]}],
        }
    ],
    "limits": [{"type": "SITE_WIDE", "quantity": 500}],
    "additionalAttributes": [{"name": "campaign", "values": ["winter"]}],
}
COUPON_EXAMPLE = {
    **PROMOTION_EXAMPLE,
    "name": "Spring coupon 10 off",
    "type": "CART",
    "isImplicit": False,
    "discounts": [{"unit": "AMOUNT_OFF", "value": 10}],
    "limits": [{"type": "SITE_WIDE", "quantity": 1000}, {"type": "CODE", "quantity": 1}],
    "couponCodes": ["SPRING-10-A", "SPRING-10-B"],
}


class PromotionToggle(RequestModel):
    """Body of POST /promotions/{id}/actions/toggle."""

    is_enabled: Flag


class PromotionRecord(PromotionInput):
    """A promotion as stored: the input plus identity and bookkeeping.

    Coupons are promotions with ``isImplicit=false``; for them ``couponCodes`` holds the codes
    named explicitly on the coupon (bounded) and ``codeCount`` counts every code it has,
    generated ones included.
    """

    model_config = {"extra": "ignore"}

    id: ObjectId
    promo_id: int
    created_at: Timestamp
    updated_at: Timestamp
    coupon_codes: list[str] = Field(default_factory=list)
    code_count: int = 0


class Promotion(PromotionRecord):
    """A promotion as returned: the stored record plus its status at the time of reading."""

    status: PromotionStatus


class PromotionPage(CursorPage):
    """``GET /promotions``, as documented (the handler answers a ``CursorPage`` of these)."""

    model_config = {"defer_build": True}  # only the API document and its checks build it

    data: list[Promotion]


class Scheduled(Protocol):
    """What a status is derived from (a record, or a search index entry)."""

    is_enabled: bool
    start_at: datetime
    end_at: datetime | None


def promotion_status(record: Scheduled, now: datetime) -> PromotionStatus:
    if not record.is_enabled:
        return PromotionStatus.DISABLED
    if now < record.start_at:
        return PromotionStatus.SCHEDULED
    if record.end_at is not None and now >= record.end_at:
        return PromotionStatus.EXPIRED
    return PromotionStatus.ACTIVE


def promotion_view(record: PromotionRecord, now: datetime) -> Promotion:
    return Promotion(**record.__dict__, status=promotion_status(record, now))
