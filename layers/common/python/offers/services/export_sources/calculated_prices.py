"""The CALCULATED_PRICE export source (fabric seed 000): one row per SKU and price list, the
price after the promotions active at ``calculationTime``.

Planning splits each price list's items into item-id ranges of about EXPORT_SEGMENT_ROWS
items (from a keys-only sample, as redemption planning does with time); segments run in
parallel in the state machine's Map. Each segment loads the tenant's live promotions once
(one GSI6 Query), files them in a PromotionIndex, and streams its items through the pure
price engine: memory stays flat however many items a segment has.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from offers.clock import format_timestamp, parse_timestamp, utc_now
from offers.errors import InvalidInput, NotFound, ProblemList
from offers.models.exports import ExportFilter, FilterOperator
from offers.services.export_sources.base import ExportSpec, Segment
from offers.services.pricing import NoPrice, price_item
from offers.services.pricing_index import PriceType, PromotionIndex
from offers.services.pricing_items import priced_stored_item
from offers.services.pricing_money import to_minor_unit
from offers.settings import get_settings
from offers.store import keys
from offers.store.merge import sort_key_range
from offers.store.price_lists import PriceListStore
from offers.store.pricing import PricingReads
from offers.store.table import Table

CALCULATED_PRICE_COLUMNS = (
    "SKU",
    "Price list ID",
    "Cost",
    "Sale price",
    "Base price",
    "Price Start Date",
    "Price End Date",
    "Calculated price",
    "Promotion IDs",
    "Promotion message: PDP",
    "Promotion message: PLP",
)
MULTI_VALUE_SEPARATOR = "|"
MAX_PRICE_LISTS = 100
_FIELDS = {
    "priceType": FilterOperator.EQUAL,
    "priceListIds": FilterOperator.IN,
    "calculationTime": FilterOperator.EQUAL,
}


def _spec(filters: Sequence[ExportFilter]) -> dict[str, Any]:
    problems = ProblemList()
    spec: dict[str, Any] = {"priceType": None, "priceListIds": None, "calculationTime": None}
    for i, item in enumerate(filters):
        where = f"filters[{i}]"
        if item.field not in _FIELDS:
            raise InvalidInput.for_field(
                f"{where}.field",
                f"unknown field {item.field!r}; allowed: {', '.join(_FIELDS)}",
                code="INVALID_FILTER_FIELD",
            )
        if item.operator != _FIELDS[item.field]:
            raise InvalidInput.for_field(
                f"{where}.operator",
                f"{item.field} takes {_FIELDS[item.field]}, not {item.operator}",
                code="INVALID_FILTER_OPERATOR",
            )
        if spec[item.field] is not None:
            problems.add(f"{where}.field", f"{item.field} is filtered twice")
        value = item.value
        if item.field == "priceType":
            if value not in (PriceType.BASE, PriceType.SALE):
                problems.add(f"{where}.value", "must be BASE or SALE")
            spec["priceType"] = value
        elif item.field == "priceListIds":
            ids = value if isinstance(value, list) else [value]
            if not ids or len(ids) > MAX_PRICE_LISTS or not all(isinstance(v, int) and v >= 1 for v in ids):
                problems.add(
                    f"{where}.value", f"must be a list of 1-{MAX_PRICE_LISTS} price list ids (numbers)"
                )
            spec["priceListIds"] = sorted(set(ids)) if isinstance(ids, list) else ids
        else:
            try:
                spec["calculationTime"] = format_timestamp(parse_timestamp(str(value)))
            except ValueError:
                problems.add(f"{where}.value", "must be an ISO 8601 timestamp")
    problems.raise_if_any()
    # Absent: the moment the export runs, fixed now so every segment prices at the same moment.
    spec["calculationTime"] = spec["calculationTime"] or format_timestamp(utc_now())
    return spec


def _price_lists(tenant_id: str, spec: dict[str, Any]) -> list[int]:
    """The lists asked for (each must exist), or the tenant's default one (none: empty export)."""
    store = PriceListStore()
    wanted = spec["priceListIds"]
    if wanted is None:
        default = store.default_id(tenant_id, consistent=True)
        if default is None:
            return []
        wanted = [default]
    found = store.get_many(tenant_id, wanted)
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"No price list found with ids {missing}", code="PRICE_LIST_NOT_FOUND")
    at = parse_timestamp(spec["calculationTime"])
    return [i for i in wanted if found[i].active_at(at)]  # a list out of force prices nothing


def _cuts(first: int, last: int, rows: float, target: int, max_windows: int) -> list[int]:
    count = min(max_windows, max(1, math.ceil(rows / target)))
    step = (last + 1 - first) / count
    return sorted({first + math.ceil(step * i) for i in range(1, count)})


