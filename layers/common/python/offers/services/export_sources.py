"""What an export exports: a source knows its filters, columns, how to split itself into
segments and how to read a segment's rows. The export engine and the state machine know
none of this; a new export type is a new source.

Planning reads a sample of sort keys from every partition the export will read (the
ledger's write shards, or one partition of a selective index) and estimates how many rows
the range holds. The time range is cut into windows of about EXPORT_SEGMENT_ROWS rows; a
segment is one window over every partition, merged by sort key, so each chunk, and the
joined file, is in time order across shards. Segment ids sort in time order.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any, Protocol

from offers.clock import format_timestamp, parse_timestamp
from offers.errors import InvalidInput, ProblemList
from offers.models.exports import ExportFilter, ExportType, FilterOperator
from offers.services.voucherify_fields import redemption_row_maker
from offers.services.voucherify_filters import group
from offers.settings import get_settings
from offers.store import keys
from offers.store.merge import sort_key_range
from offers.store.table import Table


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
    columns: tuple[str, ...]  # the CSV header, unless the spec names its own "columns"

    def spec(self, filters: Sequence[ExportFilter]) -> dict[str, Any]:
        """Validate the request's filters; returns what plan and rows need (stored on the export)."""

    def plan(self, tenant_id: str, spec: dict[str, Any], now: datetime) -> list[Segment]: ...

    def rows(self, tenant_id: str, spec: dict[str, Any], segment: Segment) -> Iterator[list[Any]]: ...


V1_REDEMPTION = "V1_REDEMPTION"  # Voucherify's exported_object "redemption"

# -- redemptions ----------------------------------------------------------------------------------

REDEMPTION_COLUMNS = (
    "redemptionId",
    "orderId",
    "promotionId",
    "promotionName",
    "couponCode",
    "userId",
    "email",
    "storeId",
    "status",
    "redeemedAt",
    "createdAt",
    "updatedAt",
    "additionalAttributes",
)
_EQUAL_FILTERS = {  # filter field -> stored attribute compared with EQUAL
    "promoCode": "couponCode",
    "userId": "userId",
    "email": "emailKey",
    "orderId": "orderId",
    "storeId": "storeId",
}
_RANGE_FILTERS = ("redeemedAt", "createdAt")
_RANGE_OPERATORS = (FilterOperator.GREATER_THAN_OR_EQUAL_TO, FilterOperator.LESS_THAN)
# A selective filter reads one partition of its own index instead of every ledger shard.
_SELECTIVE = (
    ("orderId", keys.GSI5),
    ("userId", keys.GSI3),
    ("emailKey", keys.GSI6),
    ("couponCode", keys.GSI4),
)
_PARTITION_OF = {
    "orderId": keys.redemption_order_partition,
    "userId": keys.redemption_user_partition,
    "emailKey": keys.redemption_email_partition,
    "couponCode": keys.redemption_code_partition,
}


