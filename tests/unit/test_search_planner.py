"""The search planner: which key ranges of which index and partition a search reads.

Every condition is re-checked in memory, so a plan only has to cover the matches; these tests
pin down that it covers little more than them (the point of having the indexes).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from offers.models.search import SortField
from offers.models.search_v3 import PromotionSearchRequest
from offers.services.search import Criteria, Plan, plan
from offers.store.search import IndexRange

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TICK = NOW + timedelta(milliseconds=1)  # the first millisecond after now
DAY = timedelta(days=1)
ON, OFF = True, False
UPDATED, NAME, START, END, LEVEL = (
    SortField.UPDATED_AT,
    SortField.NAME,
    SortField.START_AT,
    SortField.END_AT,
    SortField.LEVEL,
)


def plan_for(*filters: tuple, sort: str = "-updatedAt", owners: dict | None = None) -> Plan:
    body = {"sort": sort, "filters": [{"field": f, "operator": o, "value": v} for f, o, v in filters]}
    query = PromotionSearchRequest.model_validate(body).to_query()
    return plan(Criteria.of(query.conditions, owners or {}), query.order, NOW)


def ranges(*expected: IndexRange) -> Plan:
    return Plan(ranges=expected)


def iso(moment: datetime) -> str:
    return moment.isoformat()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # no usable predicate: the whole of both partitions, in the index of the requested order
        ([("type", "EQUAL", "CART")], ranges(IndexRange(UPDATED, ON), IndexRange(UPDATED, OFF))),
        # names: one exact-name range per name and partition
        (
            [("name", "IN", ["Black Friday", "black  FRIDAY", "Cyber"])],
            ranges(*(IndexRange(NAME, e, equal=n) for e in (ON, OFF) for n in ("Black Friday", "Cyber"))),
        ),
        # a date window, bounded on both sides
        (
            [
                ("startAt", "GREATER_THAN_OR_EQUAL_TO", iso(NOW - DAY)),
                ("startAt", "LESS_THAN", iso(NOW + DAY)),
            ],
            ranges(*(IndexRange(START, e, lower=NOW - DAY, upper=NOW + DAY) for e in (ON, OFF))),
        ),
        # the window bounded on both sides is preferred over a one-sided one
        (
            [
                ("updatedAt", "GREATER_THAN_OR_EQUAL_TO", iso(NOW - DAY)),
                ("endAt", "GREATER_THAN_OR_EQUAL_TO", iso(NOW)),
                ("endAt", "LESS_THAN", iso(NOW + DAY)),
            ],
            ranges(*(IndexRange(END, e, lower=NOW, upper=NOW + DAY) for e in (ON, OFF))),
        ),
        # levels: one range per run of consecutive levels
        (
            [("level", "IN", [1, 2, 3, 5])],
            ranges(
                *(IndexRange(LEVEL, e, lower=lo, upper=hi) for e in (ON, OFF) for lo, hi in ((1, 4), (5, 6)))
            ),
        ),
        (
            [("level", "GREATER_THAN_OR_EQUAL_TO", 4)],
            ranges(*(IndexRange(LEVEL, e, lower=4, upper=6) for e in (ON, OFF))),
        ),
        # statuses: only the partitions and ranges that can hold them
        ([("status", "EQUAL", "DISABLED")], ranges(IndexRange(UPDATED, OFF))),
        ([("status", "EQUAL", "EXPIRED")], ranges(IndexRange(END, ON, upper=TICK))),
        ([("status", "EQUAL", "SCHEDULED")], ranges(IndexRange(START, ON, lower=TICK))),
        ([("status", "EQUAL", "ACTIVE")], ranges(IndexRange(END, ON, lower=TICK))),
        ([("status", "IN", ["ACTIVE", "SCHEDULED"])], ranges(IndexRange(END, ON, lower=TICK))),
        ([("status", "IN", ["ACTIVE", "EXPIRED"])], ranges(IndexRange(START, ON, upper=TICK))),
        (
            [("status", "IN", ["SCHEDULED", "EXPIRED"])],
            ranges(IndexRange(END, ON, upper=TICK), IndexRange(START, ON, lower=TICK)),
        ),
        (
            [("status", "IN", ["SCHEDULED", "DISABLED"])],
            ranges(IndexRange(START, ON, lower=TICK), IndexRange(UPDATED, OFF)),
        ),
        (
            [("status", "IN", ["SCHEDULED", "ACTIVE", "EXPIRED"])],
            ranges(IndexRange(UPDATED, ON)),
        ),
        # a status narrows a window on the same index ...
        (
            [("status", "EQUAL", "SCHEDULED"), ("startAt", "LESS_THAN", iso(NOW + DAY))],
            ranges(IndexRange(START, ON, lower=TICK, upper=NOW + DAY)),
        ),
        # ... and a window on another index keeps its own bounds (status checked in memory)
        (
            [("status", "EQUAL", "ACTIVE"), ("updatedAt", "GREATER_THAN_OR_EQUAL_TO", iso(NOW - DAY))],
            ranges(IndexRange(UPDATED, ON, lower=NOW - DAY)),
        ),
        # a name beats a window, levels and statuses
        (
            [
                ("status", "EQUAL", "ACTIVE"),
                ("level", "EQUAL", 1),
                ("startAt", "LESS_THAN", iso(NOW)),
                ("name", "EQUAL", "x"),
            ],
            ranges(IndexRange(NAME, ON, equal="x")),
        ),
        # a window beats levels
        (
            [("level", "EQUAL", 1), ("startAt", "LESS_THAN", iso(NOW))],
            ranges(*(IndexRange(START, e, upper=NOW) for e in (ON, OFF))),
        ),
        # nothing can match: nothing is read
        ([("level", "EQUAL", 1), ("level", "EQUAL", 2)], Plan(ids=frozenset())),
        (
            [("startAt", "GREATER_THAN_OR_EQUAL_TO", iso(NOW)), ("startAt", "LESS_THAN", iso(NOW))],
            Plan(ids=frozenset()),
        ),
        ([("status", "EQUAL", "ACTIVE"), ("status", "EQUAL", "EXPIRED")], Plan(ids=frozenset())),
        ([("name", "EQUAL", "a"), ("name", "EQUAL", "b")], Plan(ids=frozenset())),
        (
            [("status", "EQUAL", "EXPIRED"), ("endAt", "GREATER_THAN_OR_EQUAL_TO", iso(NOW + DAY))],
            Plan(ranges=()),
        ),
    ],
)
def test_given_filters_then_the_planned_key_ranges(filters, expected):
    assert plan_for(*filters) == expected


def test_given_no_usable_predicate_then_the_index_of_the_requested_order():
    assert plan_for(("isImplicit", "EQUAL", True), sort="+level") == ranges(
        IndexRange(LEVEL, ON), IndexRange(LEVEL, OFF)
    )


def test_given_ids_then_they_are_read_by_id_whatever_else_is_asked():
    a, b = "a" * 24, "b" * 24
    assert plan_for(("id", "IN", [a, b]), ("name", "EQUAL", "x"), ("id", "EQUAL", b)) == Plan(
        ids=frozenset({b})
    )


def test_given_coupon_codes_then_the_ids_owning_them_are_read():
    owners = {0: frozenset({"c" * 24, "d" * 24}), 1: frozenset({"d" * 24})}
    planned = plan_for(("couponCode", "IN", ["X", "Y"]), ("couponCode", "EQUAL", "Y"), owners=owners)
    assert planned == Plan(ids=frozenset({"d" * 24}))
    assert plan_for(("couponCode", "EQUAL", "NOPE"), owners={0: frozenset()}) == Plan(ids=frozenset())
