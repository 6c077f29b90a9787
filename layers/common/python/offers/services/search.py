"""Promotion search: plan one access path, read its key ranges, filter, sort, count, slice.

1. ``Criteria`` folds the (ANDed) conditions into what an index can use: candidate ids (from
   ids and coupon codes), names, a window per date field, allowed levels, allowed statuses.
2. ``plan`` picks ONE access path, most selective first: ids -> names -> a date window ->
   levels -> statuses -> the index of the requested order. It also picks the partitions:
   enabled promotions, disabled ones, or both, from the statuses asked for.
3. Every entry in the chosen key ranges is read (only the indexes' small projection), every
   condition is applied in memory (so a key range only ever has to be a superset), the
   matches are sorted by the requested index's own key (total: it ends in the id), counted
   and sliced; full records are read only for the page.

With no filters at all, the count is the tenant's promotion counter and only the first
offset+limit entries of each partition are read.

Status is derived at the moment of the search (``promotion_status``), at millisecond precision
like the stored times, so index ranges for a status are exact.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from operator import attrgetter
from typing import NamedTuple

from offers.clock import utc_now
from offers.models.base import ApiModel
from offers.models.promotions import (
    MAX_LEVEL,
    MIN_LEVEL,
    PromotionRecord,
    PromotionStatus,
    promotion_status,
)
from offers.models.search import (
    Condition,
    FilterOperator,
    PromotionSummary,
    SearchField,
    SearchQuery,
    SearchRequest,
    SearchResult,
    SortField,
)
from offers.store import keys
from offers.store.promotions import PromotionStore
from offers.store.search import IndexRange, SearchStore

_search_store = SearchStore()
_promotion_store = PromotionStore()

ALL_LEVELS = frozenset(range(MIN_LEVEL, MAX_LEVEL + 1))
ALL_STATUSES = frozenset(PromotionStatus)
ENABLED_STATUSES = frozenset({PromotionStatus.ACTIVE, PromotionStatus.SCHEDULED, PromotionStatus.EXPIRED})
DATE_FIELDS = {
    SearchField.START_AT: SortField.START_AT,
    SearchField.END_AT: SortField.END_AT,
    SearchField.UPDATED_AT: SortField.UPDATED_AT,
}
_MILLISECOND = timedelta(milliseconds=1)


# -- criteria: what the conditions allow, in the terms indexes understand -----------------------


class Window(NamedTuple):
    """lower <= value < upper; None is unbounded."""

    lower: datetime | None = None
    upper: datetime | None = None

    def __and__(self, other: Window) -> Window:
        lowers = [b for b in (self.lower, other.lower) if b is not None]
        uppers = [b for b in (self.upper, other.upper) if b is not None]
        return Window(max(lowers, default=None), min(uppers, default=None))

    @property
    def bounded(self) -> int:
        return (self.lower is not None) + (self.upper is not None)

    @property
    def empty(self) -> bool:
        return self.lower is not None and self.upper is not None and self.lower >= self.upper


def _restrict(current: frozenset | None, allowed: Iterable) -> frozenset:
    allowed = frozenset(allowed)
    return allowed if current is None else current & allowed


class Criteria:
    """What the conditions allow, in the terms the indexes understand."""

    def __init__(self) -> None:
        self.ids: frozenset[str] | None = None  # None: any id
        self.names: dict[str, str] | None = None  # search form -> a name as asked; None: any name
        self.windows: dict[SortField, Window] = {}
        self.levels: frozenset[int] = ALL_LEVELS
        self.statuses: frozenset[PromotionStatus] = ALL_STATUSES

    @classmethod
    def of(cls, conditions: Iterable[Condition], code_owners: dict[int, frozenset[str]]) -> Criteria:
        """``code_owners``: for each coupon-code condition (by position), the ids owning its codes."""
        criteria = cls()
        for position, condition in enumerate(conditions):
            criteria._add(condition, code_owners.get(position, frozenset()))
        return criteria

    def _add(self, condition: Condition, owners: frozenset[str]) -> None:
        match condition.field:
            case SearchField.ID:
                self.ids = _restrict(self.ids, condition.values)
            case SearchField.COUPON_CODE:
                self.ids = _restrict(self.ids, owners)
            case SearchField.NAME:
                asked: dict[str, str] = {}
                for name in condition.values:
                    asked.setdefault(keys.search_name(name), name)
                self.names = {
                    form: name for form, name in asked.items() if self.names is None or form in self.names
                }
            case SearchField.STATUS:
                self.statuses &= frozenset(PromotionStatus(v) for v in condition.values)
            case SearchField.LEVEL:
                self.levels &= frozenset(level for level in ALL_LEVELS if _compare(condition, level))
            case date_field if date_field in DATE_FIELDS:
                window = self.windows.get(DATE_FIELDS[date_field], Window())
                if condition.operator is FilterOperator.GREATER_THAN_OR_EQUAL_TO:
                    window &= Window(lower=condition.value)
                else:
                    window &= Window(upper=condition.value)
                self.windows[DATE_FIELDS[date_field]] = window
            case _:
                pass  # not indexed: applied in memory only

    @property
    def impossible(self) -> bool:
        return (
            self.ids == frozenset()
            or self.names == {}
            or not self.levels
            or not self.statuses
            or any(window.empty for window in self.windows.values())
        )


# -- in-memory conditions -------------------------------------------------------------------------


def _compare(condition: Condition, actual: object) -> bool:
    """``actual <op> value``; None (a missing endAt) is later than any date."""
    match condition.operator:
        case FilterOperator.EQUAL:
            return actual == condition.value
        case FilterOperator.IN:
            return actual in condition.values
        case FilterOperator.GREATER_THAN_OR_EQUAL_TO:
            return actual is None or actual >= condition.value  # type: ignore[operator]
        case _:
            return actual is not None and actual < condition.value  # type: ignore[operator]


Matcher = Callable[[PromotionSummary, datetime], bool]

_FIELD_VALUE: dict[SearchField, Callable[[PromotionSummary, datetime], object]] = {
    SearchField.ID: lambda s, now: s.id,
    SearchField.PROMO_ID: lambda s, now: s.promo_id,
    SearchField.STATUS: lambda s, now: promotion_status(s, now).value,
    SearchField.NAME: lambda s, now: keys.search_name(s.name),
    SearchField.TYPE: lambda s, now: s.type,
    SearchField.START_AT: lambda s, now: s.start_at,
    SearchField.END_AT: lambda s, now: s.end_at,
    SearchField.UPDATED_AT: lambda s, now: s.updated_at,
    SearchField.LEVEL: lambda s, now: s.level,
    SearchField.STACKING_TYPE: lambda s, now: s.stacking_type,
    SearchField.IS_IMPLICIT: lambda s, now: s.is_implicit,
    SearchField.IS_EXCLUSIVE: lambda s, now: s.is_exclusive,
}


def matcher(condition: Condition, owners: frozenset[str] = frozenset()) -> Matcher:
    """The exact test of one condition against an index entry."""
    if condition.field is SearchField.COUPON_CODE:
        return lambda s, now: s.id in owners
    if condition.field is SearchField.ELIGIBLE_PRICE_LISTS:  # a list: contains / contains any
        wanted = frozenset(condition.values)
        return lambda s, now: not wanted.isdisjoint(s.eligible_price_lists)
    if condition.field is SearchField.NAME:
        condition = Condition(
            condition.field, condition.operator, tuple(map(keys.search_name, condition.values))
        )
    value_of = _FIELD_VALUE[condition.field]
    return lambda s, now: _compare(condition, value_of(s, now))


# -- the plan -----------------------------------------------------------------------------------


class Plan(NamedTuple):
    """Read these promotions by id, or else these index key ranges (none: nothing can match)."""

    ids: frozenset[str] | None = None
    ranges: tuple[IndexRange, ...] = ()


def _status_ranges(statuses: frozenset[PromotionStatus], tick: datetime) -> list[tuple[SortField, Window]]:
    """Index windows of the enabled partition that together hold exactly ``statuses``
    (a subset of ACTIVE, SCHEDULED, EXPIRED); [] when every enabled promotion qualifies.

    ``tick`` is the first millisecond after now: ACTIVE is start < tick <= end, SCHEDULED
    start >= tick, EXPIRED end < tick (an open end is never < tick).
    """
    scheduled, active, expired = (
        status in statuses
        for status in (PromotionStatus.SCHEDULED, PromotionStatus.ACTIVE, PromotionStatus.EXPIRED)
    )
    if scheduled and active and expired:
        return []
    if not expired:  # ACTIVE and/or SCHEDULED: not ended yet (ACTIVE's start <= now in memory)
        if scheduled and not active:
            return [(SortField.START_AT, Window(lower=tick))]
        return [(SortField.END_AT, Window(lower=tick))]
    if active:  # ACTIVE + EXPIRED: started
        return [(SortField.START_AT, Window(upper=tick))]
    ranges = [(SortField.END_AT, Window(upper=tick))]
    if scheduled:  # SCHEDULED + EXPIRED: two disjoint ranges
        ranges.append((SortField.START_AT, Window(lower=tick)))
    return ranges


def _window_range(order: SortField, enabled: bool, window: Window) -> IndexRange:
    return IndexRange(order, enabled, lower=window.lower, upper=window.upper)


def _level_ranges(levels: frozenset[int], enabled: bool) -> list[IndexRange]:
    """One range per run of consecutive levels: {1, 2, 3, 5} -> [1, 4), [5, 6)."""
    ranges: list[IndexRange] = []
    for level in sorted(levels):
        last = ranges[-1] if ranges else None
        if last is not None and last.upper == level:
            ranges[-1] = IndexRange(SortField.LEVEL, enabled, lower=last.lower, upper=level + 1)
        else:
            ranges.append(IndexRange(SortField.LEVEL, enabled, lower=level, upper=level + 1))
    return ranges


def _best_window(windows: dict[SortField, Window]) -> SortField | None:
    """The date field with the narrowest-looking window: bounded on both sides beats one side."""
    bounded = [order for order, window in windows.items() if window.bounded]
    return max(bounded, key=lambda order: windows[order].bounded, default=None)


def _partition_ranges(
    criteria: Criteria, order: SortField, enabled: bool, tick: datetime
) -> list[IndexRange]:
    status_ranges = _status_ranges(criteria.statuses & ENABLED_STATUSES, tick) if enabled else []
    if criteria.names is not None:
        return [IndexRange(SortField.NAME, enabled, equal=name) for name in criteria.names.values()]
    date_field = _best_window(criteria.windows)
    if date_field is not None:
        window = criteria.windows[date_field]
        if status_ranges and all(status_field is date_field for status_field, _ in status_ranges):
            windows = [window & status_window for _, status_window in status_ranges]
            return [_window_range(date_field, enabled, w) for w in windows if not w.empty]
        return [_window_range(date_field, enabled, window)]
    if criteria.levels != ALL_LEVELS:
        return _level_ranges(criteria.levels, enabled)
    if status_ranges:
        return [_window_range(status_field, enabled, window) for status_field, window in status_ranges]
    return [IndexRange(order, enabled)]


def plan(criteria: Criteria, order: SortField, now: datetime) -> Plan:
    """One access path for ``criteria`` (``now`` at millisecond precision)."""
    if criteria.impossible:
        return Plan(ids=frozenset())
    if criteria.ids is not None:
        return Plan(ids=criteria.ids)
    partitions = [
        enabled
        for enabled, statuses in ((True, ENABLED_STATUSES), (False, {PromotionStatus.DISABLED}))
        if criteria.statuses & statuses
    ]
    tick = now + _MILLISECOND
    return Plan(
        ranges=tuple(r for enabled in partitions for r in _partition_ranges(criteria, order, enabled, tick))
    )


# -- the engine ---------------------------------------------------------------------------------


def _now() -> datetime:
    moment = utc_now()
    return moment.replace(microsecond=moment.microsecond - moment.microsecond % 1000)


def _code_owners(tenant_id: str, conditions: Iterable[Condition]) -> dict[int, frozenset[str]]:
    return {
        position: frozenset(_search_store.code_owners(tenant_id, condition.values))
        for position, condition in enumerate(conditions)
        if condition.field is SearchField.COUPON_CODE
    }


def _unfiltered(tenant_id: str, query: SearchQuery) -> tuple[int, list[PromotionSummary]]:
    """No filters: the first offset+limit entries of each partition, merged; the counter's count."""
    partitions = [
        _search_store.read_first(
            tenant_id,
            query.order,
            enabled=enabled,
            count=query.offset + query.limit,
            descending=query.descending,
        )
        for enabled in (True, False)
    ]
    merged = heapq.merge(*partitions, key=attrgetter("order_key"), reverse=query.descending)
    page = list(merged)[query.offset : query.offset + query.limit]
    # The counter is exact; the indexes may lag it a moment. A page never says less than it shows.
    return max(_promotion_store.count(tenant_id), query.offset + len(page) if page else 0), page


