"""Price records as the price engine sees them at one moment."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from offers.models.prices import PriceRecord
from offers.services.pricing_index import PricedItem, QuantityRange


def priced_item(
    record: PriceRecord,
    quantity: int,
    at: datetime,
    *,
    collections: tuple[str, ...] = (),
    attributes: tuple[str, ...] = (),
) -> PricedItem | None:
    """The engine's view of a price record at a moment, or None when no offer is active then."""
    offer = record.offer_at(at)
    if offer is None:
        return None
    price = offer.price
    ranges = offer.price_range.ranges if offer.price_range else ()
    return PricedItem(
        sku=record.item_sku,
        item_id=record.item_id,
        price_list_id=record.price_list_id,
        currency=record.currency,
        quantity=quantity,
        base=price.base,
        sale=price.sale,
        cost=price.cost,
        clearance=price.clearance,
        ranges=tuple(QuantityRange(r.min_quantity, r.max_quantity, Decimal(r.price)) for r in ranges),
        categories=frozenset(record.categories),
        collections=frozenset((*record.collections, *collections)),
        attributes=frozenset((*(f"{a.name}:{a.value}" for a in record.attributes), *attributes)),
    )
