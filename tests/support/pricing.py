"""Promotions and items for price engine tests: only what a test is about needs saying."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from offers.models.promotions import PromotionRecord
from offers.services.pricing_index import PricedItem, PromotionIndex, QuantityRange


def promotion(
    promo_id: int,
    *,
    unit: str = "PERCENTAGE_OFF",
    value: float | str = 10,
    level: int = 1,
    stacking: str = "STACKABLE",
    type: str = "PRODUCT",
    exclusive: bool = False,
    implicit: bool = True,
    targets: list[dict[str, Any]] | None = None,
    promotion_targets: list[dict[str, Any]] | None = None,
    price_lists: list[int] | None = None,
    messages: list[dict[str, Any]] | None = None,
    starts_in_days: float = -1,
    ends_in_days: float | None = 30,
    **discount: Any,
) -> PromotionRecord:
    now = datetime.now(UTC)
    return PromotionRecord.model_validate(
        {
            "id": f"{promo_id:024x}",
            "promoId": promo_id,
            "name": f"promotion {promo_id}",
            "type": type,
            "startAt": now + timedelta(days=starts_in_days),
            "endAt": None if ends_in_days is None else now + timedelta(days=ends_in_days),
            "level": level,
            "stackingType": stacking,
            "isExclusive": exclusive,
            "isImplicit": implicit,
            "eligiblePriceLists": price_lists or [],
            "targets": promotion_targets or [],
            "discounts": [{"unit": unit, "value": value, "targets": targets or [], **discount}],
            "promotionMessages": messages or [],
            "createdAt": now,
            "updatedAt": now,
        }
    )


def item(
    base: str | None = "100.00",
    *,
    sku: str = "SKU-1",
    quantity: int = 1,
    sale: str | None = None,
    clearance: str | None = None,
    currency: str = "USD",
    price_list_id: int = 1000001,
    categories: tuple[str, ...] = (),
    collections: tuple[str, ...] = (),
    attributes: tuple[str, ...] = (),
    ranges: tuple[tuple[int, int | None, str], ...] = (),
    shipping: str | None = None,
    shipping_method: str | None = None,
) -> PricedItem:
    def money(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return PricedItem(
        sku=sku,
        item_id=None,
        price_list_id=price_list_id,
        currency=currency,
        quantity=quantity,
        base=money(base),
        sale=money(sale),
        clearance=money(clearance),
        ranges=tuple(QuantityRange(low, high, Decimal(price)) for low, high, price in ranges),
        categories=frozenset(categories),
        collections=frozenset(collections),
        attributes=frozenset(attributes),
        shipping_cost=money(shipping),
        shipping_method_id=shipping_method,
    )


def index(*promotions: PromotionRecord) -> PromotionIndex:
    return PromotionIndex.active_at(promotions, datetime.now(UTC))
