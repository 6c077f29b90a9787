"""Reading time-ordered lists that are written across shards, as one ordered list.

Hot collections (a tenant's redemption ledger, all of a tenant's coupon codes) spread their
index entries over N partitions so no partition takes all writes. A list then merges the
shards by sort key: each shard is queried lazily, a page at a time, and the heads are merged
with a heap. The position to continue from is just the last sort key handed out (sort keys
are unique), so the cursor is small and independent of the shard count.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from offers.store.table import Table


@dataclass(frozen=True)
class IndexRange:
    """Where to read: an index, its key attribute names, and the partitions to merge."""

    index: str | None
    partition_attribute: str
    sort_attribute: str
    partitions: tuple[str, ...]


def sort_key_range(
    lower: str | None, lower_inclusive: bool, upper: str | None
) -> tuple[str | None, dict[str, Any]]:
    """One sort-key condition (``#sk``) for [lower, upper), or (lower, upper) when not
    ``lower_inclusive``. DynamoDB allows one condition, so two bounds become BETWEEN and the
    caller drops an item equal to an excluded end (sort keys ending in "#<id>" never equal a
    bare timestamp bound, so time ranges need no such filtering)."""
    if lower is not None and upper is not None:
        return "#sk BETWEEN :low AND :high", {":low": lower, ":high": upper}
    if lower is not None:
        return f"#sk {'>=' if lower_inclusive else '>'} :low", {":low": lower}
    if upper is not None:
        return "#sk < :high", {":high": upper}
    return None, {}


def _shard_items(
    table: Table,
    source: IndexRange,
    partition: str,
    *,
    after: str | None,
    lower: str | None,
    upper: str | None,
    forward: bool,
    page_size: int,
    filter_expression: str | None,
    names: dict[str, str] | None,
    values: dict[str, Any] | None,
) -> Iterator[dict[str, Any]]:
    """One shard's items in order, within [lower, upper), strictly beyond ``after``."""
    lower_inclusive = True
    if after is not None and forward and (lower is None or after >= lower):
        lower, lower_inclusive = after, False
    if after is not None and not forward and (upper is None or after < upper):
        upper = after
    sort_condition, bounds = sort_key_range(lower, lower_inclusive, upper)
    start_key = None
    while True:
        page = table.query(
            partition,
            index=source.index,
            partition_attribute=source.partition_attribute,
            sort_condition=sort_condition,
            names={"#sk": source.sort_attribute, **(names or {})},
            values={**bounds, **(values or {})},
            filter_expression=filter_expression,
            limit=page_size,
            start_key=start_key,
            forward=forward,
        )
        for item in page.items:
            position = item[source.sort_attribute]
            if (upper is not None and position >= upper) or (not lower_inclusive and position == lower):
                continue  # the ends BETWEEN includes but the range does not
            yield item
        if page.last_key is None:
            return
        start_key = page.last_key


def merged(
    table: Table,
    source: IndexRange,
    *,
    limit: int,
    after: str | None = None,
    lower: str | None = None,
    upper: str | None = None,
    forward: bool = True,
    filter_expression: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to ``limit`` items across the partitions in sort order, and the position to resume
    from (None when nothing is left). ``lower``/``upper`` bound the sort key, half-open."""
    page_size = max(10, (limit + 1) * 2 // max(1, len(source.partitions)))
    streams = [
        _shard_items(
            table,
            source,
            partition,
            after=after,
            lower=lower,
            upper=upper,
            forward=forward,
            page_size=page_size,
            filter_expression=filter_expression,
            names=names,
            values=values,
        )
        for partition in source.partitions
    ]
    key = source.sort_attribute
    ordered = heapq.merge(*streams, key=lambda item: item[key], reverse=not forward)
    items: list[dict[str, Any]] = []
    for item in ordered:
        if len(items) == limit:
            return items, items[-1][key]  # at least one more exists
        items.append(item)
    return items, None
