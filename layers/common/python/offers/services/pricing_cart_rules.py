"""What each cart-level promotion type covers and takes (docs/pricing.md, steps 6 and 7).

A cart-level promotion's candidate is a ``Coverage``: its discount and the lines it may
discount (never clearance lines), plus, per type, the lines its condition counts:
- ``CART``: the covered lines' subtotal is the base;
- ``SPEND_GET``: first the lines matching ``spend.targets`` must add up to ``spend.amount``;
- ``BUYGET``: every ``buy.quantity`` units of the lines matching ``buy.targets`` discount
  ``getQuantity`` units of the covered lines, the cheapest first;
- ``SHIPPING``: the covered lines' shipping costs are the base (``minSpend`` still counts the
  goods).
``measure`` gives what a coverage takes now and how to split it over its lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from offers.models.promotions import PromotionType
from offers.services.pricing import Line
from offers.services.pricing_index import (
    CompiledDiscount,
    CompiledPromotion,
    CompiledTarget,
    PriceType,
    holds,
)
from offers.services.pricing_money import ZERO, to_minor_unit


@dataclass(slots=True)
class Coverage:
    discount: CompiledDiscount
    lines: list[Line]  # the lines it may discount
    counted: list[Line] = field(default_factory=list)  # SPEND_GET's spend lines, BUYGET's buy lines


@dataclass(slots=True)
class Measure:
    amount: Decimal  # over the whole cart, rounded
    lines: list[Line]  # the lines it goes to ...
    weights: list[Decimal]  # ... in proportion to these (their totals, or shipping costs)
    quantities: list[int]  # the units it discounts on each line
    partial: bool = False  # BUYGET: the weights are parts of the lines, kept when it applies


def _counted(
    promotion: CompiledPromotion, targets: tuple[CompiledTarget, ...], lines: Sequence[Line]
) -> list[Line]:
    """The lines a BUYGET or SPEND_GET condition counts: in the promotion's price lists and
    matching ``targets`` (clearance lines count: they are bought, just never discounted)."""
    price_lists = promotion.eligible_price_lists
    return [
        line
        for line in lines
        if (not price_lists or line.item.price_list_id in price_lists) and holds(targets, line.item)
    ]


def coverage(promotion: CompiledPromotion, lines: Sequence[Line]) -> Coverage | None:
    """The promotion's first discount that covers some line, with the lines it covers and the
    lines its condition counts; None when it covers no line."""
    covered: dict[int, list[Line]] = {}
    for line in lines:
        if line.item.price_type == PriceType.CLEARANCE:
            continue
        if promotion.type == PromotionType.SHIPPING and not line.shipping:
            continue
        discount = promotion.discount_for(line.item)
        if discount is None:
            continue
        if discount.shipping_methods and line.item.shipping_method_id not in discount.shipping_methods:
            continue
        covered.setdefault(discount.position, []).append(line)
    if not covered:
        return None
    discount = promotion.discounts[min(covered)]
    found = Coverage(discount, covered[discount.position])
    if discount.buy_quantity is not None:
        found.counted = _counted(promotion, discount.buy_targets, lines)
    elif discount.spend is not None:
        found.counted = _counted(promotion, discount.spend_targets, lines)
    return found


def buy_get_units(
    discount: CompiledDiscount, buy: Sequence[Line], get: Sequence[Line]
) -> list[tuple[Line, int]]:
    """BUYGET: the units discounted, per line. ``n`` = how many times ``buy.quantity`` units and
    ``getQuantity`` other units fit in the cart (a unit counts once, as bought or as got);
    the ``n x getQuantity`` discounted units are the cheapest of the covered lines (ties: cart
    order), leaving enough units that are in both pools for the buying side."""
    assert discount.buy_quantity is not None
    buy_each, get_each = discount.buy_quantity, discount.get_quantity
    get_ids = {id(line) for line in get}
    buy_ids = {id(line) for line in buy}
    both = sum(line.item.quantity for line in get if id(line) in buy_ids)
    buy_only = sum(line.item.quantity for line in buy if id(line) not in get_ids)
    get_only = sum(line.item.quantity for line in get if id(line) not in buy_ids)
    times = min(
        (buy_only + both) // buy_each,
        (get_only + both) // get_each,
        (buy_only + get_only + both) // (buy_each + get_each),
    )
    wanted = times * get_each
    shared_left = buy_only + both - times * buy_each  # units in both pools the buyers can spare
    units: list[tuple[Line, int]] = []
    for line in sorted(get, key=lambda line: line.total / line.item.quantity):  # stable: cart order
        if wanted == 0:
            break
        take = min(wanted, line.item.quantity)
        if id(line) in buy_ids:
            take = min(take, shared_left)
            shared_left -= take
        if take:
            units.append((line, take))
            wanted -= take
    return units


def measure(promotion: CompiledPromotion, found: Coverage, quantum: Decimal) -> Measure:
    discount = found.discount
    currency = found.lines[0].item.currency
    if promotion.type == PromotionType.SHIPPING:
        weights = [line.shipping or ZERO for line in found.lines]
        base, goods = sum(weights, ZERO), sum((line.total for line in found.lines), ZERO)
        quantity = sum(line.item.quantity for line in found.lines)
        amount = discount.take(base, quantity, 1, goods, quantum)
        return Measure(amount, found.lines, weights, _quantities(found.lines))
    if discount.buy_quantity is not None:
        units = buy_get_units(discount, found.counted, found.lines)
        lines = [line for line, _ in units]
        # each line's discounted units' share of its total, rounded once
        weights = [to_minor_unit(line.total * count / line.item.quantity, currency) for line, count in units]
        base, count = sum(weights, ZERO), sum(count for _, count in units)
        if not count:
            return _NOTHING
        amount = discount.take(base, count, count, base, quantum)
        return Measure(amount, lines, weights, [count for _, count in units], partial=True)
    if discount.spend is not None:
        spent = sum((line.total for line in found.counted), ZERO)
        if spent < discount.spend:
            return _NOTHING
    weights = [line.total for line in found.lines]
    base = sum(weights, ZERO)
    quantity = sum(line.item.quantity for line in found.lines)
    return Measure(
        discount.take(base, quantity, 1, base, quantum), found.lines, weights, _quantities(found.lines)
    )


def _quantities(lines: Sequence[Line]) -> list[int]:
    return [line.item.quantity for line in lines]


_NOTHING = Measure(ZERO, [], [], [])


@dataclass(frozen=True)
class Suggestion:
    """A product the cart could add to get more of a BUYGET promotion (``suggestedProducts``)."""

    promotion: CompiledPromotion
    sku: str
    quantity: int  # units the bought items entitle to that the cart does not hold yet


def suggestions(promotion: CompiledPromotion, lines: Sequence[Line]) -> list[Suggestion]:
    """BUYGET: when what the cart buys entitles it to more discounted units than it holds, the
    SKUs its discount targets by name (``SKU IN``) that are not in the cart. Category or
    collection targets name no product, so they suggest nothing."""
    found = []
    in_cart = {line.item.sku for line in lines}
    for discount in promotion.discounts:
        if discount.buy_quantity is None:
            continue
        buy = _counted(promotion, discount.buy_targets, lines)
        bought = sum(line.item.quantity for line in buy)
        entitled = bought // discount.buy_quantity * discount.get_quantity
        get = [
            line
            for line in lines
            if line.item.price_type != PriceType.CLEARANCE and promotion.discount_for(line.item) is discount
        ]
        missing = entitled - sum(count for _, count in buy_get_units(discount, buy, get))
        if missing <= 0:
            continue
        named = [t for t in discount.targets if t.include and t.type == "SKU"]
        for target in named[:1]:
            found += [Suggestion(promotion, sku, missing) for sku in sorted(target.values - in_cart)]
    return found
