"""Voucherify export ``filters`` -> what a source reads.

``{junction?: "and"|"or", <field>: {conditions: {<operator>: value}}}``; ``<field>`` is one of
the object's fields or ``metadata.<key>``. Under ``and`` a time window becomes the sort-key
range and one exact indexed value (voucher code, order id, campaign, customer) picks that
value's index partition, so the export reads only what can match; every other condition (and
every condition under ``or``) becomes a DynamoDB filter expression over the items read, or a
check on read where DynamoDB has no test for it (``$ends_with``; a voucher's metadata, which is
its coupon's). Values may be scalars or arrays (the reference shows both). Each field takes the
operators of its kind (OPERATORS); the relative ones count days from the export's creation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from offers.clock import format_timestamp, parse_timestamp, utc_now
from offers.errors import InvalidInput
from offers.services.export_sources.base import ExportSpec, Where, group
from offers.services.export_sources.checks import Check, holds
from offers.services.voucherify_vocabularies import (
    REDEMPTIONS,
    Vocabulary,
)

STRING_OPERATORS = (
    "$is",
    "$is_not",
    "$in",
    "$not_in",
    "$has_value",
    "$is_unknown",
    "$starts_with",
    "$ends_with",
    "$contains",
    "$not_contain",
)
COMPARISONS = ("$more_than", "$less_than", "$more_than_equal", "$less_than_equal")
NUMBER_OPERATORS = ("$is", "$is_not", "$in", "$not_in", "$has_value", "$is_unknown", *COMPARISONS)
RELATIVE_TIMES = ("$more_than_ago", "$less_than_ago", "$more_than_future", "$less_than_future")
TIME_OPERATORS = ("$after", "$before", *RELATIVE_TIMES, "$has_value", "$is_unknown")
OPERATORS = {
    "string": STRING_OPERATORS,
    "customer": STRING_OPERATORS,
    "result": ("$is", "$is_not", "$in", "$not_in"),
    "number": NUMBER_OPERATORS,
    "time": TIME_OPERATORS,
    "metadata": (*STRING_OPERATORS, *COMPARISONS, "$after", "$before"),
}
_NO_VALUE = ("$has_value", "$is_unknown")
_MANY_VALUES = ("$is", "$is_not", "$in", "$not_in")
_RESULTS = {"SUCCESS": "ACTIVE", "FAILURE": "INACTIVE"}
_ONE_MILLISECOND = timedelta(milliseconds=1)


@dataclass(frozen=True)
class _Condition:
    path: tuple[str, ...]
    kind: str
    operator: str
    values: list[Any]

    @property
    def checked_on_read(self) -> bool:
        """DynamoDB has no suffix test, and a voucher's metadata is not on its item."""
        return self.operator == "$ends_with" or self.path[0] == "coupon"


@dataclass
class _Compiled:
    vocabulary: Vocabulary
    equal: dict[str, str] = field(default_factory=dict)
    lower: str | None = None
    upper: str | None = None
    clauses: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def name(self, path: str | tuple[str, ...]) -> str:
        placeholders = []
        for attribute in (path,) if isinstance(path, str) else path:
            placeholders.append(f"#w{len(self.names)}")
            self.names[placeholders[-1]] = attribute
        return ".".join(placeholders)

    def value(self, value: Any) -> str:
        placeholder = f":w{len(self.values)}"
        self.values[placeholder] = value
        return placeholder


def _scalars(where: str, raw: Any, kind: str) -> list[Any]:
    items = raw if isinstance(raw, list) else [raw]
    if kind == "number":
        ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in items)
        wanted = "a number or a list of 1-100 numbers"
    elif kind == "metadata":
        ok = all(isinstance(v, str | int | float | bool) and v != "" for v in items)
        wanted = "a non-empty string, a number, a boolean, or a list of 1-100 of them"
    else:
        ok = all(isinstance(v, str) and v for v in items)
        wanted = "a non-empty string or a list of 1-100 of them"
    if not items or not ok or len(items) > 100:
        raise InvalidInput.for_field(where, f"must be {wanted}")
    return items


def _one(where: str, raw: Any, kind: str) -> Any:
    items = _scalars(where, raw, kind)
    if len(items) != 1:
        raise InvalidInput.for_field(where, "takes exactly one value")
    return items[0]


