"""Promotion search: the one canonical query both API dialects translate into.

A dialect (fabric v3 ``POST /promotions/search``, fabric v2 ``POST /api-offers/promo/search``)
names fields its own way and sends values its own way (v3: JSON values and lists; v2: strings,
IN as comma-separated text). ``conditions`` turns either into typed ``Condition``s over the
canonical ``SearchField``s, raising the fabric error types for what is wrong and where:

* an unknown field: ``INVALID_SEARCH_FILTER_FIELD`` at ``filters[i].field``;
* an operator the field does not take: ``INVALID_FILTER_OPERATOR`` at ``filters[i].operator``;
* a status that does not exist: ``INVALID_PROMO_STATE`` at ``filters[i].value``;
* any other bad value (date, number, boolean, enum, id, too many values): ``REQUEST_VALIDATION``
  at ``filters[i].value``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, ClassVar, NamedTuple

from pydantic import Field

from offers.clock import as_utc, ceil_to_millisecond
from offers.errors import InvalidInput, quoted
from offers.ids import is_id
from offers.models.base import ApiModel, Count, RequestModel
from offers.models.promotions import (
    MAX_LEVEL,
    MIN_LEVEL,
    PromotionRecord,
    PromotionStatus,
    PromotionType,
    StackingType,
)

MAX_FILTERS = 20
MAX_IN_VALUES = 10
MAX_VALUE_LENGTH = 120
MAX_PAGE_SIZE = 100
MAX_WINDOW = 10_000  # offset + page size: deeper pages are refused (every page re-reads its window)


class FilterOperator(StrEnum):
    EQUAL = "EQUAL"
    GREATER_THAN_OR_EQUAL_TO = "GREATER_THAN_OR_EQUAL_TO"
    LESS_THAN = "LESS_THAN"
    IN = "IN"


class SearchField(StrEnum):
    """Canonical filter fields (named as in fabric v3)."""

    ID = "id"
    PROMO_ID = "promoId"
    COUPON_CODE = "couponCode"
    STATUS = "status"
    NAME = "name"
    TYPE = "type"
    START_AT = "startAt"
    END_AT = "endAt"
    UPDATED_AT = "updatedAt"
    LEVEL = "level"
    STACKING_TYPE = "stackingType"
    IS_IMPLICIT = "isImplicit"
    IS_EXCLUSIVE = "isExclusive"
    ELIGIBLE_PRICE_LISTS = "eligiblePriceLists"


class SortField(StrEnum):
    """Canonical sort orders; each is one search index (same names as the stored fields)."""

    UPDATED_AT = "updatedAt"
    NAME = "name"
    START_AT = "startAt"
    END_AT = "endAt"
    LEVEL = "level"


# -- value parsers: raw (a JSON value, or text in v2) -> typed; ValueError names the problem ---


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueError("must be a string")
    text = raw.strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _promotion_id(raw: Any) -> str:
    text = _text(raw)
    if not is_id(text):
        raise ValueError(f"{quoted(text)} is not a promotion id (24 lowercase hex characters)")
    return text


def _whole_number(low: int, high: int) -> Callable[[Any], int]:
    def parse(raw: Any) -> int:
        if isinstance(raw, bool):
            raise ValueError("must be a whole number")
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, str) and re.fullmatch(r"[0-9]{1,12}", raw.strip()):
            raw = int(raw)
        if not isinstance(raw, int):
            raise ValueError("must be a whole number")
        if not low <= raw <= high:
            raise ValueError(f"must be between {low} and {high}")
        return raw

    return parse


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise ValueError("must be true or false")


def _member(enum: type[Enum]) -> Callable[[Any], str]:
    allowed = [member.value for member in enum]

    def parse(raw: Any) -> str:
        text = _text(raw)
        if text not in allowed:
            raise ValueError(f"{quoted(text)} is not one of {', '.join(allowed)}")
        return text

    return parse


def _timestamp(raw: Any) -> datetime:
    """ISO 8601 (a zone-less time is UTC), rounded up to the millisecond.

    Stored times have millisecond precision, so for them ``t >= x`` and ``t < x`` hold exactly
    when they hold for ``x`` rounded up; the rounded bound is also an exact index key bound.
    """
    text = _text(raw)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{quoted(text)} is not an ISO 8601 date-time, e.g. 2026-11-27T00:00:00Z") from None
    moment = as_utc(moment)
    return ceil_to_millisecond(moment)


# -- the fields ------------------------------------------------------------------------------

EQUALITY = frozenset({FilterOperator.EQUAL, FilterOperator.IN})
RANGE = frozenset({FilterOperator.GREATER_THAN_OR_EQUAL_TO, FilterOperator.LESS_THAN})
ALL_OPERATORS = EQUALITY | RANGE


class FieldRule(NamedTuple):
    operators: frozenset[FilterOperator]
    parse: Callable[[Any], Any]
    error_code: str | None = None  # the fabric error type of a bad value, if not REQUEST_VALIDATION


FIELD_RULES: dict[SearchField, FieldRule] = {
    SearchField.ID: FieldRule(EQUALITY, _promotion_id),
    SearchField.PROMO_ID: FieldRule(ALL_OPERATORS, _whole_number(0, 10**12)),
    SearchField.COUPON_CODE: FieldRule(EQUALITY, _text),
    SearchField.STATUS: FieldRule(EQUALITY, _member(PromotionStatus), "INVALID_PROMO_STATE"),
    SearchField.NAME: FieldRule(EQUALITY, _text),
    SearchField.TYPE: FieldRule(EQUALITY, _member(PromotionType)),
    SearchField.START_AT: FieldRule(RANGE, _timestamp),
    SearchField.END_AT: FieldRule(RANGE, _timestamp),
    SearchField.UPDATED_AT: FieldRule(RANGE, _timestamp),
    SearchField.LEVEL: FieldRule(ALL_OPERATORS, _whole_number(MIN_LEVEL, MAX_LEVEL)),
    SearchField.STACKING_TYPE: FieldRule(EQUALITY, _member(StackingType)),
    SearchField.IS_IMPLICIT: FieldRule(frozenset({FilterOperator.EQUAL}), _boolean),
    SearchField.IS_EXCLUSIVE: FieldRule(frozenset({FilterOperator.EQUAL}), _boolean),
    SearchField.ELIGIBLE_PRICE_LISTS: FieldRule(EQUALITY, _whole_number(1, 10**12)),
}


class Condition(NamedTuple):
    """One filter, typed: ``values`` has one value, or (for IN) 1..10 distinct values."""

    field: SearchField
    operator: FilterOperator
    values: tuple[Any, ...]

    @property
    def value(self) -> Any:
        return self.values[0]


class RawFilter(NamedTuple):
    """A filter as a dialect received it: its own field name, and a value or list of values."""

    field: str
    operator: FilterOperator
    values: Sequence[Any]
    is_list: bool = False


def _filter_error(position: int, part: str, message: str, code: str | None = None) -> InvalidInput:
    return InvalidInput.for_field(f"filters[{position}].{part}", message, code=code)


def _condition(position: int, raw: RawFilter, names: Mapping[str, SearchField]) -> Condition:
    field = names.get(raw.field)
    if field is None:
        raise _filter_error(
            position,
            "field",
            f"{quoted(raw.field)} is not a searchable field; use one of {', '.join(names)}",
            "INVALID_SEARCH_FILTER_FIELD",
        )
    rule = FIELD_RULES[field]
    if raw.operator not in rule.operators:
        allowed = ", ".join(op.value for op in FilterOperator if op in rule.operators)
        raise _filter_error(
            position,
            "operator",
            f"{raw.operator.value} is not allowed for {raw.field}; use {allowed}",
            "INVALID_FILTER_OPERATOR",
        )
    if raw.operator is FilterOperator.IN:
        if not 1 <= len(raw.values) <= MAX_IN_VALUES:
            raise _filter_error(position, "value", f"IN takes 1 to {MAX_IN_VALUES} values")
    elif raw.is_list or len(raw.values) != 1:
        raise _filter_error(position, "value", f"{raw.operator.value} takes a single value")
    parsed: list[Any] = []
    for value in raw.values:
        try:
            typed = rule.parse(value)
        except ValueError as error:
            raise _filter_error(position, "value", str(error), rule.error_code) from None
        if typed not in parsed:
            parsed.append(typed)
    return Condition(field, raw.operator, tuple(parsed))


def conditions(filters: Iterable[RawFilter], names: Mapping[str, SearchField]) -> tuple[Condition, ...]:
    """Typed conditions; ``names`` maps the dialect's field names to canonical fields."""
    return tuple(_condition(position, raw, names) for position, raw in enumerate(filters))