def _filtered(
    tenant_id: str, query: SearchQuery, now: datetime, known: dict[str, PromotionRecord]
) -> tuple[int, list[PromotionSummary]]:
    """Read the planned access path, keep the matches, sort, count, slice. Records read on the
    way (by id) are added to ``known``."""
    owners = _code_owners(tenant_id, query.conditions)
    chosen = plan(Criteria.of(query.conditions, owners), query.order, now)
    candidates: dict[str, PromotionSummary] = {}
    if chosen.ids is not None:
        for summary, record in _search_store.by_ids(tenant_id, chosen.ids, query.order):
            candidates[summary.id] = summary
            known[summary.id] = record
    for key_range in chosen.ranges:
        candidates.update((s.id, s) for s in _search_store.read_range(tenant_id, key_range, query.order))
    matchers = [matcher(c, owners.get(i, frozenset())) for i, c in enumerate(query.conditions)]
    matches = [s for s in candidates.values() if all(match(s, now) for match in matchers)]
    matches.sort(key=attrgetter("order_key"), reverse=query.descending)
    return len(matches), matches[query.offset : query.offset + query.limit]


def search(
    tenant_id: str, query: SearchQuery, *, records_for: Callable[[PromotionSummary], bool]
) -> SearchResult:
    """The matches' count and the requested page, with the full records of the page entries
    ``records_for`` selects (a promotion deleted since the index was read has none)."""
    now = _now()
    known: dict[str, PromotionRecord] = {}
    if query.conditions:
        count, page = _filtered(tenant_id, query, now, known)
    else:
        count, page = _unfiltered(tenant_id, query)
    wanted = [s.id for s in page if records_for(s) and s.id not in known]
    known.update(_promotion_store.get_many(tenant_id, wanted) if wanted else {})
    records = {s.id: known[s.id] for s in page if records_for(s) and s.id in known}
    return SearchResult(count, page, records, now)


# -- the entry point ---------------------------------------------------------------------------


def search_promotions(tenant_id: str, request: SearchRequest) -> ApiModel:
    """A search in either dialect: the request says which records it needs and shapes the answer."""
    return request.answer(search(tenant_id, request.to_query(), records_for=request.needs_record))
