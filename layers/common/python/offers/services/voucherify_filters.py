"""Voucherify export ``filters`` -> what the redemption source reads.

``{junction?: "and"|"or", <field>: {conditions: {<operator>: value}}}``. Under ``and`` a time
window becomes the sort-key range and one exact voucher code or order id picks that value's
index partition, so the export reads only what can match; every other condition (and every
condition under ``or``) becomes a DynamoDB filter expression over the items read. Values may
be scalars or arrays (the reference shows both).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from offers.clock import format_timestamp, parse_timestamp
from offers.errors import InvalidInput
from offers.services.export_sources.base import ExportSpec, Where, group

STRING_OPERATORS = ("$is", "$is_not", "$in", "$not_in", "$has_value", "$is_unknown", "$starts_with")
TIME_OPERATORS = ("$after", "$before")


@dataclass(frozen=True)
class Vocabulary:
    """One exported object's filters: Voucherify field -> (stored attribute, kind), the
    attribute its index is sorted by, and the attributes whose exact value has a partition."""

    exported_object: str
    fields: dict[str, tuple[str, str]]
    time_attribute: str
    indexed: tuple[str, ...]


# customer_source_id is the userId, else the email.
REDEMPTION_FILTERS: dict[str, tuple[str, str]] = {
    "created_at": ("redeemedAt", "time"),
    "date": ("redeemedAt", "time"),
    "id": ("id", "string"),
    "voucher_code": ("couponCode", "string"),
    "order_id": ("orderId", "string"),
    "customer_source_id": ("userId", "customer"),
    "result": ("status", "result"),
}
REDEMPTIONS = Vocabulary("redemption", REDEMPTION_FILTERS, "redeemedAt", ("couponCode", "orderId"))
CUSTOMERS = Vocabulary(
    "customer",
    {
        "id": ("id", "string"),
        "source_id": ("sourceId", "string"),
        "name": ("name", "string"),
        "email": ("email", "string"),
        "created_at": ("createdAt", "time"),
        "updated_at": ("updatedAt", "time"),
    },
    "createdAt",
    (),
)
PUBLICATIONS = Vocabulary(
    "publication",
    {
        "voucher_code": ("code", "string"),
        "customer_id": ("customerId", "string"),
        "customer_source_id": ("customerSourceId", "string"),
        "campaign": ("campaign", "string"),
        "channel": ("channel", "string"),
        "created_at": ("createdAt", "time"),
        "date": ("createdAt", "time"),
    },
    "createdAt",
    (),
)
VOUCHERS = Vocabulary(
    "voucher",
    {
        "code": ("code", "string"),
        "campaign_id": ("promotionId", "string"),
        "customer_source_id": ("userId", "string"),
        "created_at": ("createdAt", "time"),
        "updated_at": ("updatedAt", "time"),
    },
    "createdAt",
    ("promotionId", "userId", "code"),
)
_RESULTS = {"SUCCESS": "ACTIVE", "FAILURE": "INACTIVE"}
_ONE_MILLISECOND = timedelta(milliseconds=1)


@dataclass
class _Compiled:
    vocabulary: Vocabulary
    equal: dict[str, str] = field(default_factory=dict)
    lower: str | None = None
    upper: str | None = None
    clauses: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def name(self, attribute: str) -> str:
        placeholder = f"#w{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, value: Any) -> str:
        placeholder = f":w{len(self.values)}"
        self.values[placeholder] = value
        return placeholder


def _values(where: str, raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    if not items or not all(isinstance(v, str) and v for v in items) or len(items) > 100:
        raise InvalidInput.for_field(where, "must be a non-empty string or a list of 1-100 of them")
    return items


def _one(where: str, raw: Any) -> str:
    items = _values(where, raw)
    if len(items) != 1:
        raise InvalidInput.for_field(where, "takes exactly one value")
    return items[0]


def _timestamp(where: str, raw: Any) -> str:
    try:
        return format_timestamp(parse_timestamp(_one(where, raw)))
    except ValueError:
        raise InvalidInput.for_field(where, "must be an ISO 8601 timestamp") from None


def _string_clause(c: _Compiled, attribute: str, operator: str, values: list[str]) -> str:
    name = c.name(attribute)
    if operator in ("$is", "$in"):
        return f"{name} IN ({', '.join(c.value(v) for v in values)})"
    if operator in ("$is_not", "$not_in"):
        return f"NOT ({name} IN ({', '.join(c.value(v) for v in values)}))"
    if operator == "$starts_with":
        return f"begins_with({name}, {c.value(values[0])})"
    if operator == "$has_value":
        return f"attribute_exists({name})"
    return f"attribute_not_exists({name})"  # $is_unknown


def _customer_clause(c: _Compiled, operator: str, values: list[str]) -> str:
    """The customer's source_id is the userId, else (no userId) the email."""
    if operator in ("$has_value", "$is_unknown"):
        user, email = c.name("userId"), c.name("email")
        exists = f"(attribute_exists({user}) OR attribute_exists({email}))"
        return exists if operator == "$has_value" else f"NOT {exists}"
    by_user = _string_clause(c, "userId", operator, values)
    user = c.name("userId")
    by_email = _string_clause(c, "email", operator, values)
    return f"({by_user} OR (attribute_not_exists({user}) AND {by_email}))"


