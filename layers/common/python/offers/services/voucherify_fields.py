"""The Voucherify exports dialect's objects over our data: which fields each exported object
has, the default ones, and how one stored item becomes one CSV row of the requested fields.

Pure functions only (no storage, no HTTP): the export sources call ``row_maker`` per segment.
The fabric <-> Voucherify mapping table in the README is this module in prose.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from offers.store.customers import TOTALS

Item = dict[str, Any]

REDEMPTION_DEFAULT_FIELDS = ("id", "object", "voucher_code", "customer_id", "date", "result")
REDEMPTION_FIELDS = (
    "id",
    "object",
    "date",
    "voucher_code",
    "campaign",
    "promotion_tier_id",
    "customer_id",
    "customer_source_id",
    "customer_name",
    "tracking_id",
    "order_id",
    "order_amount",
    "gift_amount",
    "loyalty_points",
    "result",
    "failure_code",
    "failure_message",
    "metadata",
)
ROLLED_BACK = "redemption_rolled_back"


def customer_source_id(item: Item) -> str | None:
    """A redemption's customer, as Voucherify's ``source_id``: the userId, else the email."""
    return item.get("userId") or item.get("email") or None


def customer_id(tenant_id: str, source_id: str | None) -> str | None:
    """The customer's Voucherify id: derived from (tenant, source_id), so every redemption of
    one customer names the same ``cust_`` id without a lookup."""
    if not source_id:
        return None
    digest = hashlib.sha256(f"{tenant_id}|{source_id}".encode()).hexdigest()
    return f"cust_{digest[:24]}"


def metadata_of(item: Item) -> dict[str, Any]:
    """additionalAttributes [{name, values}] -> metadata {name: value, or the list if several}."""
    found: dict[str, Any] = {}
    for attribute in item.get("additionalAttributes") or []:
        values = attribute.get("values") or []
        found[attribute["name"]] = values[0] if len(values) == 1 else list(values)
    return found


def _metadata_cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _redemption_values(tenant_id: str) -> dict[str, Callable[[Item], Any]]:
    def active(item: Item) -> bool:
        return item.get("status", "ACTIVE") == "ACTIVE"

    return {
        "id": lambda item: item.get("id"),
        "object": lambda item: "redemption",
        "date": lambda item: item.get("redeemedAt"),
        "voucher_code": lambda item: item.get("couponCode"),
        "campaign": lambda item: item.get("promotionName"),
        # an implicit promotion (no code) is Voucherify's promotion tier
        "promotion_tier_id": lambda item: None if item.get("couponCode") else item.get("promotionId"),
        "customer_id": lambda item: customer_id(tenant_id, customer_source_id(item)),
        "customer_source_id": customer_source_id,
        "customer_name": lambda item: None,
        "tracking_id": lambda item: None,
        "order_id": lambda item: item.get("orderId"),
        "order_amount": lambda item: None,
        "gift_amount": lambda item: None,
        "loyalty_points": lambda item: None,
        "result": lambda item: "SUCCESS" if active(item) else "FAILURE",
        "failure_code": lambda item: None if active(item) else ROLLED_BACK,
        "failure_message": lambda item: None if active(item) else "the redemption was set INACTIVE",
        "metadata": lambda item: _metadata_cell(metadata_of(item) or None),
    }


def _row_maker(
    values: dict[str, Callable[[Item], Any]],
    fields: Sequence[str],
    metadata: Callable[[Item], dict[str, Any]],
) -> Callable[[Item], list[Any]]:
    """item -> the requested fields' values, in order (``metadata.X`` is one metadata key)."""
    getters: list[Callable[[Item], Any]] = []
    for name in fields:
        if name.startswith("metadata."):
            key = name.removeprefix("metadata.")
            getters.append(lambda item, key=key: _metadata_cell(metadata(item).get(key)))
        else:
            getters.append(values[name])
    return lambda item: [get(item) for get in getters]


def _own_metadata(item: Item) -> dict[str, Any]:
    return item.get("metadata") or {}


