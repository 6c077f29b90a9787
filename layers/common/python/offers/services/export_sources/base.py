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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from offers.models.exports import ExportFilter
from offers.services.export_sources import planning, sorting
from offers.services.export_sources.checks import Check, Resolve, predicate, stored_value
from offers.settings import get_settings
from offers.store import keys
from offers.store.merge import sort_key_range
from offers.store.table import Table

# The stored export types of the Voucherify-dialect sources (fabric's are ExportType's values).
V1_REDEMPTION = "V1_REDEMPTION"
V1_VOUCHER = "V1_VOUCHER"
V1_CUSTOMER = "V1_CUSTOMER"
V1_PUBLICATION = "V1_PUBLICATION"
V1_VOUCHER_TRANSACTIONS = "V1_VOUCHER_TRANSACTIONS"
V1_POINTS_EXPIRATION = "V1_POINTS_EXPIRATION"

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
    order_by: str | None = None  # a column no index sorts by: one segment, sorted on its own
    checks: list[Check] = Field(default_factory=list)  # conditions DynamoDB can't test, checked here
    any_check: bool = False  # the checks are or-ed (and then nothing else filters)

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
                pool.map(
                    lambda p: planning.sample(index, p, lower, upper, settings.export_sample_size), partitions
                )
            )
        present = [(p, s) for p, s in zip(partitions, samples, strict=True) if s.first is not None]
        if not present:
            return []
        start = lower or min(s.first for _, s in present)  # type: ignore[type-var]
        end = upper or max(s.newest for _, s in present)  # type: ignore[type-var]
        rows = planning.estimated_rows([s for _, s in present])
        if spec.order_by:  # a global order by another column: one window, sorted in its segment
            if rows > sorting.MAX_SORTED_ROWS:
                raise sorting.SortedExportTooLarge(rows, spec.order_by)
            windows = [(lower, upper)]
        else:
            windows = planning.windows(
                start=start,
                end=end,
                rows=rows,
                target_rows=settings.export_segment_rows,
                max_windows=settings.export_max_segments,
                lower=lower,
                upper=upper,
            )
        time_descending = spec.descending and not spec.order_by
        if time_descending:  # segment ids sort in file order: the newest window comes first
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
                descending=time_descending,
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
        ordered: Iterator[Item] = heapq.merge(
            *streams, key=lambda item: item[segment.sort_attribute], reverse=segment.descending
        )
        ordered = self.checked(tenant_id, spec, ordered)
        if spec.order_by:  # each row led by its sort key, sorted, the key dropped
            columns = [spec.order_by, *(spec.columns or self.columns)]
            keyed = self.row_maker(tenant_id, spec.model_copy(update={"columns": columns}))
            return sorting.sorted_rows(map(keyed, ordered), descending=spec.descending)
        return map(self.row_maker(tenant_id, spec), ordered)

    def checked(self, tenant_id: str, spec: ExportSpec, items: Iterator[Item]) -> Iterator[Item]:
        """``items`` that pass the spec's checks (the conditions DynamoDB could not apply)."""
        if not spec.checks:
            return items
        return filter(predicate(spec.checks, any_of=spec.any_check, resolve=self.resolver(tenant_id)), items)

    def resolver(self, tenant_id: str) -> Resolve:
        """How a check finds the value at its path (a source whose values live elsewhere overrides)."""
        return stored_value

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


class DialectSpecSource(TimeIndexedSource):
    """A source whose spec the dialect that offers it builds (it has no fabric filters)."""

    def spec(self, filters: Sequence[ExportFilter]) -> ExportSpec:
        raise TypeError(f"{type(self).__name__}'s spec is built by its dialect, not from fabric filters")
