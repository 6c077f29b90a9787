"""Planning an export over time-sorted index partitions: sample each partition's sort keys,
estimate the rows in range, cut the range into windows of about the target rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

from offers.clock import format_timestamp, parse_timestamp
from offers.store.merge import sort_key_range
from offers.store.table import Table


@dataclass
class Sample:
    first: str | None  # timestamp of the partition's first row in range
    last: str | None  # timestamp of the last sampled row
    newest: str | None  # timestamp of the partition's last row in range
    count: int
    truncated: bool  # more rows exist than the sample read


def sample(
    index: tuple[str, str, str], partition: str, lower: str | None, upper: str | None, size: int
) -> Sample:
    """The first ``size`` sort keys of a partition in range, and its newest one: keys only."""
    name, partition_attribute, sort_attribute = index
    sort_condition, bounds = sort_key_range(lower, True, upper)

    def stamps(limit: int, *, forward: bool) -> tuple[list[str], bool]:
        page = Table().query(
            partition,
            index=name,
            partition_attribute=partition_attribute,
            sort_condition=sort_condition,
            names={"#sk": sort_attribute},
            values=bounds,
            projection="#sk",
            limit=limit,
            forward=forward,
        )
        found = [item[sort_attribute].split("#", 1)[0] for item in page.items]
        return [stamp for stamp in found if upper is None or stamp < upper], page.last_key is not None

    oldest, truncated = stamps(size, forward=True)
    newest = stamps(1, forward=False)[0] if truncated else oldest[-1:]
    return Sample(
        first=oldest[0] if oldest else None,
        last=oldest[-1] if oldest else None,
        newest=newest[0] if newest else None,
        count=len(oldest),
        truncated=truncated,
    )


def estimated_rows(samples: Sequence[Sample]) -> float:
    """Rows in range: counted for partitions the sample read whole, else the sample's rate
    over the partition's own span (first to newest row)."""
    total = 0.0
    for sample in samples:
        if not sample.truncated:
            total += sample.count
            continue
        covered = (parse_timestamp(sample.last) - parse_timestamp(sample.first)).total_seconds()  # type: ignore[arg-type]
        span = (parse_timestamp(sample.newest) - parse_timestamp(sample.first)).total_seconds()  # type: ignore[arg-type]
        total += sample.count * max(span, 1.0) / max(covered, 1.0)
    return total


def windows(
    *,
    start: str,
    end: str,
    rows: float,
    target_rows: int,
    max_windows: int,
    lower: str | None,
    upper: str | None,
) -> list[tuple[str | None, str | None]]:
    """Consecutive [lower, upper) time windows of about ``target_rows`` rows covering
    [start, end); the outer ends stay open when the request left them open, so no row falls
    outside every window."""
    begin, finish = parse_timestamp(start), parse_timestamp(end)
    span = max((finish - begin).total_seconds(), 1.0)
    count = min(max_windows, max(1, math.ceil(rows / target_rows)))
    step = span / count
    cuts = [format_timestamp(begin + timedelta(seconds=step * i)) for i in range(1, count)]
    bounds = [lower, *cuts, upper]
    return list(pairwise(bounds))
