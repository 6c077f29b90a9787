"""The price engine for carts: item promotions on every line, then cart promotions over the
discounted lines, with coupons unlocked by valid codes (docs/pricing.md, step 6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from offers.services.pricing import (
    Application,
    Applied,
    Line,
    NoPrice,
    Offer,
    allowed,
    amount_off,
    discount_line,
    run_levels,
    start_line,
)
from offers.services.pricing_index import (
    CART_LEVEL_TYPES,
    CompiledDiscount,
    CompiledPromotion,
    PricedItem,
    PriceType,
    PromotionIndex,
    grouped,
)
from offers.services.pricing_money import ZERO, minor_unit, prorate

# A cart promotion's discount and the lines it covers.
Covered = tuple[CompiledDiscount, list[Line]]


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

    @property
    def applied(self) -> list[Applied]:
        """Each promotion once, with its whole amount over the cart."""
        totals: dict[str, Applied] = {}
        for line in self.lines:
            for applied in line.discounts:
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
    lines: Sequence[Line], index: PromotionIndex, coupons: dict[str, str]
) -> list[tuple[CompiledPromotion, Covered]]:
    """Cart promotions and, for each, its discount and the lines it covers (no clearance lines).
    The discount is the promotion's first one that matches some line."""
    found: dict[str, CompiledPromotion] = {}
    for line in lines:
        for promotion in index.candidates(line.item):
            if promotion.type in CART_LEVEL_TYPES and allowed(promotion, coupons):
                found[promotion.id] = promotion
    candidates = []
    for promotion in sorted(found.values(), key=lambda p: p.rank):
        covered: dict[int, list[Line]] = {}
        for line in lines:
            if line.item.price_type == PriceType.CLEARANCE:
                continue
            discount = promotion.discount_for(line.item)
            if discount is not None:
                covered.setdefault(discount.position, []).append(line)
        if covered:
            position = min(covered)
            candidates.append((promotion, (promotion.discounts[position], covered[position])))
    return candidates


def _discount_cart(
    lines: Sequence[Line], index: PromotionIndex, coupons: dict[str, str], currency: str
) -> None:
    quantum = minor_unit(currency)

    def offers(group: Sequence[tuple[CompiledPromotion, Covered]]) -> list[Offer]:
        found = []
        for promotion, (discount, covered) in group:
            subtotal = sum((line.total for line in covered), ZERO)
            quantity = sum(line.item.quantity for line in covered)
            amount = amount_off(discount, subtotal, quantity, quantum, per_unit=False)
            if amount > 0:
                found.append((promotion, (discount, covered), amount))
        return found

    def apply(chosen: list[Offer]) -> None:
        for promotion, payload, offered in chosen:
            _apply_one(promotion, payload, offered)

    def _apply_one(promotion: CompiledPromotion, payload: Covered, offered: Decimal) -> None:
        discount, covered = payload
        amount = min(offered, sum((line.total for line in covered), ZERO))
        shares = prorate(amount, [line.total for line in covered], currency)
        for line, share in zip(covered, shares, strict=True):
            line.total -= share
            line.discounts.append(
                Applied(
                    promotion,
                    discount,
                    share,
                    line.item.quantity,
                    Application.CART,
                    coupons.get(promotion.id),
                    amount,
                )
            )

    run_levels(grouped(_cart_candidates(lines, index, coupons)), offers, apply)


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
        _discount_cart(lines, index, unlocked, lines[0].item.currency)
    used = {applied.promotion.id for line in lines for applied in line.discounts}
    for promotion_id, code in unlocked.items():
        if promotion_id not in used:
            refused.append(
                NotAppliedCoupon(code, promotion_id, "the cart does not meet the coupon's conditions")
            )
    return CartResult(lines, errors, refused)
