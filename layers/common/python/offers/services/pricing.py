"""The price engine: pure functions from items, promotions and coupon checks to prices.

No I/O: the service reads prices, the active promotions (as a ``PromotionIndex``) and coupon
codes first, then calls ``price_items`` or ``price_cart``. The rules, with worked examples
that are tests, are in docs/pricing.md; the numbered steps below refer to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from offers.models.promotions import StackingType
from offers.services.pricing_index import (
    ITEM_LEVEL_TYPES,
    CompiledDiscount,
    CompiledPromotion,
    PricedItem,
    PriceType,
    PromotionIndex,
    Stage,
)
from offers.services.pricing_money import ZERO, minor_unit


class Application:
    ITEM = "ITEM"
    CART = "CART"


ITEM = Application.ITEM


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
    shipping: Decimal | None = None  # evaluate-cart: shipping cost left after SHIPPING promotions
    shipping_discounts: list[Applied] = field(default_factory=list)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [message for applied in self.discounts for message in applied.promotion.messages]


class NoPrice(Exception):
    """The item has no price to start from (no base, sale, clearance or range price)."""


# -- discount amounts (step 4) -------------------------------------------------------------------


def amount_off(
    discount: CompiledDiscount, base: Decimal, quantity: int, quantum: Decimal, *, per_unit: bool
) -> Decimal:
    """What one discount takes off ``base`` (a line total, or covered lines' subtotal) in the
    currency whose minor unit is ``quantum``: a value per unit counts ``quantity`` times when
    ``per_unit``, else once (pricing_amounts)."""
    return discount.take(base, quantity, quantity if per_unit else 1, base, quantum)


# -- choosing among a level's promotions (step 3) ------------------------------------------------


# One promotion's offer on a level's base: (promotion, payload, amount). A plain tuple, as
# dozens are made per line.
Offer = tuple[CompiledPromotion, Any, Decimal]
Candidate = tuple[CompiledPromotion, Any]
Apply = Callable[[list[Offer]], None]


def _best(offers: Sequence[Offer]) -> Offer | None:
    """The largest discount; ties go to the older promotion (lower promoId)."""
    return min(offers, key=lambda o: (-o[2], o[0].promo_id), default=None)


_STACKABLE = str(StackingType.STACKABLE)
_EXCLUSIVE = str(StackingType.EXCLUSIVE)


def choose(offers: list[Offer]) -> list[Offer]:
    """The promotions of one level that apply together, all computed on the level's base;
    ``offers`` come in promoId order, and so does the answer.

    Per promotion type: the STACKABLE ones together, or the best TYPE_EXCLUSIVE one alone,
    whichever takes more. Those combine across types. The best EXCLUSIVE promotion alone
    replaces that combination if it takes more. Ties keep the combination, and between equal
    amounts the lower promoId wins (the first seen). One pass: this runs per line and level.
    """
    stackable_sums: dict[str, Decimal] = {}
    type_exclusive: dict[str, Offer] = {}
    exclusive: Offer | None = None
    for offer in offers:
        promotion, _, amount = offer
        stacking = promotion.stacking_type
        if stacking == _STACKABLE:
            stackable_sums[promotion.type] = stackable_sums.get(promotion.type, ZERO) + amount
        elif stacking == _EXCLUSIVE:
            if exclusive is None or amount > exclusive[2]:
                exclusive = offer
        else:  # TYPE_EXCLUSIVE
            best = type_exclusive.get(promotion.type)
            if best is None or amount > best[2]:
                type_exclusive[promotion.type] = offer
    if exclusive is None and not type_exclusive:
        return offers  # the common case: all stackable, all of them
    combined = []
    alone = {kind: best for kind, best in type_exclusive.items() if best[2] > stackable_sums.get(kind, ZERO)}
    for offer in offers:
        promotion = offer[0]
        if promotion.type in alone:
            if alone[promotion.type] is offer:
                combined.append(offer)
        elif promotion.stacking_type == _STACKABLE:
            combined.append(offer)
    if exclusive is not None and exclusive[2] > sum((o[2] for o in combined), ZERO):
        return [exclusive]
    return combined


def run_levels(
    groups: Sequence[Sequence[Candidate]],
    offers: Callable[[Sequence[Candidate]], list[Offer]],
    apply: Apply,
) -> None:
    """Steps 2, 3 and 5 for candidates in the engine's order (``CompiledPromotion.rank``), one
    group at a time (``pricing_index.grouped``). ``offers`` gives a group's offers (amount > 0)
    on the current state, every amount computed before any applies; ``apply`` applies the
    chosen ones in order (capping each at what is left)."""
    for group in groups:
        found = offers(group)
        stage = group[0][0].stage
        if stage == Stage.LEVELS:
            apply(choose(found))
        elif stage == Stage.UNIVERSAL:  # step 5: UNIVERSAL last, each of them
            apply(found)
        else:  # step 2: an isExclusive promotion is the only one
            best = _best(found)
            if best is not None:
                apply([best])
                return


# -- items (evaluate-products-by-sku / -by-id) ---------------------------------------------------


def start_line(item: PricedItem) -> Line:
    """Step 1: the unit price (clearance > sale > quantity range > base) times the quantity."""
    unit = item.unit_price
    if unit is None:
        raise NoPrice(f"no price for {item.sku or item.item_id}")
    total = unit * item.quantity
    return Line(item, unit, total, total, shipping=item.shipping_cost)


def allowed(promotion: CompiledPromotion, coupons: dict[str, str]) -> bool:
    return promotion.is_implicit or promotion.id in coupons


def discount_line(line: Line, index: PromotionIndex, coupons: dict[str, str]) -> None:
    item = line.item
    if item.price_type == PriceType.CLEARANCE:  # a clearance price takes no promotions
        return
    groups = index.matches(item, ITEM_LEVEL_TYPES, coupons)
    quantity, quantum = item.quantity, minor_unit(item.currency)

    def offers(group: Sequence[Candidate]) -> list[Offer]:
        base, found = line.total, []
        for promotion, discount in group:
            amount = discount.take(base, quantity, quantity, base, quantum)  # amount_off, inlined
            if amount > 0:
                found.append((promotion, discount, amount))
        return found

    def apply(chosen: list[Offer]) -> None:
        total, applied = line.total, line.discounts
        for promotion, discount, offered in chosen:
            amount = total if offered > total else offered
            total -= amount
            applied.append(Applied(promotion, discount, amount, quantity, ITEM, coupons.get(promotion.id)))
        line.total = total

    run_levels(groups, offers, apply)


def price_item(item: PricedItem, index: PromotionIndex) -> Line:
    """One item's price after its implicit item-level promotions (raises NoPrice)."""
    line = start_line(item)
    discount_line(line, index, {})
    return line
