"""The price engine: pure functions from items, promotions and coupon checks to prices.

No I/O: the service reads prices, the active promotions (as a ``PromotionIndex``) and coupon
codes first, then calls ``price_items`` or ``price_cart``. The rules, with worked examples
that are tests, are in docs/pricing.md; the numbered steps below refer to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from offers.models.promotions import DiscountUnit, StackingType
from offers.services.pricing_index import (
    ITEM_LEVEL_TYPES,
    CompiledDiscount,
    CompiledPromotion,
    PricedItem,
    PriceType,
    PromotionIndex,
)
from offers.services.pricing_money import ZERO, to_minor_unit

HUNDRED = Decimal(100)


class Application:
    ITEM = "ITEM"
    CART = "CART"


@dataclass(slots=True)
class Applied:
    """One promotion's discount on one line. For a cart promotion ``amount`` is the line's
    share and ``cart_amount`` the whole discount."""

    promotion: CompiledPromotion
    discount: CompiledDiscount
    amount: Decimal
    quantity: int
    application: str = Application.ITEM
    coupon_code: str | None = None
    cart_amount: Decimal | None = None


@dataclass
class Line:
    item: PricedItem
    unit_price: Decimal
    total_without_discounts: Decimal
    total: Decimal  # after the discounts applied so far
    discounts: list[Applied] = field(default_factory=list)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [message for applied in self.discounts for message in applied.promotion.messages]


class NoPrice(Exception):
    """The item has no price to start from (no base, sale, clearance or range price)."""


# -- discount amounts (step 4) -------------------------------------------------------------------


def amount_off(
    discount: CompiledDiscount, base: Decimal, quantity: int, currency: str, *, per_unit: bool
) -> Decimal:
    """What one discount takes off ``base`` (a line total, or matched lines' subtotal), or 0
    when its minQuantity / minSpend is not met. Rounded once, capped by maxDiscount and base."""
    if discount.min_quantity is not None and quantity < discount.min_quantity:
        return ZERO
    if discount.min_spend is not None and base < discount.min_spend:
        return ZERO
    times = quantity if per_unit else 1
    if discount.unit == DiscountUnit.PERCENTAGE_OFF:
        amount = to_minor_unit(base * discount.value / HUNDRED, currency)
    elif discount.unit == DiscountUnit.AMOUNT_OFF:
        amount = to_minor_unit(discount.value * times, currency)
    else:  # FIXED: the unit (or the matched lines together) costs ``value``
        amount = base - to_minor_unit(discount.value * times, currency)
    if discount.max_discount is not None:
        amount = min(amount, to_minor_unit(discount.max_discount, currency))
    return max(ZERO, min(amount, base))


# -- choosing among a level's promotions (step 3) ------------------------------------------------


@dataclass(slots=True)
class Offer:
    promotion: CompiledPromotion
    payload: Any
    amount: Decimal


def _best(offers: Sequence[Offer]) -> Offer | None:
    """The largest discount; ties go to the older promotion (lower promoId)."""
    return min(offers, key=lambda o: (-o.amount, o.promotion.promo_id), default=None)


def choose(offers: Sequence[Offer]) -> list[Offer]:
    """The promotions of one level that apply together, all computed on the level's base.

    Per promotion type: the STACKABLE ones together, or the best TYPE_EXCLUSIVE one alone,
    whichever takes more. Those combine across types. The best EXCLUSIVE promotion alone
    replaces that combination if it takes more. Ties keep the combination.
    """
    if all(o.promotion.stacking_type == StackingType.STACKABLE for o in offers):
        return sorted(offers, key=lambda o: o.promotion.promo_id)  # the common case: all of them
    combined: list[Offer] = []
    others = sorted(
        (o for o in offers if o.promotion.stacking_type != StackingType.EXCLUSIVE),
        key=lambda o: (o.promotion.type, o.promotion.promo_id),
    )
    for _, same_type in groupby(others, key=lambda o: o.promotion.type):
        group = list(same_type)
        stackable = [o for o in group if o.promotion.stacking_type == StackingType.STACKABLE]
        type_exclusive = _best([o for o in group if o.promotion.stacking_type == StackingType.TYPE_EXCLUSIVE])
        if type_exclusive is not None and type_exclusive.amount > sum((o.amount for o in stackable), ZERO):
            combined.append(type_exclusive)
        else:
            combined.extend(stackable)
    exclusive = _best([o for o in offers if o.promotion.stacking_type == StackingType.EXCLUSIVE])
    if exclusive is not None and exclusive.amount > sum((o.amount for o in combined), ZERO):
        return [exclusive]
    return sorted(combined, key=lambda o: o.promotion.promo_id)


def run_levels(
    candidates: Sequence[tuple[CompiledPromotion, Any]],
    amount_of: Callable[[CompiledPromotion, Any], Decimal],
    apply: Callable[[Offer], None],
) -> None:
    """Steps 2, 3 and 5 for candidates in (level, promoId) order; ``amount_of`` reads the current
    state, ``apply`` changes it (and caps the amount at what is left)."""

    def offers(group: Iterable[tuple[CompiledPromotion, Any]]) -> list[Offer]:
        found = (Offer(p, payload, amount_of(p, payload)) for p, payload in group)
        return [offer for offer in found if offer.amount > 0]

    alone: list[tuple[CompiledPromotion, Any]] = []
    regular: list[tuple[CompiledPromotion, Any]] = []
    universal: list[tuple[CompiledPromotion, Any]] = []
    for candidate in candidates:
        promotion = candidate[0]
        (alone if promotion.is_exclusive else universal if promotion.is_universal else regular).append(
            candidate
        )
    exclusive = _best(offers(alone)) if alone else None
    if exclusive is not None:  # step 2: an isExclusive promotion is the only one
        apply(exclusive)
        return
    for _, level in groupby(regular, key=lambda c: c[0].level):
        for offer in choose(offers(list(level))):  # every amount is computed before any applies
            apply(offer)
    for _, level in groupby(universal, key=lambda c: c[0].level):  # step 5: UNIVERSAL last
        for offer in offers(list(level)):
            apply(offer)


# -- items (evaluate-products-by-sku / -by-id) ---------------------------------------------------


def start_line(item: PricedItem) -> Line:
    """Step 1: the unit price (clearance > sale > quantity range > base) times the quantity."""
    unit = item.unit_price
    if unit is None:
        raise NoPrice(f"no price for {item.sku or item.item_id}")
    total = unit * item.quantity
    return Line(item, unit, total, total)


def allowed(promotion: CompiledPromotion, coupons: dict[str, str]) -> bool:
    return promotion.is_implicit or promotion.id in coupons


def discount_line(line: Line, index: PromotionIndex, coupons: dict[str, str]) -> None:
    item = line.item
    if item.price_type == PriceType.CLEARANCE:  # a clearance price takes no promotions
        return
    candidates = []
    for promotion in index.candidates(item):
        if promotion.type in ITEM_LEVEL_TYPES and allowed(promotion, coupons):
            discount = promotion.discount_for(item)
            if discount is not None:
                candidates.append((promotion, discount))

    def amount_of(_: CompiledPromotion, discount: CompiledDiscount) -> Decimal:
        return amount_off(discount, line.total, item.quantity, item.currency, per_unit=True)

    def apply(offer: Offer) -> None:
        amount = min(offer.amount, line.total)
        line.total -= amount
        line.discounts.append(
            Applied(
                offer.promotion,
                offer.payload,
                amount,
                item.quantity,
                coupon_code=coupons.get(offer.promotion.id),
            )
        )

    run_levels(candidates, amount_of, apply)


def price_item(item: PricedItem, index: PromotionIndex) -> Line:
    """One item's price after its implicit item-level promotions (raises NoPrice)."""
    line = start_line(item)
    discount_line(line, index, {})
    return line
