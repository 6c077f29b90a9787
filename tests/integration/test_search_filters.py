"""Promotion search behaviour shared by both dialects (one engine) that needs its own data:
name order, ties, paging and counts, status at search time, tenant isolation.

Each test runs in fabric v3 (POST /promotions/search) and in fabric v2
(POST /api-offers/promo/search), the filter translated to the dialect's names and value form.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from local.readmeter import ReadMeter
from offers.store.clients import dynamodb
from offers.store.keys import tenant_prefix
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import iso, promotion_body
from tests.support.search import (
    Searcher,
    add_code,
    catalog_body,
    create_catalog,
    dialect_filter,
    dialect_sort,
    filters,
    newest_first,
)

ALL = ["A", "B", "C", "D", "E", "F"]


@pytest.fixture(params=["v3", "v2"])
def dialect(request) -> str:
    return request.param


@pytest.fixture
def catalog(api: ApiClient) -> dict:
    return create_catalog(api)


@pytest.fixture
def searcher(api: ApiClient, catalog: dict, dialect: str) -> Searcher:
    return Searcher(api, catalog, dialect)


def test_given_a_name_that_begins_another_when_sorting_by_name_then_the_shorter_comes_first(
    api: ApiClient, dialect: str
):
    for name in ("Black Friday Extra", "black friday", "Black Friday-2", "Black Fridays"):
        api.post("/promotions", promotion_body(name=name))
    searcher = Searcher(api, {}, dialect)
    names_field = "title" if dialect == "v2" else "name"
    response = searcher.post({"sort": dialect_sort(dialect, "+name")})
    names = [item[names_field] for item in response.json()["data"]]
    assert names == ["black friday", "Black Friday Extra", "Black Friday-2", "Black Fridays"]


def test_given_equal_sort_values_when_sorting_then_ties_go_by_id_both_ways(api: ApiClient, dialect: str):
    ids = sorted(api.post("/promotions", promotion_body(level=2)).json()["id"] for _ in range(4))
    searcher = Searcher(api, {}, dialect)
    id_field = "_id" if dialect == "v2" else "id"
    for sort, expected in (("+level", ids), ("-level", ids[::-1])):
        found = [item[id_field] for item in searcher.post({"sort": sort}).json()["data"]]
        assert found == expected
    level_filter = [dialect_filter(dialect, "level", "EQUAL", 2)]
    found = [
        item[id_field] for item in searcher.post({"sort": "+level", "filters": level_filter}).json()["data"]
    ]
    assert found == ids


# -- paging and counts ------------------------------------------------------------------------


def _page(searcher: Searcher, offset: int, limit: int, **body) -> tuple[list[str], dict]:
    size_name = "limit" if searcher.dialect == "v2" else "size"
    response = searcher.post({"offset": offset, size_name: limit, **body})
    assert response.status == 200, response.body
    id_field = "_id" if searcher.dialect == "v2" else "id"
    return [item[id_field] for item in response.json()["data"]], response.json()["query"]


@pytest.mark.parametrize("filtered", [False, True], ids=["no filters", "filtered"])
def test_given_many_matches_when_paging_then_pages_tile_the_sorted_matches_and_count_is_the_total(
    api: ApiClient, dialect: str, filtered: bool
):
    created = []
    for i in range(23):  # enabled and disabled ones interleaved, so both partitions are merged
        body = promotion_body(name=f"Promo {i:02d}", level=1 + i % 2)
        body["isEnabled"] = i % 3 != 0
        created.append(api.post("/promotions", body).json())
    searcher = Searcher(api, {}, dialect)
    expected = [p["id"] for p in sorted(created, key=lambda p: p["name"]) if not filtered or p["level"] == 1]
    extra = {"filters": [dialect_filter(dialect, "level", "EQUAL", 1)]} if filtered else {}
    extra["sort"] = dialect_sort(dialect, "+name")
    seen = []
    for offset in range(0, len(expected), 5):
        ids, query = _page(searcher, offset, 5, **extra)
        assert query["count"] == len(expected)
        assert query["offset"] == offset
        seen += ids
    assert seen == expected
    beyond, query = _page(searcher, len(expected) + 5, 5, **extra)
    assert (beyond, query["count"]) == ([], len(expected))


def test_given_no_promotions_when_searching_then_an_empty_page(api: ApiClient, dialect: str):
    searcher = Searcher(api, {}, dialect)
    ids, query = _page(searcher, 0, 10)
    assert ids == []
    assert query["count"] == 0


# -- status is derived when searching -----------------------------------------------------------


def test_given_time_passes_when_searching_by_status_then_the_status_at_that_moment_counts(
    api: ApiClient, dialect: str
):
    now = datetime.now(UTC)
    start, end = now + timedelta(seconds=1), now + timedelta(seconds=2)
    promotion = api.post("/promotions", promotion_body(startAt=iso(start), endAt=iso(end))).json()
    searcher = Searcher(api, {"P": promotion}, dialect)

    def statuses() -> list[str]:
        return [
            s
            for s in ("SCHEDULED", "ACTIVE", "EXPIRED")
            if searcher.labels({"filters": [dialect_filter(dialect, "status", "EQUAL", s)]})
        ]

    assert statuses() == ["SCHEDULED"]
    time.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds()) + 0.05)
    assert statuses() == ["ACTIVE"]
    time.sleep(max(0.0, (end - datetime.now(UTC)).total_seconds()) + 0.05)
    assert statuses() == ["EXPIRED"]


# -- tenants ------------------------------------------------------------------------------------


def test_given_another_tenant_with_lookalike_data_when_searching_then_only_own_items_are_seen_or_read(
    api: ApiClient, catalog: dict, dialect: str
):
    other = api.as_tenant(TENANT_B)
    for label in catalog:  # the same promotions, and a coupon owning the same code
        other.post("/promotions", catalog_body(label))
    other_coupon = other.post("/promotions", promotion_body(name="Spring coupon", isImplicit=False)).json()
    add_code(TENANT_B, "SPRING10", other_coupon["id"])
    searcher = Searcher(api, catalog, dialect)
    meter = ReadMeter().attach(dynamodb())
    searches = [
        {},
        {"filters": filters(searcher, ("name", "EQUAL", "spring coupon"))},
        {"filters": filters(searcher, ("couponCode", "EQUAL", "SPRING10"))},
        {"filters": filters(searcher, ("id", "IN", ["@A.id", other_coupon["id"]]))},
        {"filters": filters(searcher, ("status", "IN", ["ACTIVE", "DISABLED"]))},
        {"filters": filters(searcher, ("startAt", "GREATER_THAN_OR_EQUAL_TO", "days:-30"))},
        {"filters": filters(searcher, ("level", "IN", [0, 1, 2, 3, 4, 5]))},
    ]
    results = [searcher.labels(body) for body in searches]
    assert results == [
        newest_first(ALL),
        ["E"],
        ["E"],
        ["A"],
        newest_first("BDEF"),
        newest_first(ALL),
        newest_first(ALL),
    ]
    assert meter.items, "the meter saw the searches' reads"
    assert meter.items_outside(tenant_prefix(api.tenant_id)) == 0