def _options(spec: ExportSpec) -> dict[str, Any]:
    """The spec's CALCULATED_PRICE options (stored without the ones left at None)."""
    extra = spec.model_extra or {}
    return {name: extra.get(name) for name in ("priceType", "priceListIds", "calculationTime")}


class CalculatedPriceSource:
    columns = CALCULATED_PRICE_COLUMNS

    def spec(self, filters: Sequence[ExportFilter]) -> ExportSpec:
        return ExportSpec(**_spec(filters))  # the three options travel as the spec's extra fields

    def plan(self, tenant_id: str, spec: ExportSpec, now: datetime) -> list[Segment]:
        options = _options(spec)
        settings = get_settings()
        table, segments = Table(), []
        for number, list_id in enumerate(_price_lists(tenant_id, options)):
            partition = keys.prices_partition(tenant_id, list_id)
            sample = self._item_ids(table, partition, settings.export_sample_size, forward=True)
            if not sample:
                continue
            newest = self._item_ids(table, partition, 1, forward=False)[0]
            full = len(sample) < settings.export_sample_size
            rows = (
                len(sample) if full else len(sample) * (newest - sample[0] + 1) / (sample[-1] - sample[0] + 1)
            )
            cuts = _cuts(sample[0], newest, rows, settings.export_segment_rows, settings.export_max_segments)
            bounds = [None, *(keys.price_item_sort(c) for c in cuts), None]
            for w, (low, high) in enumerate(pairwise(bounds)):
                segments.append(
                    Segment(
                        id=f"l{number:03d}w{w:05d}",
                        index="",
                        partition_attribute=keys.PK,
                        sort_attribute=keys.SK,
                        partitions=(partition,),
                        lower=low or keys.price_item_sort(0),
                        upper=high or keys.PRICE_ITEM_SK_PREFIX + "\uffff",
                    )
                )
        return segments

    @staticmethod
    def _item_ids(table: Table, partition: str, limit: int, *, forward: bool) -> list[int]:
        page = table.query(
            partition,
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.PRICE_ITEM_SK_PREFIX},
            projection="itemId",
            limit=limit,
            forward=forward,
        )
        return [int(item["itemId"]) for item in page.items]

    def rows(self, tenant_id: str, spec: ExportSpec, segment: Segment) -> Iterator[list[Any]]:
        options = _options(spec)
        if not all(p.startswith(keys.tenant_prefix(tenant_id)) for p in segment.partitions):
            raise ValueError("segment outside the tenant")  # plans are built per tenant; never trust one
        at = parse_timestamp(options["calculationTime"])
        index = PromotionIndex.active_at(
            PricingReads().live_promotions(tenant_id, at), at
        )  # once per segment
        sort_condition, bounds = sort_key_range(segment.lower, True, segment.upper)
        items = Table().query_all(
            segment.partitions[0], sort_condition=sort_condition, names={"#sk": keys.SK}, values=bounds
        )
        for item in items:
            if item[keys.SK] == segment.upper:
                continue  # BETWEEN includes the upper bound; the next segment starts there
            row = calculated_price_row(item, index, options["calculationTime"], options["priceType"])
            if row is not None:
                yield row


def calculated_price_row(
    item: dict[str, Any], index: PromotionIndex, at: str, price_type: str | None
) -> list[Any] | None:
    """The row of one stored price item at ``at``; None when it has no price then or is
    filtered out."""
    found = priced_stored_item(item, 1, at)
    if found is None:
        return None
    priced, offer = found
    if price_type is not None and priced.price_type != price_type:
        return None
    try:
        line = price_item(priced, index)
    except NoPrice:
        return None
    messages = [m for applied in line.discounts for m in applied.promotion.messages]

    def texts(page: str) -> str:
        return MULTI_VALUE_SEPARATOR.join(m["message"] for m in messages if page in m.get("pages", ()))

    currency = priced.currency
    return [
        priced.sku,
        priced.price_list_id,
        _money(priced.cost, currency),
        _money(priced.sale, currency),
        _money(priced.base, currency),
        offer["startAt"],
        offer["endAt"],
        _money(line.total, currency),
        MULTI_VALUE_SEPARATOR.join(applied.promotion.id for applied in line.discounts),
        texts("PDP"),
        texts("PLP"),
    ]


def _money(value: Decimal | None, currency: str) -> str:
    """Plain decimal in the currency's minor unit (40 -> "40.00"); empty when absent."""
    return "" if value is None else str(to_minor_unit(Decimal(value), currency))