class RedemptionSource:
    columns = REDEMPTION_COLUMNS

    def spec(self, filters: Sequence[ExportFilter]) -> dict[str, Any]:
        problems = ProblemList()
        equal: dict[str, str] = {}
        ranges: dict[str, list[str | None]] = {name: [None, None] for name in _RANGE_FILTERS}
        allowed = ", ".join([*_EQUAL_FILTERS, *_RANGE_FILTERS])
        for i, item in enumerate(filters):
            where = f"filters[{i}]"
            if item.field not in _EQUAL_FILTERS and item.field not in _RANGE_FILTERS:
                raise InvalidInput.for_field(
                    f"{where}.field",
                    f"unknown field {item.field!r}; allowed: {allowed}",
                    code="INVALID_FILTER_FIELD",
                )
            wanted = (FilterOperator.EQUAL,) if item.field in _EQUAL_FILTERS else _RANGE_OPERATORS
            if item.operator not in wanted:
                raise InvalidInput.for_field(
                    f"{where}.operator",
                    f"{item.field} takes {' or '.join(wanted)}, not {item.operator}",
                    code="INVALID_FILTER_OPERATOR",
                )
            if not isinstance(item.value, str):
                problems.add(f"{where}.value", "must be a single value")
                continue
            if item.field in _EQUAL_FILTERS:
                attribute = _EQUAL_FILTERS[item.field]
                if attribute in equal:
                    problems.add(f"{where}.field", f"{item.field} is filtered twice")
                equal[attribute] = item.value.casefold() if attribute == "emailKey" else item.value
                continue
            try:
                stamp = format_timestamp(parse_timestamp(item.value))
            except ValueError:
                problems.add(f"{where}.value", "must be an ISO 8601 timestamp")
                continue
            bound = 0 if item.operator == FilterOperator.GREATER_THAN_OR_EQUAL_TO else 1
            if ranges[item.field][bound] is not None:
                problems.add(f"{where}.operator", f"{item.field} {item.operator} is given twice")
            ranges[item.field][bound] = stamp
        for name, (low, high) in ranges.items():
            if low and high and high <= low:
                problems.add(
                    "filters", f"the {name} range is empty: LESS_THAN must be after GREATER_THAN_OR_EQUAL_TO"
                )
        problems.raise_if_any()
        return {"equal": equal, "ranges": ranges}

    # -- planning ---------------------------------------------------------------------------------

    def _source(
        self, tenant_id: str, spec: dict[str, Any]
    ) -> tuple[tuple[str, str, str], list[str], str | None]:
        equal = spec["equal"]
        for attribute, index in _SELECTIVE:
            if attribute in equal:
                return index, [_PARTITION_OF[attribute](tenant_id, equal[attribute])], attribute
        shards = range(get_settings().redemption_shards)
        return keys.GSI1, [keys.redemption_ledger_partition(tenant_id, s) for s in shards], None

    def plan(self, tenant_id: str, spec: dict[str, Any], now: datetime) -> list[Segment]:
        settings = get_settings()
        index, partitions, _ = self._source(tenant_id, spec)
        lower, upper = spec["ranges"]["redeemedAt"]
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
        name, partition_attribute, sort_attribute = index
        descending = bool(spec.get("descending"))
        if descending:  # segment ids sort in file order: the newest window comes first
            windows.reverse()
        return [
            Segment(
                id=f"w{w:05d}",
                index=name,
                partition_attribute=partition_attribute,
                sort_attribute=sort_attribute,
                partitions=tuple(p for p, _ in present),
                lower=low,
                upper=high,
                descending=descending,
            )
            for w, (low, high) in enumerate(windows)
        ]

    # -- reading ----------------------------------------------------------------------------------

    def rows(self, tenant_id: str, spec: dict[str, Any], segment: Segment) -> Iterator[list[Any]]:
        """The segment's rows in sort-key (time) order, merged across its partitions."""
        if not all(p.startswith(keys.tenant_prefix(tenant_id)) for p in segment.partitions):
            raise ValueError("segment outside the tenant")  # plans are built per tenant; never trust one
        _, _, applied = self._source(tenant_id, spec)
        filter_expression, names, values = _filters(spec, applied)
        streams = [
            _partition_items(segment, partition, filter_expression, names, values)
            for partition in segment.partitions
        ]
        ordered = heapq.merge(
            *streams, key=lambda item: item[segment.sort_attribute], reverse=segment.descending
        )
        return map(self.row_maker(tenant_id, spec), ordered)

    def row_maker(self, tenant_id: str, spec: dict[str, Any]) -> Callable[[dict[str, Any]], list[Any]]:
        return redemption_row


class VoucherifyRedemptionSource(RedemptionSource):
    """Redemptions in the Voucherify dialect's fields: the spec names the columns (the
    requested fields, in order) and may read newest first; reading is the ledger's."""

    def spec(self, filters: Sequence[ExportFilter]) -> dict[str, Any]:
        raise TypeError("the Voucherify dialect builds this source's spec itself")

    def row_maker(self, tenant_id: str, spec: dict[str, Any]) -> Callable[[dict[str, Any]], list[Any]]:
        return redemption_row_maker(tenant_id, spec["columns"])


def _partition_items(
    segment: Segment,
    partition: str,
    filter_expression: str | None,
    names: dict[str, str],
    values: dict[str, Any],
) -> Iterator[dict[str, Any]]:
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


def redemption_row(item: dict[str, Any]) -> list[Any]:
    get = item.get
    attributes = get("additionalAttributes")
    return [
        get("id"),
        get("orderId"),
        get("promotionId"),
        get("promotionName"),
        get("couponCode"),
        get("userId"),
        get("email"),
        get("storeId"),
        get("status"),
        get("redeemedAt"),
        get("createdAt"),
        get("updatedAt"),
        json.dumps(attributes, separators=(",", ":")) if attributes else "",
    ]


def _filters(spec: dict[str, Any], applied: str | None) -> tuple[str | None, dict[str, str], dict[str, Any]]:
    clauses, names, values = [], {}, {}
    for i, (attribute, value) in enumerate(spec["equal"].items()):
        if attribute == applied:
            continue
        names[f"#e{i}"], values[f":e{i}"] = attribute, value
        clauses.append(f"#e{i} = :e{i}")
    where = spec.get("where")
    if where:
        clauses.append(where["expression"])
        names.update(where["names"])
        values.update(where["values"])
    low, high = spec["ranges"]["createdAt"]
    if low:
        names["#c"], values[":clow"] = "createdAt", low
        clauses.append("#c >= :clow")
    if high:
        names["#c"], values[":chigh"] = "createdAt", high
        clauses.append("#c < :chigh")
    return (clauses[0] if len(clauses) == 1 else " AND ".join(map(group, clauses)) or None), names, values


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


# A new source is one class and one line here; the key is stored as the export's type.
SOURCES: dict[str, ExportSource] = {
    ExportType.REDEMPTION: RedemptionSource(),
    V1_REDEMPTION: VoucherifyRedemptionSource(),
}


def source_for(export_type: str) -> ExportSource:
    source = SOURCES.get(str(export_type))
    if source is None:
        raise InvalidInput.for_field(
            "type", f"exports of type {export_type} are not supported yet", code="EXPORT_TYPE_NOT_SUPPORTED"
        )
    return source