def _timestamp(where: str, raw: Any) -> str:
    try:
        return format_timestamp(parse_timestamp(_one(where, raw, "string")))
    except ValueError:
        raise InvalidInput.for_field(where, "must be an ISO 8601 timestamp") from None


def _relative(where: str, operator: str, raw: Any) -> tuple[str, str]:
    """$more_than_ago N (days) and the like -> the $after/$before they mean, from now."""
    days = _one(where, raw, "number")
    if not 0 <= days <= 36_500:
        raise InvalidInput.for_field(where, "must be a number of days from 0 to 36500")
    sign = -1 if operator.endswith("_ago") else 1
    stamp = format_timestamp(utc_now() + sign * timedelta(days=days))
    before = operator in ("$more_than_ago", "$less_than_future")
    return ("$before" if before else "$after"), stamp


def _condition(path: tuple[str, ...], kind: str, operator: str, raw: Any, at: str) -> _Condition:
    """One condition's values, validated for its operator and kind."""
    if operator in _NO_VALUE:
        return _Condition(path, kind, operator, [])
    if operator in RELATIVE_TIMES:
        operator, stamp = _relative(at, operator, raw)
        return _Condition(path, kind, operator, [stamp])
    if operator in ("$after", "$before"):
        return _Condition(path, kind, operator, [_timestamp(at, raw)])
    if operator in COMPARISONS:
        return _Condition(path, kind, operator, [_one(at, raw, "number")])
    if operator not in _MANY_VALUES:  # $starts_with, $ends_with, $contains, $not_contain: a text
        return _Condition(path, kind, operator, [_one(at, raw, "string")])
    values = _scalars(at, raw, kind)
    if kind == "result":
        unknown = [v for v in values if v not in _RESULTS]
        if unknown:
            raise InvalidInput.for_field(at, f"results are SUCCESS or FAILURE, not {', '.join(unknown)}")
        values = [_RESULTS[v] for v in values]
    return _Condition(path, kind, operator, values)


def _field(vocabulary: Vocabulary, name: str, where: str) -> tuple[tuple[str, ...], str]:
    if name in vocabulary.fields:
        attribute, kind = vocabulary.fields[name]
        return tuple(attribute.split(".")), kind
    key = name.removeprefix("metadata.")
    if name.startswith("metadata.") and key:
        return (vocabulary.metadata, key), "metadata"
    allowed = ", ".join([*vocabulary.fields, "metadata.<key>"])
    raise InvalidInput.for_field(
        where, f"is not a filter of {vocabulary.exported_object} exports; allowed: {allowed}"
    )


def _conditions(vocabulary: Vocabulary, filters: Mapping[str, Any]) -> list[_Condition]:
    found = []
    for field_name, condition in filters.items():
        where = f"parameters.filters.{field_name}"
        path, kind = _field(vocabulary, field_name, where)
        conditions = condition.get("conditions") if isinstance(condition, dict) else None
        if not isinstance(conditions, dict) or not conditions:
            raise InvalidInput.for_field(f"{where}.conditions", "must be an object of {operator: value}")
        for operator, raw in conditions.items():
            at = f"{where}.conditions.{operator}"
            if operator not in OPERATORS[kind]:
                raise InvalidInput.for_field(
                    at, f"is not an operator of {field_name}; allowed: {', '.join(OPERATORS[kind])}"
                )
            found.append(_condition(path, kind, operator, raw, at))
    return found


def compile_redemption_filters(filters: Mapping[str, Any] | None, **spec: Any) -> ExportSpec:
    return compile_filters(REDEMPTIONS, filters, **spec)


