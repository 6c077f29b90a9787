"""The two promotion search dialects: request bodies, their mapping onto ``SearchQuery``, and
response bodies.

* fabric v3 ``POST /promotions/search``: ``{size, offset, sort, filters[{field, operator, value}]}``
  with v3 field names, JSON values (IN takes a list) -> ``{query: {size, offset, count},
  data: [Promotion]}``.
* fabric v2 ``POST /api-offers/promo/search`` (seed 003): ``{offset, limit, sort,
  filters[{field, value, operator}]}`` with v2 field names, string values (IN takes
  comma-separated values) -> ``{query: {limit, offset, count}, data: [V2Promo]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, StringConstraints, field_validator

from offers.models.base import ApiModel, RequestModel, Timestamp
from offers.models.promotions import Promotion, PromotionStatus, StackingType
from offers.models.search import (
    MAX_FILTERS,
    MAX_IN_VALUES,
    MAX_PAGE_SIZE,
    MAX_VALUE_LENGTH,
    FilterOperator,
    PromotionSummary,
    RawFilter,
    SearchField,
    SearchQuery,
    SortField,
    conditions,
    parse_sort,
)


class SearchRequest(RequestModel):
    """What both dialects' request bodies share: they differ in names, not in meaning."""

    FIELDS: ClassVar[Mapping[str, SearchField]]
    SORTS: ClassVar[Mapping[str, SortField]]
    PAGE_SIZE: ClassVar[str]  # the body field that holds the page size

    offset: int = Field(0, ge=0)
    sort: str  # each dialect narrows these two and gives them defaults
    filters: list[Any]

    def to_query(self) -> SearchQuery:
        order, descending = parse_sort(self.sort, self.SORTS)
        return SearchQuery.build(
            conditions=conditions((f.raw() for f in self.filters), self.FIELDS),
            order=order,
            descending=descending,
            offset=self.offset,
            limit=getattr(self, self.PAGE_SIZE),
            limit_name=self.PAGE_SIZE,
        )


# -- fabric v3 ---------------------------------------------------------------------------------

V3_FIELDS = {field.value: field for field in SearchField}
V3_SORTS = {field.value: field for field in SortField}
_V3_SORT_CHOICES = ", ".join(f"{sign}{name}" for name in V3_SORTS for sign in "+-")


def _is_scalar(value: Any) -> bool:
    if isinstance(value, str):
        return 1 <= len(value.strip()) <= MAX_VALUE_LENGTH
    return isinstance(value, bool | int | float)


class PromotionSearchFilter(RequestModel):
    field: Annotated[str, StringConstraints(min_length=1, max_length=MAX_VALUE_LENGTH)]
    operator: FilterOperator
    value: Any

    @field_validator("value")
    @classmethod
    def _scalar_or_list(cls, value: Any) -> Any:
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and not 1 <= len(value) <= MAX_IN_VALUES:
            raise ValueError(f"a list of values holds 1 to {MAX_IN_VALUES} values")
        if not all(_is_scalar(item) for item in values):
            raise ValueError(
                f"must be a string (1 to {MAX_VALUE_LENGTH} characters), number or boolean, or a list of them"
            )
        return value

    def raw(self) -> RawFilter:
        is_list = isinstance(self.value, list)
        return RawFilter(
            self.field, FilterOperator(self.operator), self.value if is_list else [self.value], is_list
        )


class PromotionSearchRequest(SearchRequest):
    """Body of POST /promotions/search (fabric v3)."""

    FIELDS = V3_FIELDS
    SORTS = V3_SORTS
    PAGE_SIZE = "size"

    size: int = Field(10, ge=1, le=MAX_PAGE_SIZE)
    sort: str = "-updatedAt"
    filters: list[PromotionSearchFilter] = Field(default_factory=list, max_length=MAX_FILTERS)

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, sort: str) -> str:
        if sort.lstrip("+-") not in V3_SORTS or len(sort) - len(sort.lstrip("+-")) > 1:
            raise ValueError(f"must be one of {_V3_SORT_CHOICES} (a bare field name sorts ascending)")
        return sort


class PromotionSearchQuery(ApiModel):
    size: int
    offset: int
    count: int


class PromotionSearchPage(ApiModel):
    query: PromotionSearchQuery
    data: list[Promotion]


# -- fabric v2 ---------------------------------------------------------------------------------

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

    limit: int = Field(10, ge=1, le=MAX_PAGE_SIZE)
    sort: V2Sort = "-updatedAt"
    filters: list[V2PromoSearchFilter] = Field(default_factory=list, max_length=MAX_FILTERS)


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
