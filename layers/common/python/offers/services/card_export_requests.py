"""Voucherify export requests over the cards' ledger: ``voucher_transactions`` and
``points_expiration`` (in POST /v1/exports and the card, campaign and loyalty export routes).

``parameters`` -> the source's spec and the parameters as echoed. ``voucher_id`` takes a card's
code or its ``v_`` id; one code under ``and`` reads only that card's partition, one
``campaign_id`` only that campaign's shards. A ``details`` column brings
``related_transaction_id`` after it (seed 004 echoes a request for ``details`` so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from offers.clock import utc_now
from offers.errors import InvalidInput
from offers.ids import new_id
from offers.models.exports import ExportRecord, ExportStatus
from offers.services.export_sources import V1_POINTS_EXPIRATION, V1_VOUCHER_TRANSACTIONS, ExportSpec
from offers.services.export_sources.base import Where, group
from offers.services.voucherify_fields.card_ledger import (
    POINTS_EXPIRATION_DEFAULT_FIELDS,
    POINTS_EXPIRATION_FIELDS,
    VOUCHER_TRANSACTION_DEFAULT_FIELDS,
    VOUCHER_TRANSACTION_FIELDS,
)
from offers.services.voucherify_filters import Vocabulary, compile_filters
from offers.store import keys

VOUCHER_OPERATORS = ("$in", "$is", "$not_in", "$is_not")
MAX_VALUES = 100
MAX_KEY_VALUE = 500  # bytes: card codes are at most 200 characters, campaign ids 29


@dataclass(frozen=True)
class CardExport:
    """One exported object over the ledger: its source, fields, defaults, orders and filters."""

    exported_object: str
    source: str
    fields: tuple[str, ...]
    defaults: tuple[str, ...]
    orders: tuple[str, ...]
    vocabulary: Vocabulary


TRANSACTIONS = CardExport(
    "voucher_transactions",
    V1_VOUCHER_TRANSACTIONS,
    VOUCHER_TRANSACTION_FIELDS,
    VOUCHER_TRANSACTION_DEFAULT_FIELDS,
    ("created_at", "-created_at"),
    Vocabulary(
        "voucher_transactions",
        {
            "voucher_id": ("voucherId", "voucher"),  # read by _voucher_condition, not compile_filters
            "campaign_id": ("campaignId", "string"),
            "created_at": ("createdAt", "time"),
            "type": ("type", "string"),
            "source_id": ("sourceId", "string"),
            "source": ("source", "string"),
        },
        "createdAt",
        ("campaignId",),
    ),
)
POINTS_EXPIRATION = CardExport(
    "points_expiration",
    V1_POINTS_EXPIRATION,
    POINTS_EXPIRATION_FIELDS,
    POINTS_EXPIRATION_DEFAULT_FIELDS,
    ("expires_at", "-expires_at"),
    Vocabulary(
        "points_expiration",
        {
            "voucher_id": ("voucherId", "voucher"),
            "campaign_id": ("campaignId", "string"),
            "status": ("status", "string"),
            "expires_at": ("expiresAt", "time"),
        },
        "expiresAt",
        ("campaignId",),
    ),
)
CARD_EXPORTS = {export.exported_object: export for export in (TRANSACTIONS, POINTS_EXPIRATION)}


def _invalid(path: str, message: str) -> InvalidInput:
    return InvalidInput.for_field(path, message, code="invalid_payload")


def export_record(
    what: CardExport,
    parameters: Any,
    *,
    allowed: tuple[str, ...] = ("order", "fields", "filters", "campaign_id"),
    echo_defaults: bool = True,
    only: Mapping[str, str] | None = None,
    echo_filters: Mapping[str, Any] | None = None,
) -> ExportRecord:
    """The export ``parameters`` ask for, validated (not yet recorded or started).

    ``only``: stored attribute -> value every row must have (the route's card or campaign),
    whatever the filters say; ``echo_filters``: how the route's restriction is echoed."""
    if not isinstance(parameters, dict):
        raise _invalid("parameters", "must be an object")
    unknown = sorted(set(parameters) - set(allowed))
    if unknown:
        raise _invalid(f"parameters.{unknown[0]}", "is not allowed")
    given = _requested_fields(what, parameters.get("fields"))
    order = parameters.get("order")
    if order is not None and order not in what.orders:
        raise _invalid("parameters.order", f"should be one of [{', '.join(what.orders)}]")
    filters = parameters.get("filters")
    if filters is not None and not isinstance(filters, dict):
        raise _invalid("parameters.filters", "must be an object")
    restriction = dict(only or {})
    campaign_id = parameters.get("campaign_id")  # the SDK's /v1/exports body always has the key
    if campaign_id is not None:
        if not isinstance(campaign_id, str) or not campaign_id:
            raise _invalid("parameters.campaign_id", "must be a campaign id")
        restriction.setdefault("campaignId", campaign_id)
    columns = given or list(what.defaults)
    spec = compile_card_filters(
        what.vocabulary, filters, columns=columns, descending=bool(order and order.startswith("-"))
    )
    spec = restricted(spec, restriction)
    if any(len(value.encode()) > MAX_KEY_VALUE for value in spec.equal.values()):  # it would be a key
        raise _invalid("parameters.filters", f"a voucher or campaign id is at most {MAX_KEY_VALUE} bytes")
    echoed: dict[str, Any] = {}
    if order is not None:
        echoed["order"] = order
    if given or echo_defaults:
        echoed["fields"] = columns
    if filters is not None or echo_filters:
        echoed["filters"] = {**(filters or {}), **(echo_filters or {})}
    if campaign_id is not None:
        echoed["campaign_id"] = campaign_id
    return ExportRecord(
        export_id=f"{keys.V1_EXPORT_ID_PREFIX}{new_id()}",
        type=what.source,
        status=ExportStatus.IN_PROGRESS,
        spec=spec.model_dump(mode="json", exclude_none=True),
        started_at=utc_now(),
        exported_object=what.exported_object,
        dialect="voucherify",
        parameters=echoed,
    )


def _requested_fields(what: CardExport, given: Any) -> list[str] | None:
    if given is None:
        return None
    if not isinstance(given, list) or not given or len(given) > len(what.fields):
        raise _invalid("parameters.fields", f"must be a list of 1-{len(what.fields)} field names")
    unknown = [str(name) for name in given if not isinstance(name, str) or name not in what.fields]
    if unknown:
        raise InvalidInput(
            f"Unsupported field used: {', '.join(unknown)}. Allowed fields: {', '.join(what.fields)}",
            code="invalid_export_fields",
        )
    if len(set(given)) != len(given):
        raise _invalid("parameters.fields", "names a field twice")
    fields = list(given)
    if (
        "details" in fields
        and "related_transaction_id" in what.fields
        and "related_transaction_id" not in fields
    ):
        fields.insert(fields.index("details") + 1, "related_transaction_id")
    return fields


def restricted(spec: ExportSpec, only: Mapping[str, str]) -> ExportSpec:
    """``spec`` narrowed to rows with these exact values, ANDed with whatever it asked (under
    either junction). A value the spec already pins differently can't match: kept as a filter."""
    equal, clauses, names, values = dict(spec.equal), [], {}, {}
    for n, (attribute, value) in enumerate(only.items()):
        if equal.get(attribute, value) != value:
            names[f"#o{n}"], values[f":o{n}"] = attribute, equal[attribute]
            clauses.append(f"#o{n} = :o{n}")
        equal[attribute] = value
    return spec.model_copy(
        update={"equal": equal, "where": _joined(spec.where, clauses, names, values, "AND")}
    )


def compile_card_filters(
    vocabulary: Vocabulary, filters: Mapping[str, Any] | None, **spec: Any
) -> ExportSpec:
    """compile_filters for every filter but ``voucher_id``, which this reads: a code or a ``v_``
    id; one code (``$in``/``$is``, junction ``and``) picks that card's partition."""
    rest = dict(filters or {})
    voucher = rest.pop("voucher_id", None)
    compiled = compile_filters(vocabulary, rest, **spec)
    if voucher is None:
        return compiled
    use_keys = str(rest.get("junction", "and")).lower() == "and"
    code, clauses, names, values = _voucher_condition(voucher, use_keys)
    joiner = "AND" if use_keys else "OR"
    update: dict[str, Any] = {"where": _joined(compiled.where, clauses, names, values, joiner)}
    if code is not None:
        update["equal"] = {**compiled.equal, "code": code}
    return compiled.model_copy(update=update)


def _voucher_condition(
    condition: Any, use_keys: bool
) -> tuple[str | None, list[str], dict[str, str], dict[str, Any]]:
    """(the one code to read, or None; filter clauses; names; values) of a voucher_id filter."""
    where = "parameters.filters.voucher_id.conditions"
    conditions = condition.get("conditions") if isinstance(condition, dict) else None
    if not isinstance(conditions, dict) or not conditions:
        raise InvalidInput.for_field(where, "must be an object of {operator: value}")
    parsed = []
    for operator, raw in conditions.items():
        if operator not in VOUCHER_OPERATORS:
            raise InvalidInput.for_field(
                f"{where}.{operator}",
                f"is not an operator of voucher_id; allowed: {', '.join(VOUCHER_OPERATORS)}",
            )
        items = raw if isinstance(raw, list) else [raw]
        if not items or len(items) > MAX_VALUES or not all(isinstance(v, str) and v for v in items):
            raise InvalidInput.for_field(
                f"{where}.{operator}", f"must be a voucher code or id, or a list of 1-{MAX_VALUES} of them"
            )
        parsed.append((operator, items))
    if use_keys and len(parsed) == 1 and parsed[0][0] in ("$in", "$is") and len(parsed[0][1]) == 1:
        value = parsed[0][1][0]
        if not value.startswith("v_"):
            return value, [], {}, {}
    names: dict[str, str] = {}  # only those used: DynamoDB refuses an unused name
    values: dict[str, Any] = {}
    clauses = []
    for operator, items in parsed:
        parts = []
        for attribute, chosen in (
            ("#vid", [v for v in items if v.startswith("v_")]),
            ("#vcode", [v for v in items if not v.startswith("v_")]),
        ):
            if chosen:
                names[attribute] = "voucherId" if attribute == "#vid" else "code"
                placeholders = []
                for value in chosen:
                    placeholders.append(f":v{len(values)}")
                    values[placeholders[-1]] = value
                parts.append(f"{attribute} IN ({', '.join(placeholders)})")
        matches = parts[0] if len(parts) == 1 else f"({parts[0]} OR {parts[1]})"
        clauses.append(matches if operator in ("$in", "$is") else f"NOT {group(matches)}")
    return None, clauses, names, values


def _joined(
    where: Where | None, clauses: list[str], names: dict[str, str], values: dict[str, Any], joiner: str
) -> Where | None:
    if not clauses:
        return where
    parts = ([where.expression] if where else []) + clauses
    expression = parts[0] if len(parts) == 1 else f" {joiner} ".join(map(group, parts))
    return Where(
        expression=expression,
        names={**(where.names if where else {}), **names},
        values={**(where.values if where else {}), **values},
    )