def compile_filters(vocabulary: Vocabulary, filters: Mapping[str, Any] | None, **spec: Any) -> ExportSpec:
    """A source's spec: the filters' {equal, ranges, where, checks} and ``spec``'s other parts
    (columns, descending). 400 naming what is wrong.

    Under ``and`` conditions narrow the read (a time window, one indexed value), become the
    filter expression, or, where DynamoDB can't test them, checks on read. Under ``or`` they are
    one filter expression, unless one of them must be checked on read: then all are."""
    c = _Compiled(vocabulary)
    filters = dict(filters or {})
    junction = filters.pop("junction", "and")
    if not isinstance(junction, str) or junction.lower() not in ("and", "or"):
        raise InvalidInput.for_field("parameters.filters.junction", "must be 'and' or 'or'")
    use_keys = junction.lower() == "and"
    conditions = _conditions(vocabulary, filters)
    all_checked = not use_keys and any(condition.checked_on_read for condition in conditions)
    checks = []
    for condition in conditions:
        if all_checked or condition.checked_on_read:
            checks.append(
                Check(
                    path=list(condition.path),
                    kind=condition.kind,
                    operator=condition.operator,
                    values=condition.values,
                )
            )
        elif not (use_keys and _narrows(c, condition)):
            c.clauses.append(_clause(c, condition))
    if c.lower and c.upper and c.upper <= c.lower:
        raise InvalidInput.for_field(
            "parameters.filters", "the time window is empty: $before must be after $after"
        )
    joiner = f" {'AND' if use_keys else 'OR'} "
    clauses = c.clauses
    expression = (clauses[0] if len(clauses) == 1 else joiner.join(map(group, clauses))) or None
    return ExportSpec(
        equal=c.equal,
        ranges={vocabulary.time_attribute: (c.lower, c.upper)},
        where=Where(expression=expression, names=c.names, values=c.values) if expression else None,
        checks=checks,
        any_check=all_checked,
        **spec,
    )


def _narrows(c: _Compiled, condition: _Condition) -> bool:
    """A time bound on the index's sort key, or one exact value with its own partition."""
    (attribute, *nested), operator, values = condition.path, condition.operator, condition.values
    if nested:
        return False
    if attribute == c.vocabulary.time_attribute and operator in ("$after", "$before"):
        if operator == "$after":  # exclusive; timestamps have millisecond precision
            bound = format_timestamp(parse_timestamp(values[0]) + _ONE_MILLISECOND)
            c.lower = max(c.lower or bound, bound)
        else:
            c.upper = min(c.upper or values[0], values[0])
        return True
    exact = operator in ("$is", "$in") and len(values) == 1 and condition.kind == "string"
    if exact and attribute in c.vocabulary.indexed and not c.equal:
        c.equal[attribute] = values[0]  # read only this value's index partition
        return True
    return False


_COMPARED = {"$after": ">", "$before": "<", "$more_than": ">", "$less_than": "<"}
_COMPARED |= {"$more_than_equal": ">=", "$less_than_equal": "<="}


def _path_clause(c: _Compiled, path: str | tuple[str, ...], operator: str, values: list[Any]) -> str:
    name = c.name(path)
    if operator in ("$is", "$in"):
        return f"{name} IN ({', '.join(c.value(v) for v in values)})"
    if operator in ("$is_not", "$not_in"):
        return f"NOT ({name} IN ({', '.join(c.value(v) for v in values)}))"
    if operator == "$starts_with":
        return f"begins_with({name}, {c.value(values[0])})"
    if operator == "$contains":
        return f"contains({name}, {c.value(values[0])})"
    if operator == "$not_contain":
        return f"NOT contains({name}, {c.value(values[0])})"
    if operator == "$has_value":
        return f"attribute_exists({name})"
    if operator == "$is_unknown":
        return f"attribute_not_exists({name})"
    return f"{name} {_COMPARED[operator]} {c.value(values[0])}"


def _clause(c: _Compiled, condition: _Condition) -> str:
    if condition.kind == "number" and condition.operator not in _NO_VALUE:
        # counts are 0 until first moved (no attribute): a condition 0 meets takes those too
        clause = _path_clause(c, condition.path, condition.operator, condition.values)
        zero = Check(path=[], kind="number", operator=condition.operator, values=condition.values)
        return (
            f"attribute_not_exists({c.name(condition.path)}) OR {group(clause)}" if holds(zero, 0) else clause
        )
    if condition.kind != "customer":
        return _path_clause(c, condition.path, condition.operator, condition.values)
    # The customer's source_id is the userId, else (no userId) the email.
    operator, values = condition.operator, condition.values
    if operator in _NO_VALUE:
        user, email = c.name("userId"), c.name("email")
        exists = f"(attribute_exists({user}) OR attribute_exists({email}))"
        return exists if operator == "$has_value" else f"NOT {exists}"
    by_user = _path_clause(c, "userId", operator, values)
    by_email = _path_clause(c, "email", operator, values)
    user = c.name("userId")
    return f"((attribute_exists({user}) AND {by_user}) OR (attribute_not_exists({user}) AND {by_email}))"
