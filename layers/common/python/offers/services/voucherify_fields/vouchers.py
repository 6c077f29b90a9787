"""Voucherify's voucher fields over coupon codes and their coupons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from offers.services.voucherify_fields.common import Item, customer_id, metadata_cell, metadata_of
from offers.services.voucherify_ids import voucher_id

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
    "metadata": lambda coupon: metadata_cell(metadata_of(coupon) or None),
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
                row.append(metadata_cell(metadata_of(coupon).get(name.removeprefix("metadata."))))
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
