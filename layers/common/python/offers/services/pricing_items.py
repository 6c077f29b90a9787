"""Price records as the price engine sees them at one moment."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from offers.models.prices import PriceRecord
from offers.services.pricing_index import PricedItem, QuantityRange
from offers.services.pricing_money import to_minor_unit


def priced_item(
    record: PriceRecord,
    quantity: int,
    at: datetime,
    *,
    collections: tuple[str, ...] = (),
    attributes: tuple[str, ...] = (),
    shipping_cost: Decimal | None = None,
    shipping_method_id: str | None = None,
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
        shipping_cost=None
        if shipping_cost is None
        else to_minor_unit(Decimal(shipping_cost), record.currency),
        shipping_method_id=shipping_method_id,
    )


def _money(value: object) -> Decimal | None:
    return None if value is None else Decimal(value)  # type: ignore[arg-type]


def priced_stored_item(item: dict, quantity: int, at: str) -> tuple[PricedItem, dict] | None:
    """``priced_item`` straight from a stored price item (exports: no model per row).

    Stored timestamps have one fixed-width form, so comparing them as text is comparing times.
    Returns the item and its offer active at ``at`` (also text), or None.
    """
    offer = next((o for o in item.get("offers", ()) if o["startAt"] <= at < o["endAt"]), None)
    if offer is None:
        return None
    price = offer["price"]
    price_range = offer.get("priceRange") or {}
    return (
        PricedItem(
            sku=item["itemSku"],
            item_id=item["itemId"],
            price_list_id=item["priceListId"],
            currency=item["currency"],
            quantity=quantity,
            base=_money(price.get("base")),
            sale=_money(price.get("sale")),
            cost=_money(price.get("cost")),
            clearance=_money(price.get("clearance")),
            ranges=tuple(
                QuantityRange(r["minQuantity"], r.get("maxQuantity"), Decimal(r["price"]))
                for r in price_range.get("ranges", ())
            ),
            categories=frozenset(item.get("categories", ())),
            collections=frozenset(item.get("collections", ())),
            attributes=frozenset(f"{a['name']}:{a['value']}" for a in item.get("attributes", ())),
        ),
        offer,
    )
