"""fabric v3 promotion search: ``POST /promotions/search``.

``{size, offset, sort, filters[{field, operator, value}]}`` with v3 field names and JSON values
(IN takes a list of 1..10) -> ``{query: {size, offset, count}, data: [Promotion]}``, each
promotion exactly as GET /promotions/{id} returns it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator

from offers.models.base import ApiModel, Count, RequestModel
from offers.models.promotions import Promotion, promotion_view
from offers.models.search import (
    MAX_FILTERS,
    MAX_IN_VALUES,
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

    size: Count = Field(10, ge=1, le=MAX_PAGE_SIZE)
    sort: str = "-updatedAt"
    filters: list[PromotionSearchFilter] = Field(default_factory=list, max_length=MAX_FILTERS)

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, sort: str) -> str:
        if sort.lstrip("+-") not in V3_SORTS or len(sort) - len(sort.lstrip("+-")) > 1:
            raise ValueError(f"must be one of {_V3_SORT_CHOICES} (a bare field name sorts ascending)")
        return sort

    def needs_record(self, summary: PromotionSummary) -> bool:
        return True  # every hit is answered with its full promotion

    def answer(self, result: SearchResult) -> PromotionSearchPage:
        data = [
            promotion_view(result.records[s.id], result.now) for s in result.page if s.id in result.records
        ]
        query = PromotionSearchQuery(size=self.size, offset=self.offset, count=result.count)
        return PromotionSearchPage(query=query, data=data)


class PromotionSearchQuery(ApiModel):
    size: int
    offset: int
    count: int


class PromotionSearchPage(ApiModel):
    query: PromotionSearchQuery
    data: list[Promotion]
