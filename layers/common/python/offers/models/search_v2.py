"""fabric v2 promotion search (seed 003): ``POST /api-offers/promo/search``.

``{offset, limit, sort, filters[{field, value, operator}]}`` with v2 field names and string
values (IN takes 1..10 comma-separated values) -> ``{query: {limit, offset, count},
data: [V2Promo]}``, exactly the seed's fields.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from offers.models.base import ApiModel, Count, RequestModel, Timestamp
from offers.models.promotions import PromotionStatus, StackingType, promotion_status
from offers.models.search import (
    MAX_FILTERS,
    MAX_PAGE_SIZE,
    MAX_VALUE_LENGTH,
    FilterOperator,
    PromotionSummary,
    RawFilter,
    SearchField,
    SearchRequest,
    SearchResult,
    SortField,
)

V2_FIELDS = {
    "_id": SearchField.ID,
    "promoId": SearchField.PROMO_ID,
    "promoCodes": SearchField.COUPON_CODE,
    "state": SearchField.STATUS,
    "title": SearchField.NAME,
    "type": SearchField.TYPE,
    "startDate": SearchField.START_AT,
    "endDate": SearchField.END_AT,
    "updatedAt": SearchField.UPDATED_AT,
    "level": SearchField.LEVEL,
    "stackingType": SearchField.STACKING_TYPE,
    "isImplicit": SearchField.IS_IMPLICIT,
    "isExclusive": SearchField.IS_EXCLUSIVE,
    "eligiblePriceList": SearchField.ELIGIBLE_PRICE_LISTS,
}
V2_SORTS = {
    "updatedAt": SortField.UPDATED_AT,
    "title": SortField.NAME,
    "startDate": SortField.START_AT,
    "endDate": SortField.END_AT,
    "level": SortField.LEVEL,
}
V2Sort = Literal[
    "+updatedAt",
    "-updatedAt",
    "+title",
    "-title",
    "+startDate",
    "-startDate",
    "+endDate",
    "-endDate",
    "+level",
    "-level",
]


class V2PromoSearchFilter(RequestModel):
    field: Annotated[str, StringConstraints(min_length=3, max_length=MAX_VALUE_LENGTH)]
    value: Annotated[str, StringConstraints(min_length=1, max_length=MAX_VALUE_LENGTH)]
    operator: FilterOperator

    def raw(self) -> RawFilter:
        operator = FilterOperator(self.operator)
        if operator is FilterOperator.IN:
            return RawFilter(self.field, operator, self.value.split(","), is_list=True)
        return RawFilter(self.field, operator, [self.value])


class V2PromoSearchRequest(SearchRequest):
    """Body of POST /api-offers/promo/search (fabric v2, seed 003)."""

    FIELDS = V2_FIELDS
    SORTS = V2_SORTS
    PAGE_SIZE = "limit"

    limit: Count = Field(10, ge=1, le=MAX_PAGE_SIZE)
    sort: V2Sort = "-updatedAt"
    filters: list[V2PromoSearchFilter] = Field(default_factory=list, max_length=MAX_FILTERS)

    def needs_record(self, summary: PromotionSummary) -> bool:
        return not summary.is_implicit  # a coupon's codes (promoCodes) are only in its record

    def answer(self, result: SearchResult) -> V2PromoSearchPage:
        data = [
            V2Promo.of(
                s,
                promotion_status(s, result.now),
                result.records[s.id].coupon_codes if s.id in result.records else [],
            )
            for s in result.page
        ]
        query = V2PromoSearchQuery(limit=self.limit, offset=self.offset, count=result.count)
        return V2PromoSearchPage(query=query, data=data)


class V2PromoSearchQuery(ApiModel):
    limit: int
    offset: int
    count: int


class V2Promo(ApiModel):
    """One v2 search result, with exactly the seed's fields in the seed's order."""

    id: str = Field(alias="_id")
    promo_id: int
    promo_codes: list[str]
    promo_count: int
    state: PromotionStatus
    is_implicit: bool
    title: str
    start_date: Timestamp
    end_date: Timestamp | None
    is_exclusive: bool
    eligible_price_list: list[int]
    level: int
    stacking_type: StackingType
    updated_at: Timestamp

    @classmethod
    def of(cls, summary: PromotionSummary, state: PromotionStatus, codes: list[str]) -> V2Promo:
        """``codes``: the coupon's codes ([] for an automatic promotion)."""
        return cls(
            id=summary.id,
            promo_id=summary.promo_id,
            promo_codes=codes,
            promo_count=summary.code_count,
            state=state,
            is_implicit=summary.is_implicit,
            title=summary.name,
            start_date=summary.start_at,
            end_date=summary.end_at,
            is_exclusive=summary.is_exclusive,
            eligible_price_list=list(summary.eligible_price_lists),
            level=summary.level,
            stacking_type=summary.stacking_type,
            updated_at=summary.updated_at,
        )


class V2PromoSearchPage(ApiModel):
    query: V2PromoSearchQuery
    data: list[V2Promo]
