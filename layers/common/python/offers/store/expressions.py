"""DynamoDB expression parameters: the expressions a call carries and the placeholders they use.

Callers may pass a superset of names and values (a store's shared placeholders); DynamoDB
refuses any that no expression uses, so only the used ones are sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from offers.store.codec import to_item
from offers.store.sizes import check_item_fits, checked_item

_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


def expression_params(
    *,
    condition: str | None = None,
    update: str | None = None,
    key_condition: str | None = None,
    filter_expression: str | None = None,
    projection: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if projection:
        params["ProjectionExpression"] = projection
    if condition:
        params["ConditionExpression"] = condition
    if update:
        params["UpdateExpression"] = update
    if key_condition:
        params["KeyConditionExpression"] = key_condition
    if filter_expression:
        params["FilterExpression"] = filter_expression
    used = set(_PLACEHOLDER.findall(" ".join(params.values())))
    names = {k: v for k, v in (names or {}).items() if k in used}
    values = {k: v for k, v in (values or {}).items() if k in used}
    if names:
        params["ExpressionAttributeNames"] = names
    if values:
        params["ExpressionAttributeValues"] = to_item(values)
    return params


def fields_update(
    fields: dict[str, Any],
    remove: Sequence[str],
    names: dict[str, str] | None,
    values: dict[str, Any] | None,
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """SET each of ``fields``, REMOVE each of ``remove``: the expression and its placeholders."""
    check_item_fits(fields)  # what stays besides (counters, keys) is within the margin
    checked_item(fields)  # index keys among the fields
    all_names = dict(names or {})
    all_values = dict(values or {})
    assignments = []
    for i, (name, value) in enumerate(fields.items()):
        all_names[f"#f{i}"] = name
        all_values[f":f{i}"] = value
        assignments.append(f"#f{i} = :f{i}")
    removals = []
    for i, name in enumerate(remove):
        all_names[f"#r{i}"] = name
        removals.append(f"#r{i}")
    expression = "SET " + ", ".join(assignments)
    if removals:
        expression += " REMOVE " + ", ".join(removals)
    return expression, all_names, all_values
