"""Conditions an export checks on the items it reads, where DynamoDB's filter expressions can't:
a suffix (``$ends_with``), a voucher's metadata (its coupon's), or any condition or-ed with
those. Same meaning as the filter expressions they stand in for (services/voucherify_filters.py):
``$is``/``$in`` are exact and typed, ``$contains`` is a substring of a string or a member of a
list, comparisons only hold between numbers (or, for ``$after``/``$before``, between texts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict

Item = dict[str, Any]
Resolve = Callable[[Item, Sequence[str]], Any]


class Check(BaseModel):
    """One condition: the stored value at ``path`` (``kind`` ``customer``: the userId, else the
    email) tested with ``operator`` against ``values``."""

    model_config = ConfigDict(frozen=True)

    path: list[str]
    kind: str
    operator: str
    values: list[Any] = []


def stored_value(item: Item, path: Sequence[str]) -> Any:
    value: Any = item
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _equal(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, bool) or isinstance(wanted, bool):
        return stored is wanted
    stored_number, wanted_number = _number(stored), _number(wanted)
    if stored_number is not None and wanted_number is not None:
        return stored_number == wanted_number
    return isinstance(stored, str) and stored == wanted


def _compare(stored: Any, wanted: Any, operator: str) -> bool:
    left, right = _number(stored), _number(wanted)
    if left is None or right is None:
        if not (isinstance(stored, str) and isinstance(wanted, str)):
            return False
        left, right = stored, wanted  # type: ignore[assignment]
    if operator in ("$more_than", "$after"):
        return left > right  # type: ignore[operator]
    if operator in ("$less_than", "$before"):
        return left < right  # type: ignore[operator]
    if operator == "$more_than_equal":
        return left >= right  # type: ignore[operator]
    return left <= right  # type: ignore[operator]  # $less_than_equal


def holds(check: Check, stored: Any) -> bool:
    op, values = check.operator, check.values
    if op == "$has_value":
        return stored is not None
    if op == "$is_unknown":
        return stored is None
    if op in ("$is", "$in"):
        return any(_equal(stored, v) for v in values)
    if op in ("$is_not", "$not_in"):
        return not any(_equal(stored, v) for v in values)
    if op in ("$contains", "$not_contain"):
        if isinstance(stored, str):
            found = values[0] in stored
        else:
            found = isinstance(stored, list | set) and any(_equal(s, values[0]) for s in stored)
        return found if op == "$contains" else not found
    if op == "$starts_with":
        return isinstance(stored, str) and stored.startswith(values[0])
    if op == "$ends_with":
        return isinstance(stored, str) and stored.endswith(values[0])
    return _compare(stored, values[0], op)


def predicate(
    checks: Sequence[Check], *, any_of: bool, resolve: Resolve = stored_value
) -> Callable[[Item], bool]:
    """item -> whether it passes every check (``any_of``: at least one)."""

    def value_of(item: Item, check: Check) -> Any:
        if check.kind == "customer":
            return item.get("userId") or item.get("email")
        value = resolve(item, check.path)
        return 0 if value is None and check.kind == "number" else value  # counts start absent

    join = any if any_of else all
    return lambda item: join(holds(check, value_of(item, check)) for check in checks)