def redemption_row_maker(tenant_id: str, fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    return _row_maker(_redemption_values(tenant_id), fields, metadata_of)


# -- vouchers (coupon codes) ------------------------------------------------------------------------

VOUCHER_DEFAULT_FIELDS = ("code", "voucher_type", "value", "discount_type")
VOUCHER_FIELDS = (
    "id",
    "code",
    "voucher_type",
    "value",
    "formula",
    "discount_type",
    "campaign",
    "category",
    "start_date",
    "expiration_date",
    "gift_balance",
    "loyalty_balance",
    "redemption_quantity",
    "redemption_count",
    "active",
    "qr_code",
    "bar_code",
    "metadata",
    "is_referral_code",
    "created_at",
    "updated_at",
    "validity_timeframe_interval",
    "validity_timeframe_duration",
    "validity_day_of_week",
    "discount_amount_limit",
    "campaign_id",
    "additional_info",
    "customer_id",
    "discount_effect",
    "discount_unit_type",
    "discount_unit_effect",
    "validation_rules_id",
    "customer_source_id",
)
# fabric discount unit -> Voucherify discount type; amounts are minor units (x100) there
_DISCOUNT_TYPES = {"PERCENTAGE_OFF": "PERCENT", "AMOUNT_OFF": "AMOUNT", "FIXED": "FIXED"}


def _minor_units(value: Any) -> int | None:
    return None if value is None else int(Decimal(str(value)) * 100)


def _first_discount(coupon: Item) -> Item:
    discounts = coupon.get("discounts") or []
    return discounts[0] if discounts else {}


def _discount_value(coupon: Item) -> Any:
    discount = _first_discount(coupon)
    if discount.get("value") is None:
        return None
    if discount.get("unit") == "PERCENTAGE_OFF":
        value = Decimal(str(discount["value"]))
        return int(value) if value == value.to_integral_value() else float(value)
    return _minor_units(discount["value"])


def _code_limit(coupon: Item) -> Any:
    return next(
        (limit.get("quantity") for limit in coupon.get("limits") or [] if limit.get("type") == "CODE"), None
    )


def voucher_id(tenant_id: str, code: str) -> str:
    """The voucher's Voucherify id, derived from (tenant, code): stable, no lookup (BLAKE2b:
    one per exported code, so the cheap one)."""
    return "v_" + hashlib.blake2b(f"{tenant_id}|{code}".encode(), digest_size=12).hexdigest()


# A voucher row is mostly its coupon's: those fields are worked out once per coupon (a row
# template); per code only the code's own fields are filled in.
_COUPON_VALUES: dict[str, Callable[[Item], Any]] = {
    "voucher_type": lambda coupon: "DISCOUNT_VOUCHER",
    "value": _discount_value,
    "discount_type": lambda coupon: _DISCOUNT_TYPES.get(_first_discount(coupon).get("unit", "")),
    "campaign": lambda coupon: coupon.get("name"),
    "start_date": lambda coupon: coupon.get("startAt"),
    "expiration_date": lambda coupon: coupon.get("endAt"),
    "redemption_quantity": _code_limit,
    "is_referral_code": lambda coupon: "false",
    "discount_amount_limit": lambda coupon: _minor_units(_first_discount(coupon).get("maxDiscount")),
    "metadata": lambda coupon: _metadata_cell(metadata_of(coupon) or None),
}


# The code's own fields: stored attribute (and its default) copied as is ...
_CODE_ATTRIBUTES = {
    "code": ("code", None),
    "campaign_id": ("promotionId", None),
    "redemption_count": ("uses", 0),
    "created_at": ("createdAt", None),
    "updated_at": ("updatedAt", None),
    "customer_source_id": ("userId", None),
}


def _code_values(tenant_id: str) -> dict[str, Callable[[Item, bool], Any]]:
    """... or worked out: (code item, is its coupon enabled) -> value."""
    customers: dict[str, str | None] = {}  # userId -> cust_ id, worked out once per customer

    def customer(item: Item, enabled: bool) -> str | None:
        user_id = item.get("userId")
        if not user_id:
            return None
        if user_id not in customers:
            customers[user_id] = customer_id(tenant_id, user_id)
        return customers[user_id]

    return {
        "id": lambda item, enabled: voucher_id(tenant_id, item["code"]),
        "active": lambda item, enabled: "true" if enabled and item.get("status") != "INACTIVE" else "false",
        "customer_id": customer,
    }


def voucher_row_maker(
    tenant_id: str, fields: Sequence[str], coupon_of: Callable[[str], Item]
) -> Callable[[Item], list[Any]]:
    """code item -> the requested fields; the coupon's own fields come from ``coupon_of``
    (metadata is the coupon's additionalAttributes), once per coupon."""
    code_values = _code_values(tenant_id)
    copied = [(n, *_CODE_ATTRIBUTES[name]) for n, name in enumerate(fields) if name in _CODE_ATTRIBUTES]
    computed = [(n, code_values[name]) for n, name in enumerate(fields) if name in code_values]
    templates: dict[str, tuple[list[Any], bool]] = {}

    def template(coupon_id: str) -> tuple[list[Any], bool]:
        coupon = coupon_of(coupon_id)
        row: list[Any] = []
        for name in fields:
            if name.startswith("metadata."):
                row.append(_metadata_cell(metadata_of(coupon).get(name.removeprefix("metadata."))))
            else:
                row.append(_COUPON_VALUES[name](coupon) if name in _COUPON_VALUES else None)
        templates[coupon_id] = (row, coupon.get("isEnabled", True) is not False)
        return templates[coupon_id]

    def make(item: Item) -> list[Any]:
        coupon_id = item.get("promotionId", "")
        row, enabled = templates.get(coupon_id) or template(coupon_id)
        row = row.copy()
        get = item.get
        for n, attribute, default in copied:
            row[n] = get(attribute, default)
        for n, value in computed:
            row[n] = value(item, enabled)
        return row

    return make


# -- customers -----------------------------------------------------------------------------------------

CUSTOMER_DEFAULT_FIELDS = ("name", "source_id")
_ADDRESS_FIELDS = ("city", "state", "line_1", "line_2", "country", "postal_code")
_ORDER_FIELDS = ("total_amount", "total_count", "average_amount", "last_order_amount", "last_order_date")
CUSTOMER_FIELDS = (
    "name",
    "id",
    "description",
    "email",
    "source_id",
    "created_at",
    "updated_at",
    *(f"address_{name}" for name in _ADDRESS_FIELDS),
    *(f"redemptions_total_{name}" for name in TOTALS),
    *(f"orders_{name}" for name in _ORDER_FIELDS),
    "loyalty_points",
    "loyalty_referred_customers",
    "phone",
    "birthday",
    "birthdate",
    "metadata",
)


def _customer_values() -> dict[str, Callable[[Item], Any]]:
    def nothing(item: Item) -> None:
        return None

    values: dict[str, Callable[[Item], Any]] = dict.fromkeys(CUSTOMER_FIELDS, nothing)
    values.update(
        {
            "name": lambda item: item.get("name"),
            "id": lambda item: item.get("id"),
            "description": lambda item: item.get("description"),
            "email": lambda item: item.get("email"),
            "source_id": lambda item: item.get("sourceId"),
            "created_at": lambda item: item.get("createdAt"),
            "updated_at": lambda item: item.get("updatedAt"),
            "phone": lambda item: item.get("phone"),
            "birthday": lambda item: item.get("birthdate"),
            "birthdate": lambda item: item.get("birthdate"),
            "metadata": lambda item: _metadata_cell(item.get("metadata") or None),
        }
    )
    for name in _ADDRESS_FIELDS:
        values[f"address_{name}"] = lambda item, name=name: (item.get("address") or {}).get(name)
    for name, attribute in TOTALS.items():
        values[f"redemptions_total_{name}"] = lambda item, attribute=attribute: int(item.get(attribute) or 0)
    return values


def customer_row_maker(fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    return _row_maker(_customer_values(), fields, _own_metadata)


# -- publications ------------------------------------------------------------------------------------

# The reference's defaults list "code", which is not an allowed field: voucher_code stands in.
PUBLICATION_DEFAULT_FIELDS = ("voucher_code", "customer_id", "date", "channel")
PUBLICATION_FIELDS = (
    "voucher_code",
    "customer_id",
    "customer_source_id",
    "date",
    "channel",
    "campaign",
    "is_winner",
    "metadata",
)
_PUBLICATION_VALUES: dict[str, Callable[[Item], Any]] = {
    "voucher_code": lambda item: item.get("code"),
    "customer_id": lambda item: item.get("customerId"),
    "customer_source_id": lambda item: item.get("customerSourceId"),
    "date": lambda item: item.get("createdAt"),
    "channel": lambda item: item.get("channel"),
    "campaign": lambda item: item.get("campaign"),
    "is_winner": lambda item: "false",
    "metadata": lambda item: _metadata_cell(item.get("metadata") or None),
}


def publication_row_maker(fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    return _row_maker(_PUBLICATION_VALUES, fields, _own_metadata)
