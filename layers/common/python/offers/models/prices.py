"""Price lists and prices (fabric Offers v3 shapes), plus the item data promotions target.

An item's categories, collections and attributes live on its price record (docs/pricing.md):
the price engine's one BatchGet then reads everything a promotion can match on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, field_validator, model_validator

from offers.models.base import Amount, ApiModel, Flag, Name, RequestModel, Timestamp

OPEN_END = datetime(2099, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)  # fabric: no end date = 2099-12-31
FIRST_PRICE_LIST_ID = 1_000_001
MAX_OFFERS = 10

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Money = Annotated[Amount, Field(ge=0, max_digits=16, decimal_places=6)]
ItemId = Annotated[int, Field(ge=1, le=999_999_999_999)]
PriceListId = Annotated[int, Field(ge=1, le=999_999_999_999)]
Sku = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


# -- price lists ---------------------------------------------------------------------------------


class PriceListInput(RequestModel):
    """Body of POST /price-lists and PUT /price-lists/{id}."""

    name: Name
    is_default: Flag
    currency: Currency
    start_at: Timestamp | None = None
    end_at: Timestamp | None = None

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.start_at is not None and self.end_at is None:
            raise ValueError("endAt is required when startAt is given")
        if self.start_at is not None and self.end_at is not None and self.end_at <= self.start_at:
            raise ValueError("endAt must be after startAt")
        return self


class PriceListRecord(ApiModel):
    model_config = {"extra": "ignore"}

    id: int
    name: str
    is_default: bool
    currency: str
    channel_id: str = "12"
    start_at: Timestamp
    end_at: Timestamp
    created_at: Timestamp
    updated_at: Timestamp
    is_deleted: bool = False

    def active_at(self, moment: datetime) -> bool:
        return self.start_at <= moment < self.end_at


class PriceListSort(StrEnum):
    UPDATED_DESC = "-updatedAt"
    UPDATED_ASC = "+updatedAt"
    ID_DESC = "-id"
    ID_ASC = "+id"


# -- prices --------------------------------------------------------------------------------------


class PriceAmounts(RequestModel):
    base: Money | None = Field(...)  # required, nullable (fabric)
    sale: Money | None = None
    cost: Money | None = None
    clearance: Money | None = None


class QuantityPriceRange(RequestModel):
    min_quantity: int = Field(ge=1, le=1_000_000)
    max_quantity: int | None = Field(None, ge=1, le=1_000_000)
    price: Money

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.max_quantity is not None and self.max_quantity < self.min_quantity:
            raise ValueError("maxQuantity must be at least minQuantity")
        return self


class PriceRange(RequestModel):
    """Only QUANTITY_PRICING is priced by the engine; area and table pricing are refused."""

    price_method_type: Literal["QUANTITY_PRICING"]
    ranges: list[QuantityPriceRange] = Field(min_length=1, max_length=20)
    price_addons: list[dict[str, str]] = Field(default_factory=list, max_length=20)

    @field_validator("ranges")
    @classmethod
    def _disjoint(cls, ranges: list[QuantityPriceRange]) -> list[QuantityPriceRange]:
        ordered = sorted(ranges, key=lambda r: r.min_quantity)
        for low, high in pairwise(ordered):
            if low.max_quantity is None or low.max_quantity >= high.min_quantity:
                raise ValueError("quantity ranges must not overlap")
        return ordered


class Offer(RequestModel):
    start_at: Timestamp
    end_at: Timestamp = OPEN_END
    price: PriceAmounts
    price_range: PriceRange | None = None
    type: Annotated[str, StringConstraints(max_length=40)] | None = None

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if self.end_at <= self.start_at:
            raise ValueError("endAt must be after startAt")
        amounts = self.price
        if (
            amounts.base is None
            and amounts.sale is None
            and amounts.clearance is None
            and not self.price_range
        ):
            raise ValueError("an offer needs a base, sale or clearance price or a priceRange")
        return self

    def active_at(self, moment: datetime) -> bool:
        return self.start_at <= moment < self.end_at


class ItemAttribute(RequestModel):
    name: Label
    value: Label


class PriceInput(RequestModel):
    """Body of POST /prices (create or update one item's offers in one list)."""

    price_list_id: PriceListId | None = None  # None: the tenant's default list
    item_id: ItemId
    item_sku: Sku
    offers: list[Offer] = Field(min_length=1, max_length=MAX_OFFERS)
    categories: list[Label] = Field(default_factory=list, max_length=50)
    collections: list[Label] = Field(default_factory=list, max_length=50)
    attributes: list[ItemAttribute] = Field(default_factory=list, max_length=50)

    @field_validator("offers")
    @classmethod
    def _no_overlap(cls, offers: list[Offer]) -> list[Offer]:
        ordered = sorted(range(len(offers)), key=lambda i: offers[i].start_at)
        for earlier, later in pairwise(ordered):
            if offers[later].start_at < offers[earlier].end_at:
                raise ValueError(
                    f"offers[{later}] overlaps offers[{earlier}]: one item has one price at a time"
                )
        return offers


class PriceBatchInput(RequestModel):
    """Body of POST /prices/batch; entries are validated one by one (see services.prices)."""

    data: list[dict] = Field(min_length=1, max_length=100)


class PriceRecord(ApiModel):
    model_config = {"extra": "ignore"}

    price_list_id: int
    item_id: int
    item_sku: str
    is_deleted: bool = False
    channel_id: str = "12"
    currency: str
    offers: list[Offer]
    categories: list[str] = Field(default_factory=list)
    collections: list[str] = Field(default_factory=list)
    attributes: list[ItemAttribute] = Field(default_factory=list)
    created_at: Timestamp
    updated_at: Timestamp

    def offer_at(self, moment: datetime) -> Offer | None:
        return next((offer for offer in self.offers if offer.active_at(moment)), None)


class OfferStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SCHEDULED = "SCHEDULED"
    ALL = "ALL"


class PriceMetadata(ApiModel):
    price_list_id: int
    item_id: int
    item_sku: str
    is_deleted: bool
    channel_id: str
    currency: str
    categories: list[str]
    collections: list[str]
    attributes: list[ItemAttribute]
    created_at: Timestamp
    updated_at: Timestamp


class OffsetQuery(ApiModel):
    size: int
    offset: int
    count: int


# fabric's offset paging reads past the offset: offset + size is capped for GET /prices and
# GET /price-lists (as for GET /offers-exports); cursor paging (startCursor) has no cap.
MAX_OFFSET = 10_000


class PriceListOffsetPage(ApiModel):
    """``GET /price-lists?offset=`` -> {query: {size, offset, count}, data}."""

    query: OffsetQuery
    data: list[PriceListRecord]


class PriceOffsetPage(ApiModel):
    """``GET /prices?offset=`` -> {query: {size, offset, count}, data}."""

    query: OffsetQuery
    data: list[PriceRecord]


class ItemOffers(ApiModel):
    """GET /prices/{itemId} and /prices/sku/{sku}."""

    query: OffsetQuery
    price_metadata: PriceMetadata
    data: list[Offer]


class BatchProblem(ApiModel):
    """One entry of fabric's DATA_ERROR ``errors``."""

    type: str
    instance: str
    name: str
    detail: str
    status: int


class PriceBatchResult(ApiModel):
    data: list[PriceRecord]
    errors: list[BatchProblem] = Field(default_factory=list)
