"""Gift cards and loyalty cards in the Voucherify dialect: request bodies as the SDK (6.1.1)
sends them, snake_case. Fields the SDK may send that cards don't use are ignored; the ones we
use are checked, so a wrong one is a 400 naming it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
)

from offers.models.base import Flag, Timestamp
from offers.models.customers import CustomerInput, _storable

MAX_AMOUNT = 10**12  # cents or points in one card or one change: far past any real card
CardCode = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\s#]+$")]
SourceId = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Reason = Annotated[str, StringConstraints(max_length=1000)]


def _whole(value: object) -> object:
    """A JSON number that is a whole number (the SDK types gift amounts as float | int)."""
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not a boolean")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number (cents or points)")
        return int(value)
    return value


Whole = Annotated[StrictInt, BeforeValidator(_whole)]
Units = Annotated[Whole, Field(ge=0, le=MAX_AMOUNT)]
SignedUnits = Annotated[Whole, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]


def _storable_metadata(value: dict[str, Any]) -> dict[str, Any]:
    _storable(value, "metadata")  # what DynamoDB can't hold is a 400, never a 500
    return value


Metadata = Annotated[dict[str, Any], Field(max_length=100), AfterValidator(_storable_metadata)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GiftInput(_Lenient):
    amount: Units | None = None
    balance: Units | None = None  # the SDK's Gift model has it; a new card's balance is its amount
    effect: Literal["APPLY_TO_ORDER", "APPLY_TO_ITEMS"] | None = None


class ExpirationRules(_Lenient):
    """A loyalty program's rule for when added points expire (Voucherify's expiration_rules)."""

    period_type: Literal["MONTH", "FIXED_DAY_OF_YEAR"]
    period_value: Annotated[StrictInt, Field(ge=1, le=1200)] | None = None
    rounding_type: (
        Literal["END_OF_MONTH", "END_OF_QUARTER", "END_OF_HALF_YEAR", "END_OF_YEAR", "PARTICULAR_MONTH"]
        | None
    ) = None
    rounding_value: Annotated[StrictInt, Field(ge=1, le=12)] | None = None
    fixed_month: Annotated[StrictInt, Field(ge=1, le=12)] | None = None
    fixed_day: Annotated[StrictInt, Field(ge=1, le=31)] | None = None


class LoyaltyCardInput(_Lenient):
    points: Units | None = None
    expiration_rules: ExpirationRules | None = None


class CodeConfig(_Lenient):
    length: Annotated[Whole, Field(ge=1, le=64)] | None = None
    charset: Annotated[str, StringConstraints(min_length=2, max_length=200, pattern=r"^[^\s#%]+$")] | None = (
        None
    )
    prefix: Annotated[str, StringConstraints(max_length=50, pattern=r"^[^\s#%]*$")] | None = None
    postfix: Annotated[str, StringConstraints(max_length=50, pattern=r"^[^\s#%]*$")] | None = None
    pattern: (
        Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\s%]*#[^\s%]*$")] | None
    ) = None


class VoucherTemplate(_Lenient):
    type: Literal["GIFT_VOUCHER", "LOYALTY_CARD", "DISCOUNT_VOUCHER"] | None = None
    gift: GiftInput | None = None
    loyalty_card: LoyaltyCardInput | None = None
    code_config: CodeConfig | None = None


class CampaignInput(_Lenient):
    """POST /v1/campaigns for card programs."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=1000)] | None = None
    campaign_type: str
    type: Literal["AUTO_UPDATE", "STATIC", "STANDALONE"] | None = None
    vouchers_count: Annotated[Whole, Field(ge=0, le=1_000_000)] | None = None
    start_date: Timestamp | None = None
    expiration_date: Timestamp | None = None
    metadata: Metadata | None = None
    voucher: VoucherTemplate | None = None


class VoucherInput(_Lenient):
    """POST /v1/vouchers (code made from code_config) and POST /v1/vouchers/{code}."""

    code: CardCode | None = None
    type: Literal["GIFT_VOUCHER", "LOYALTY_CARD", "DISCOUNT_VOUCHER"] | None = None
    campaign: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    campaign_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    gift: GiftInput | None = None
    loyalty_card: LoyaltyCardInput | None = None
    code_config: CodeConfig | None = None
    start_date: Timestamp | None = None
    expiration_date: Timestamp | None = None
    active: Flag | None = None
    additional_info: Annotated[str, StringConstraints(max_length=1000)] | None = None
    metadata: Metadata | None = None


class BalanceInput(_Lenient):
    """POST /v1/vouchers/{code}/balance (``amount``: cents or points, as the SDK sends; ``points``
    too for loyalty cards) and the loyalty member balance routes (``points``)."""

    amount: SignedUnits | None = None
    points: SignedUnits | None = None
    source_id: SourceId | None = None
    reason: Reason | None = None
    expiration_type: Literal["PROGRAM_RULES", "CUSTOM_DATE", "NON_EXPIRING"] | None = None
    expiration_date: Timestamp | None = None


class RedeemableGift(_Lenient):
    credits: Annotated[Whole, Field(ge=1, le=MAX_AMOUNT)] | None = None


class RedeemableReward(_Lenient):
    id: str | None = None
    points: Annotated[Whole, Field(ge=1, le=MAX_AMOUNT)] | None = None


class Redeemable(_Lenient):
    object: Literal["voucher", "promotion_tier", "promotion_stack"]
    id: CardCode
    gift: RedeemableGift | None = None
    reward: RedeemableReward | None = None
    points: Annotated[Whole, Field(ge=1, le=MAX_AMOUNT)] | None = None


class OrderInput(_Lenient):
    id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    source_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    amount: Units | None = None
    metadata: Metadata | None = None


class RedemptionInput(_Lenient):
    """POST /v1/redemptions with one card."""

    redeemables: Annotated[list[Redeemable], Field(min_length=1, max_length=1)]
    order: OrderInput | None = None
    customer: CustomerInput | None = None
    tracking_id: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    metadata: Metadata | None = None


class RollbackInput(_Lenient):
    reason: Reason | None = None
    tracking_id: Annotated[str, StringConstraints(max_length=500)] | None = None
    customer: dict[str, Any] | None = None
    order: dict[str, Any] | None = None
    metadata: Metadata | None = None


__all__ = [
    "BalanceInput",
    "CampaignInput",
    "RedemptionInput",
    "RollbackInput",
    "VoucherInput",
]