class SearchQuery(NamedTuple):
    """What to find (conditions, ANDed), in which order, and which slice of the matches."""

    conditions: tuple[Condition, ...]
    order: SortField
    descending: bool
    offset: int
    limit: int

    @classmethod
    def build(
        cls,
        *,
        conditions: tuple[Condition, ...],
        order: SortField,
        descending: bool,
        offset: int,
        limit: int,
        limit_name: str,
    ) -> SearchQuery:
        if offset + limit > MAX_WINDOW:
            raise InvalidInput.for_field(
                "offset", f"offset + {limit_name} must be at most {MAX_WINDOW}; narrow the filters instead"
            )
        return cls(conditions, order, descending, offset, limit)


def parse_sort(text: str, names: Mapping[str, SortField]) -> tuple[SortField, bool]:
    """'-name' -> (NAME, descending); '+name' or 'name' -> ascending. ``text`` is pre-validated."""
    descending = text.startswith("-")
    return names[text.lstrip("+-")], descending


class PromotionSummary(NamedTuple):
    """What the search indexes hold of a promotion: enough to filter, sort and count.

    ``order_key`` is the promotion's key in the index of the requested order (unique: it ends
    in the id), so sorting by it gives exactly the index's order.
    """

    id: str
    promo_id: int
    name: str
    type: str
    start_at: datetime
    end_at: datetime | None
    updated_at: datetime
    level: int
    stacking_type: str
    is_implicit: bool
    is_exclusive: bool
    is_enabled: bool
    eligible_price_lists: tuple[int, ...]
    code_count: int
    order_key: str


class SearchResult(NamedTuple):
    """What the engine found: the count of all matches and the requested page of them."""

    count: int
    page: list[PromotionSummary]
    records: dict[str, PromotionRecord]  # full records of the page entries the dialect asked for
    now: datetime  # the moment statuses were derived at


class SearchRequest(RequestModel):
    """A dialect's search body: it names fields, sorts and the page size its own way, decides
    which page entries need their full record, and shapes the answer."""

    FIELDS: ClassVar[Mapping[str, SearchField]]
    SORTS: ClassVar[Mapping[str, SortField]]
    PAGE_SIZE: ClassVar[str]  # the body field that holds the page size

    offset: Count = Field(0, ge=0)
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

    def needs_record(self, summary: PromotionSummary) -> bool:
        raise NotImplementedError

    def answer(self, result: SearchResult) -> ApiModel:
        raise NotImplementedError
