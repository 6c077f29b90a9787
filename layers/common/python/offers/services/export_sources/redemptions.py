"""REDEMPTION exports (fabric): every redemption of the ledger, seed 000's filters, fixed columns."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from offers.clock import TimestampOutOfRange, format_timestamp, parse_timestamp
from offers.errors import InvalidInput, ProblemList, quoted
from offers.models.exports import ExportFilter, FilterOperator
from offers.services.export_sources.base import ExportSpec, IndexChoice, Item, TimeIndexedSource
from offers.store.redemptions import redemption_index

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


class RedemptionSource(TimeIndexedSource):
    """The redemption ledger: its write shards, or one value's partition of a selective index."""

    columns = REDEMPTION_COLUMNS
    time_attribute = "redeemedAt"

    def spec(self, filters: Sequence[ExportFilter]) -> ExportSpec:
        problems = ProblemList()
        equal: dict[str, str] = {}
        ranges: dict[str, list[str | None]] = {name: [None, None] for name in _RANGE_FILTERS}
        allowed = ", ".join([*_EQUAL_FILTERS, *_RANGE_FILTERS])
        for i, item in enumerate(filters):
            where = f"filters[{i}]"
            if item.field not in _EQUAL_FILTERS and item.field not in _RANGE_FILTERS:
                raise InvalidInput.for_field(
                    f"{where}.field",
                    f"unknown field {quoted(item.field)}; allowed: {allowed}",
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
            except TimestampOutOfRange as error:
                problems.add(f"{where}.value", str(error))
                continue
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
        return ExportSpec(equal=equal, ranges={name: (low, high) for name, (low, high) in ranges.items()})

    def read_plan(self, tenant_id: str, spec: ExportSpec) -> IndexChoice:
        return redemption_index(tenant_id, spec.equal)

    def row_maker(self, tenant_id: str, spec: ExportSpec) -> Callable[[Item], list[Any]]:
        return redemption_row


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
