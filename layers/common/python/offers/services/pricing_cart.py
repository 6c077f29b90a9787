"""The price engine for carts: item promotions on every line, then cart promotions over the
discounted lines, with coupons unlocked by valid codes (docs/pricing.md, step 6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from offers.models.promotions import PromotionType
from offers.services.pricing import (
    Application,
    Applied,
    Line,
    NoPrice,
    Offer,
    allowed,
    discount_line,
    run_levels,
    start_line,
)
from offers.services.pricing_cart_rules import Coverage, Measure, Suggestion, coverage, measure, suggestions
from offers.services.pricing_index import (
    CART_LEVEL_TYPES,
    SHIPPING_TYPES,
    CompiledPromotion,
    PricedItem,
    PromotionIndex,
    grouped,
)
from offers.services.pricing_money import ZERO, minor_unit, prorate


@dataclass(frozen=True)
class CouponCheck:
    """What the service found for a code the client sent: its promotion, or why it is refused."""

    code: str
    promotion_id: str | None
    refusal: str | None = None


@dataclass(frozen=True)
class NotAppliedCoupon:
    code: str
    promotion_id: str | None
    message: str


@dataclass
class CartResult:
    lines: list[Line]
    errors: list[str]
    not_applied: list[NotAppliedCoupon]
    suggested: list[Suggestion] = field(default_factory=list)

    @property
    def applied(self) -> list[Applied]:
        """Each promotion once, with its whole amount over the cart."""
        totals: dict[str, Applied] = {}
        for line in self.lines:
            for applied in (*line.discounts, *line.shipping_discounts):
                known = totals.get(applied.promotion.id)
                if known is None:
                    totals[applied.promotion.id] = Applied(
                        applied.promotion,
                        applied.discount,
                        applied.cart_amount if applied.cart_amount is not None else applied.amount,
                        applied.quantity,
                        applied.application,
                        applied.coupon_code,
                        applied.cart_amount,
                    )
                elif applied.cart_amount is None:
                    known.amount += applied.amount
                    known.quantity += applied.quantity
        return list(totals.values())


def _coupon_promotions(
    coupons: Sequence[CouponCheck], index: PromotionIndex
) -> tuple[dict[str, str], list[NotAppliedCoupon]]:
    """Promotion id -> the code that unlocks it, and the codes refused before pricing."""
    unlocked: dict[str, str] = {}
    refused = []
    for check in coupons:
        if check.refusal is not None:
            refused.append(NotAppliedCoupon(check.code, check.promotion_id, check.refusal))
            continue
        promotion = index.get(check.promotion_id or "")
        if promotion is None or promotion.is_implicit:
            refused.append(NotAppliedCoupon(check.code, check.promotion_id, "the coupon is not active"))
        elif promotion.id in unlocked:
            refused.append(
                NotAppliedCoupon(check.code, promotion.id, "another code of this coupon is already applied")
            )
        else:
            unlocked[promotion.id] = check.code
    return unlocked, refused


def _cart_candidates(
    lines: Sequence[Line], index: PromotionIndex, coupons: dict[str, str], types: frozenset[str]
) -> list[tuple[CompiledPromotion, Coverage]]:
    """The cart-level promotions of ``types`` and what each covers (pricing_cart_rules)."""
    found: dict[str, CompiledPromotion] = {}
    for line in lines:
        for promotion in index.candidates(line.item):
            if promotion.type in types and allowed(promotion, coupons):
                found[promotion.id] = promotion
    candidates = []
    for promotion in sorted(found.values(), key=lambda p: p.rank):
        covered = coverage(promotion, lines)
        if covered is not None:
            candidates.append((promotion, covered))
    return candidates


def _split(promotion: CompiledPromotion, measured: Measure, offered: Decimal, currency: str) -> list[Decimal]:
    """Each line's share of a cart-level discount, in whole minor units, none more than what
    is left of the line (or of its shipping)."""
    lines = measured.lines
    if promotion.type in SHIPPING_TYPES:
        left = weights = [line.shipping or ZERO for line in lines]
    elif measured.partial:
        weights, left = measured.weights, [line.total for line in lines]
    else:
        left = weights = [line.total for line in lines]  # as they are now, after this level's others
    shares = prorate(min(offered, sum(left, ZERO)), weights, currency)
    return [min(share, room) for share, room in zip(shares, left, strict=True)]


def _discount_cart(
    lines: Sequence[Line],
    index: PromotionIndex,
    coupons: dict[str, str],
    currency: str,
    types: frozenset[str],
) -> None:
    quantum = minor_unit(currency)

    def offers(group: Sequence[tuple[CompiledPromotion, Coverage]]) -> list[Offer]:
        found = []
        for promotion, covered in group:
            measured = measure(promotion, covered, quantum)
            if measured.amount > 0:
                found.append((promotion, (covered.discount, measured), measured.amount))
        return found

    def apply(chosen: list[Offer]) -> None:
        for promotion, (discount, measured), offered in chosen:
            shares = _split(promotion, measured, offered, currency)
            whole = sum(shares, ZERO)
            coupon = coupons.get(promotion.id)
            for line, share, quantity in zip(measured.lines, shares, measured.quantities, strict=True):
                applied = Applied(promotion, discount, share, quantity, Application.CART, coupon, whole)
                if promotion.type in SHIPPING_TYPES:
                    line.shipping = (line.shipping or ZERO) - share
                    line.shipping_discounts.append(applied)
                else:
                    line.total -= share
                    line.discounts.append(applied)

    run_levels(grouped(_cart_candidates(lines, index, coupons, types)), offers, apply)


def price_cart(
    items: Sequence[PricedItem], index: PromotionIndex, coupons: Sequence[CouponCheck] = ()
) -> CartResult:
    """Item promotions on every line first (steps 1-5), then cart promotions over the
    discounted lines (step 6). Coupons take part only when unlocked by a valid code."""
    unlocked, refused = _coupon_promotions(coupons, index)
    lines, errors = [], []
    for item in items:
        try:
            lines.append(start_line(item))
        except NoPrice as error:
            errors.append(str(error))
    for line in lines:
        discount_line(line, index, unlocked)
    if lines:
        _discount_cart(lines, index, unlocked, lines[0].item.currency, CART_LEVEL_TYPES)
    if any(line.shipping for line in lines):  # step 7: shipping, on what the goods cost now
        _discount_cart(lines, index, unlocked, lines[0].item.currency, SHIPPING_TYPES)
    used = {applied.promotion.id for line in lines for applied in (*line.discounts, *line.shipping_discounts)}
    for promotion_id, code in unlocked.items():
        if promotion_id not in used:
            refused.append(
                NotAppliedCoupon(code, promotion_id, "the cart does not meet the coupon's conditions")
            )
    return CartResult(lines, errors, refused, _suggestions(lines, index, unlocked))


def _suggestions(lines: Sequence[Line], index: PromotionIndex, coupons: dict[str, str]) -> list[Suggestion]:
    """What BUYGET promotions the cart buys for would add (pricing_cart_rules.suggestions)."""
    found: dict[str, CompiledPromotion] = {}
    for line in lines:
        for promotion in index.candidates(line.item):
            if promotion.type == PromotionType.BUYGET and allowed(promotion, coupons):
                found[promotion.id] = promotion
    return [s for p in sorted(found.values(), key=lambda p: p.rank) for s in suggestions(p, lines)]
