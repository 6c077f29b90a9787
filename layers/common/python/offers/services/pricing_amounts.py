"""Discount amounts (docs/pricing.md step 4), compiled once per discount.

The engine asks every candidate discount what it takes off a base, dozens of times per line,
so each discount gets a small function made for its unit and its conditions when the
promotion is compiled (once per index build), instead of re-reading them on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal

from offers.models.promotions import DiscountUnit
from offers.services.pricing_money import ZERO

# (base, quantity, times, spent, quantum) -> amount. ``base`` is a line total or covered
# subtotal, ``quantity`` what minQuantity counts, ``times`` how many times a per-unit value
# applies (the quantity for a line, 1 for a cart discount), ``spent`` what minSpend compares
# (the base, except for shipping: the goods), ``quantum`` the currency's minor unit.
Amount = Callable[[Decimal, int, int, Decimal, Decimal], Decimal]

_ROUNDED_KEPT = 32  # per AMOUNT_OFF discount: (times, quantum) -> value x times, rounded


def compile_amount(
    unit: str,
    value: Decimal,
    min_quantity: int | None,
    min_spend: Decimal | None,
    max_discount: Decimal | None,
) -> Amount:
    """What the discount takes off ``base``: 0 when minQuantity / minSpend is not met; rounded
    half-even to ``quantum`` once; capped by maxDiscount and by the base (never negative)."""
    factor = value / 100
    plain = min_quantity is None and min_spend is None and max_discount is None
    if plain and unit == DiscountUnit.PERCENTAGE_OFF:

        def percentage(base: Decimal, quantity: int, times: int, spent: Decimal, quantum: Decimal) -> Decimal:
            amount = (base * factor).quantize(quantum, ROUND_HALF_EVEN)
            return base if amount > base else amount

        return percentage
    if plain and unit == DiscountUnit.AMOUNT_OFF:
        rounded: dict[tuple[int, Decimal], Decimal] = {}  # the same few quantities, again and again

        def amount_off(base: Decimal, quantity: int, times: int, spent: Decimal, quantum: Decimal) -> Decimal:
            amount = rounded.get((times, quantum))
            if amount is None:
                amount = (value * times).quantize(quantum, ROUND_HALF_EVEN)
                if len(rounded) < _ROUNDED_KEPT:
                    rounded[(times, quantum)] = amount
            return base if amount > base else amount

        return amount_off

    def any_discount(base: Decimal, quantity: int, times: int, spent: Decimal, quantum: Decimal) -> Decimal:
        if min_quantity is not None and quantity < min_quantity:
            return ZERO
        if min_spend is not None and spent < min_spend:
            return ZERO
        if unit == DiscountUnit.PERCENTAGE_OFF:
            amount = (base * factor).quantize(quantum, ROUND_HALF_EVEN)
        elif unit == DiscountUnit.AMOUNT_OFF:
            amount = (value * times).quantize(quantum, ROUND_HALF_EVEN)
        else:  # FIXED: the unit (or the covered lines together) costs ``value``
            amount = base - (value * times).quantize(quantum, ROUND_HALF_EVEN)
        if max_discount is not None:
            amount = min(amount, max_discount.quantize(quantum, ROUND_HALF_EVEN))
        return max(ZERO, min(amount, base))

    return any_discount
