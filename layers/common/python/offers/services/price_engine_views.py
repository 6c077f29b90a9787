"""The price engine's answers in fabric's shapes (plain JSON-ready dicts, built per item)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from offers.models.promotions import DiscountUnit, StackingType
from offers.services.pricing import Application, Applied, Line
from offers.services.pricing_cart import CartResult, NotAppliedCoupon
from offers.services.pricing_index import CompiledDiscount, CompiledPromotion

_DISCOUNT_TYPES = {DiscountUnit.FIXED: "FIXED_PRICE"}  # fabric's engine names FIXED this way


def number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def promotion_view(promotion: CompiledPromotion, discount: CompiledDiscount) -> dict[str, Any]:
    return {
        "id": promotion.id,
        "promoId": promotion.promo_id,
        "value": number(discount.value),
        "groupId": None,
        "level": promotion.level,
        "isStackable": promotion.stacking_type == StackingType.STACKABLE,
        "isAlwaysApplied": promotion.is_implicit,
        "stackingType": promotion.stacking_type,
        "name": promotion.name,
        "type": promotion.type,
        "discountType": _DISCOUNT_TYPES.get(discount.unit, discount.unit),
        "promotionMessages": messages_of([promotion]),
    }


def messages_of(promotions: list[CompiledPromotion], pages: set[str] | None = None) -> list[dict[str, Any]]:
    return [
        {"promoId": promotion.id, **message}
        for promotion in promotions
        for message in promotion.messages
        if pages is None or pages & set(message.get("pages", ()))
    ]


def _discount_view(applied: Applied) -> dict[str, Any]:
    return {
        "amount": number(applied.cart_amount if applied.cart_amount is not None else applied.amount),
        "quantity": applied.quantity,
        "application": applied.application,
        "promotion": promotion_view(applied.promotion, applied.discount),
    }


def price_view(line: Line) -> dict[str, Any]:
    item = line.item
    return {
        "base": number(item.base),
        "sale": number(item.sale),
        "cost": number(item.cost),
        "unitPriceWithoutDiscounts": number(line.unit_price),
        "lineTotalWithoutDiscounts": number(line.total_without_discounts),
        "lineTotalWithDiscounts": number(line.total),
        "type": item.price_type,
        "currency": item.currency,
    }


def offer_view(line: Line) -> dict[str, Any]:
    promotions = [applied.promotion for applied in line.discounts]
    return {
        "price": price_view(line),
        "discounts": [_discount_view(applied) for applied in line.discounts],
        "additionalAttributes": [],
        "promotionMessages": messages_of(promotions, {"PDP", "PLP"}),
    }


def cart_line_view(request_item: dict[str, Any], line: Line) -> dict[str, Any]:
    discounts = []
    for applied in line.discounts:
        view = _discount_view(applied)
        view["proratedAmount"] = number(applied.amount)
        view["proratedQuantity"] = applied.quantity if applied.application == Application.CART else None
        discounts.append(view)
    echo = dict(request_item)
    if "shippingDetails" in echo:
        taken = sum((applied.amount for applied in line.shipping_discounts), Decimal(0))
        echo["shippingDetails"] = {**echo["shippingDetails"], "shippingDiscount": number(taken)}
    return {
        **echo,
        "price": price_view(line),
        "discounts": discounts,
        "priceAttributes": {
            "cost": number(line.item.cost),
            "floor": None,
            "clearance": number(line.item.clearance),
        },
    }


def _not_applied_view(coupon: NotAppliedCoupon) -> dict[str, Any]:
    return {"couponCode": coupon.code, "promotionId": coupon.promotion_id, "message": coupon.message}


def cart_view(result: CartResult, request_items: list[dict[str, Any]]) -> dict[str, Any]:
    applied = result.applied
    return {
        "cartItems": [cart_line_view(ri, line) for ri, line in zip(request_items, result.lines, strict=True)],
        "errors": result.errors,
        "appliedDiscounts": [
            {
                "promotionId": a.promotion.id,
                "couponCode": a.coupon_code,
                "promotionName": a.promotion.name,
                "type": a.promotion.type,
                "amount": number(a.amount),
            }
            for a in applied
        ],
        "suggestedProducts": [
            {
                "sku": s.sku,
                "quantity": s.quantity,
                "promotionId": s.promotion.id,
                "promotionName": s.promotion.name,
            }
            for s in result.suggested
        ],
        "notAppliedCoupons": [_not_applied_view(c) for c in result.not_applied],
        "promotionMessages": messages_of([a.promotion for a in applied], {"Cart", "Checkout"}),
    }
