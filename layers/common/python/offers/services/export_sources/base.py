"""What every export source shares: the typed spec, segments, and reading an index's
partitions over time windows.

Planning reads a sample of sort keys from every partition the export will read (the
ledger's write shards, or one partition of a selective index) and estimates how many rows
the range holds. The time range is cut into windows of about EXPORT_SEGMENT_ROWS rows; a
segment is one window over every partition, merged by sort key, so each chunk, and the
joined file, is in time order across shards (newest first when the spec says so). Segment
ids sort in file order.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from offers.clock import format_timestamp, parse_timestamp
from offers.models.exports import ExportFilter
from offers.settings import get_settings
from offers.store import keys
from offers.store.merge import sort_key_range
from offers.store.table import Table

# The stored export types of the Voucherify-dialect sources (fabric's are ExportType's values).
V1_REDEMPTION = "V1_REDEMPTION"
V1_VOUCHER = "V1_VOUCHER"
V1_CUSTOMER = "V1_CUSTOMER"
V1_PUBLICATION = "V1_PUBLICATION"

Item = dict[str, Any]
IndexChoice = tuple[tuple[str, str, str], list[str], str | None]  # (index, partitions, applied attribute)


class Where(BaseModel):
    """Conditions DynamoDB applies to the items read: a filter expression and its placeholders."""

    expression: str
    names: dict[str, str] = Field(default_factory=dict)
    values: dict[str, Any] = Field(default_factory=dict)


class ExportSpec(BaseModel):
    """What an export reads and writes, stored on the export (any dialect builds one).

    ``equal``: exact values by stored attribute (one may pick an index partition);
    ``ranges``: [lower, upper) by stored attribute (the source's time attribute bounds the
    index read, others filter); ``where``: further conditions; ``columns``: the CSV header
    when the request picked its fields; ``descending``: newest first. A source that needs
    more keeps it in extra fields.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    equal: dict[str, str] = Field(default_factory=dict)
    ranges: dict[str, tuple[str | None, str | None]] = Field(default_factory=dict)
    where: Where | None = None
    columns: list[str] | None = None
    descending: bool = False

    def window(self, attribute: str) -> tuple[str | None, str | None]:
        return self.ranges.get(attribute, (None, None))


@dataclass(frozen=True)
class Segment:
    """One unit of export work: a sort-key range [lower, upper) over some index partitions."""

    id: str
    index: str
    partition_attribute: str
    sort_attribute: str
    partitions: tuple[str, ...]
    lower: str | None
    upper: str | None
    descending: bool = False  # newest first: each partition read backwards, merged newest first

    def payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, payload: dict[str, Any]) -> Segment:
        return cls(**{**payload, "partitions": tuple(payload["partitions"])})


class ExportSource(Protocol):
    columns: tuple[str, ...]  # the CSV header, unless the spec names its own columns

    def spec(self, filters: Sequence[ExportFilter]) -> ExportSpec:
        """Validate a fabric request's filters; what plan and rows need (stored on the export)."""

    def plan(self, tenant_id: str, spec: ExportSpec, now: datetime) -> list[Segment]: ...

    def rows(self, tenant_id: str, spec: ExportSpec, segment: Segment) -> Iterator[list[Any]]: ...


def group(expression: str) -> str:
    """``expression`` parenthesized to join others, unless it already is as a whole
    (DynamoDB refuses redundant parentheses)."""
    depth = 0
    for i, char in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and i < len(expression) - 1:
            return f"({expression})"
    return expression if expression.startswith("(") else f"({expression})"


