"""Money for the price engine: Decimal amounts in a currency's minor unit, rounded half-even.

Every amount the engine produces is rounded exactly once, where docs/pricing.md says so; a
cart discount split over lines is split in whole minor units, so the parts add up to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from functools import cache

ZERO = Decimal(0)

# ISO 4217 minor units that are not 2 (https://www.iso.org/iso-4217-currency-codes.html).
_MINOR_UNITS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV"),
        0,
    ),
    **dict.fromkeys(("XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


@cache
def minor_unit(currency: str) -> Decimal:
    """The smallest amount of a currency: 0.01 USD, 1 JPY, 0.001 KWD."""
    return Decimal(1).scaleb(-_MINOR_UNITS.get(currency.upper(), 2))


def to_minor_unit(amount: Decimal, currency: str) -> Decimal:
    """Round half-even to the currency's minor unit (0.125 USD -> 0.12, 0.135 -> 0.14)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_EVEN)


def prorate(total: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Split ``total`` over ``weights`` in whole minor units, the parts summing exactly to it.

    Each part is first rounded down; the units left over go, one each, to the largest
    remainders (ties to the earlier weight), so the split is deterministic.
    """
    unit = minor_unit(currency)
    weight_sum = sum(weights, ZERO)
    if not weights:
        return []
    if weight_sum <= 0:
        return [total if i == 0 else ZERO for i in range(len(weights))]
    exact = [total * weight / weight_sum for weight in weights]
    parts = [value.quantize(unit, rounding=ROUND_DOWN) for value in exact]
    left = int((total - sum(parts, ZERO)) / unit)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += unit
    return parts