def compile_redemption_filters(filters: Mapping[str, Any] | None, **spec: Any) -> ExportSpec:
    return compile_filters(REDEMPTIONS, filters, **spec)


def compile_filters(vocabulary: Vocabulary, filters: Mapping[str, Any] | None, **spec: Any) -> ExportSpec:
    """A source's spec: the filters' {equal, ranges, where} and ``spec``'s other parts
    (columns, descending). 400 naming what is wrong."""
    c = _Compiled(vocabulary)
    filters = dict(filters or {})
    junction = filters.pop("junction", "and")
    if not isinstance(junction, str) or junction.lower() not in ("and", "or"):
        raise InvalidInput.for_field("parameters.filters.junction", "must be 'and' or 'or'")
    use_keys = junction.lower() == "and"
    for field_name, condition in filters.items():
        where = f"parameters.filters.{field_name}"
        if field_name not in vocabulary.fields:
            allowed = ", ".join(vocabulary.fields)
            raise InvalidInput.for_field(
                where, f"is not a filter of {vocabulary.exported_object} exports; allowed: {allowed}"
            )
        conditions = condition.get("conditions") if isinstance(condition, dict) else None
        if not isinstance(conditions, dict) or not conditions:
            raise InvalidInput.for_field(f"{where}.conditions", "must be an object of {operator: value}")
        attribute, kind = vocabulary.fields[field_name]
        allowed_ops = TIME_OPERATORS if kind == "time" else STRING_OPERATORS
        for operator, raw in conditions.items():
            at = f"{where}.conditions.{operator}"
            if operator not in allowed_ops:
                raise InvalidInput.for_field(
                    at, f"is not an operator of {field_name}; allowed: {', '.join(allowed_ops)}"
                )
            c.clauses.append(
                _clause(c, attribute, kind, operator=operator, raw=raw, at=at, use_keys=use_keys)
            )
    clauses = [clause for clause in c.clauses if clause]
    if c.lower and c.upper and c.upper <= c.lower:
        raise InvalidInput.for_field(
            "parameters.filters", "the time window is empty: $before must be after $after"
        )
    joiner = f" {'AND' if use_keys else 'OR'} "
    expression = (clauses[0] if len(clauses) == 1 else joiner.join(map(group, clauses))) or None
    return ExportSpec(
        equal=c.equal,
        ranges={vocabulary.time_attribute: (c.lower, c.upper)},
        where=Where(expression=expression, names=c.names, values=c.values) if expression else None,
        **spec,
    )


def _clause(
    c: _Compiled, attribute: str, kind: str, *, operator: str, raw: Any, at: str, use_keys: bool
) -> str:
    """One condition: a key bound or index choice (returns "") or a filter-expression clause."""
    if kind == "time":
        stamp = _timestamp(at, raw)
        if (
            use_keys and attribute == c.vocabulary.time_attribute
        ):  # $after is exclusive; timestamps have millisecond precision
            if operator == "$after":
                bound = format_timestamp(parse_timestamp(stamp) + _ONE_MILLISECOND)
                c.lower = max(c.lower or bound, bound)
            else:
                c.upper = min(c.upper or stamp, stamp)
            return ""
        return f"{c.name(attribute)} {'>' if operator == '$after' else '<'} {c.value(stamp)}"
    values = [] if operator in ("$has_value", "$is_unknown") else _values(at, raw)
    if kind == "result":
        unknown = [v for v in values if v not in _RESULTS]
        if unknown:
            raise InvalidInput.for_field(at, f"results are SUCCESS or FAILURE, not {', '.join(unknown)}")
        values = [_RESULTS[v] for v in values]
    if kind == "customer":
        return _customer_clause(c, operator, values)
    exact = operator in ("$is", "$in") and len(values) == 1
    if use_keys and exact and attribute in c.vocabulary.indexed and not c.equal:
        c.equal[attribute] = values[0]  # read only this value's index partition
        return ""
    return _string_clause(c, attribute, operator, values)