class TimeIndexedSource:
    """A source whose items sit in index partitions sorted by a timestamp-led sort key.

    A subclass says which partitions serve a spec (``read_plan``), which stored attribute is
    the time (``time_attribute``), and how an item becomes a row (``row_maker``)."""

    columns: tuple[str, ...] = ()
    time_attribute = "createdAt"

    def read_plan(self, tenant_id: str, spec: ExportSpec) -> IndexChoice:
        raise NotImplementedError

    def row_maker(self, tenant_id: str, spec: ExportSpec) -> Callable[[Item], list[Any]]:
        raise NotImplementedError

    def plan(self, tenant_id: str, spec: ExportSpec, now: datetime) -> list[Segment]:
        # Only the planning task samples in parallel: the export handlers don't load threads' pools.
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

        settings = get_settings()
        index, partitions, _ = self.read_plan(tenant_id, spec)
        lower, upper = spec.window(self.time_attribute)
        with ThreadPoolExecutor(max_workers=min(16, len(partitions))) as pool:  # one Query per partition
            samples = list(
                pool.map(lambda p: _sample(index, p, lower, upper, settings.export_sample_size), partitions)
            )
        present = [(p, s) for p, s in zip(partitions, samples, strict=True) if s.first is not None]
        if not present:
            return []
        start = lower or min(s.first for _, s in present)  # type: ignore[type-var]
        end = upper or max(s.newest for _, s in present)  # type: ignore[type-var]
        windows = _windows(
            start=start,
            end=end,
            rows=_estimated_rows([s for _, s in present]),
            target_rows=settings.export_segment_rows,
            max_windows=settings.export_max_segments,
            lower=lower,
            upper=upper,
        )
        if spec.descending:  # segment ids sort in file order: the newest window comes first
            windows.reverse()
        name, partition_attribute, sort_attribute = index
        return [
            Segment(
                id=f"w{w:05d}",
                index=name,
                partition_attribute=partition_attribute,
                sort_attribute=sort_attribute,
                partitions=tuple(p for p, _ in present),
                lower=low,
                upper=high,
                descending=spec.descending,
            )
            for w, (low, high) in enumerate(windows)
        ]

    def rows(self, tenant_id: str, spec: ExportSpec, segment: Segment) -> Iterator[list[Any]]:
        """The segment's rows in sort-key (time) order, merged across its partitions."""
        if not all(p.startswith(keys.tenant_prefix(tenant_id)) for p in segment.partitions):
            raise ValueError("segment outside the tenant")  # plans are built per tenant; never trust one
        _, _, applied = self.read_plan(tenant_id, spec)
        filter_expression, names, values = self.filters(spec, applied)
        streams = [
            _partition_items(segment, partition, filter_expression, names, values)
            for partition in segment.partitions
        ]
        ordered = heapq.merge(
            *streams, key=lambda item: item[segment.sort_attribute], reverse=segment.descending
        )
        return map(self.row_maker(tenant_id, spec), ordered)

    def filters(
        self, spec: ExportSpec, applied: str | None
    ) -> tuple[str | None, dict[str, str], dict[str, Any]]:
        """The spec's conditions the index read does not apply, as one filter expression."""
        clauses, names, values = [], {}, {}
        for i, (attribute, value) in enumerate(spec.equal.items()):
            if attribute == applied:
                continue
            names[f"#e{i}"], values[f":e{i}"] = attribute, value
            clauses.append(f"#e{i} = :e{i}")
        for i, (attribute, (low, high)) in enumerate(spec.ranges.items()):
            if attribute == self.time_attribute:
                continue
            if low:
                names[f"#r{i}"], values[f":rl{i}"] = attribute, low
                clauses.append(f"#r{i} >= :rl{i}")
            if high:
                names[f"#r{i}"], values[f":rh{i}"] = attribute, high
                clauses.append(f"#r{i} < :rh{i}")
        if spec.where:
            clauses.append(spec.where.expression)
            names.update(spec.where.names)
            values.update(spec.where.values)
        if not clauses:
            return None, names, values
        return (clauses[0] if len(clauses) == 1 else " AND ".join(map(group, clauses))), names, values


def _partition_items(
    segment: Segment,
    partition: str,
    filter_expression: str | None,
    names: dict[str, str],
    values: dict[str, Any],
) -> Iterator[Item]:
    sort_condition, bounds = sort_key_range(segment.lower, True, segment.upper)
    table, start_key = Table(), None
    while True:
        page = table.query(
            partition,
            index=segment.index,
            partition_attribute=segment.partition_attribute,
            sort_condition=sort_condition,
            names={"#sk": segment.sort_attribute, **names},
            values={**bounds, **values},
            filter_expression=filter_expression,
            start_key=start_key,
            forward=not segment.descending,
        )
        yield from page.items
        if page.last_key is None:
            return
        start_key = page.last_key


@dataclass
class _Sample:
    first: str | None  # timestamp of the partition's first row in range
    last: str | None  # timestamp of the last sampled row
    newest: str | None  # timestamp of the partition's last row in range
    count: int
    truncated: bool  # more rows exist than the sample read


def _sample(
    index: tuple[str, str, str], partition: str, lower: str | None, upper: str | None, size: int
) -> _Sample:
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
    return _Sample(
        first=oldest[0] if oldest else None,
        last=oldest[-1] if oldest else None,
        newest=newest[0] if newest else None,
        count=len(oldest),
        truncated=truncated,
    )


def _estimated_rows(samples: Sequence[_Sample]) -> float:
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


def _windows(
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


class DialectSpecSource(TimeIndexedSource):
    """A source whose spec the dialect that offers it builds (it has no fabric filters)."""

    def spec(self, filters: Sequence[ExportFilter]) -> ExportSpec:
        raise TypeError(f"{type(self).__name__}'s spec is built by its dialect, not from fabric filters")
