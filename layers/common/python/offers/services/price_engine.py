"""The real-time price engine's endpoints: read everything first (store.pricing), then run the
pure engine (services.pricing) and shape the answer (price_engine_views)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from offers.clock import format_timestamp, parse_timestamp, utc_now
from offers.errors import InvalidInput
from offers.models.coupons import CodeStatus, CouponCodeRecord
from offers.models.price_engine import CartItem, EvaluateById, EvaluateBySku, EvaluateCart
from offers.models.prices import PriceRecord
from offers.services.price_engine_views import cart_view, offer_view
from offers.services.pricing import NoPrice, price_item
from offers.services.pricing_cart import CouponCheck, price_cart
from offers.services.pricing_index import PromotionIndex
from offers.services.pricing_items import priced_item
from offers.store import keys
from offers.store.price_lists import PriceListNotFound
from offers.store.pricing import PricingReads

Found = dict[tuple[str, str], dict[str, Any]]


def evaluation_time(header: str | None) -> datetime:
    """``x-fabric-date``: price at another moment (prices and promotions active then)."""
    if not header:
        return utc_now()
    try:
        return parse_timestamp(header)
    except ValueError as error:
        raise InvalidInput.for_field("x-fabric-date", "must be an ISO 8601 time") from error


def _id(key: keys.Key) -> tuple[str, str]:
    return key[keys.PK], key[keys.SK]


def _list_prices_at(stored: dict[str, Any] | None, at: datetime) -> bool:
    """A list prices only while it exists and is in force (startAt <= at < endAt)."""
    if stored is None or stored.get("isDeleted"):
        return False
    stamp = format_timestamp(at)
    return bool(stored["startAt"] <= stamp < stored["endAt"])


def _not_found(identifier: Any, channel_id: str, at: datetime, price_list_id: int) -> dict[str, str]:
    return {
        "type": "Not found",
        "message": f"Price doesn't exist for product {identifier}, channels [{channel_id}], "
        f"date {format_timestamp(at)} and price lists [{price_list_id}]",
    }


def evaluate_products(
    tenant_id: str, request: EvaluateBySku | EvaluateById, at: datetime, channel_id: str
) -> tuple[int, dict[str, Any]]:
    """200 with every item priced, 207 when some could not be (``errors`` says which)."""
    by_sku = isinstance(request, EvaluateBySku)
    list_id = request.price_list_id
    identifiers: list[Any] = list(request.skus) if by_sku else list(request.item_ids)
    item_keys = {
        ident: keys.price_sku_key(tenant_id, list_id, ident)
        if by_sku
        else keys.price_item_key(tenant_id, list_id, ident)
        for ident in identifiers
    }
    list_key = keys.price_list_key(tenant_id, list_id)
    reads = PricingReads()
    found = reads.batch_get([list_key, *item_keys.values()])
    price_list = found.get(_id(list_key))
    if price_list is None or price_list.get("isDeleted"):
        raise PriceListNotFound(list_id)
    in_force = _list_prices_at(price_list, at)
    index = PromotionIndex.active_at(reads.live_promotions(tenant_id, at), at)
    quantities: dict[Any, int] = request.quantities()
    data, errors = [], []
    for ident in identifiers:
        item = found.get(_id(item_keys[ident])) if in_force else None
        priced = item and priced_item(PriceRecord.model_validate(item), quantities.get(ident, 1), at)
        try:
            line = price_item(priced, index) if priced else None
        except NoPrice:
            line = None
        if line is None:
            errors.append(_not_found(ident, channel_id, at, list_id))
            continue
        entry: dict[str, Any] = {"priceListId": list_id, "sku": line.item.sku, "itemId": line.item.item_id}
        entry.update({"currency": line.item.currency, "channelId": channel_id, "offer": offer_view(line)})
        data.append(entry)
    body: dict[str, Any] = {"data": data}
    if errors:
        body["errors"] = errors
    return (207 if errors else 200), body


# -- carts ---------------------------------------------------------------------------------------


def _coupon_check(code: str, item: dict[str, Any] | None, customer_id: str | None) -> CouponCheck:
    if item is None:
        return CouponCheck(code, None, "the code does not exist")
    record = CouponCodeRecord.model_validate(item)
    refusal = None
    if record.status == CodeStatus.REDEEMED:
        refusal = "the code has been used up"
    elif record.status == CodeStatus.INACTIVE:
        refusal = "the code is inactive"
    elif record.user_id is not None and record.user_id != customer_id:
        refusal = "the code is assigned to another customer"
    return CouponCheck(code, record.promotion_id, refusal)


def _cart_extras(cart_item: CartItem) -> dict[str, Any]:
    attributes = []
    for attribute in cart_item.product_attributes:
        values = attribute.value if isinstance(attribute.value, list) else [attribute.value]
        attributes += [f"{attribute.name}:{value}" for value in values if value is not None]
    extras: dict[str, Any] = {
        "collections": tuple(cart_item.product_collections),
        "attributes": tuple(attributes),
    }
    shipping = cart_item.shipping_details
    if shipping is not None:
        extras.update(shipping_cost=shipping.shipping_cost, shipping_method_id=shipping.shipping_method_id)
    return extras


def evaluate_cart(tenant_id: str, request: EvaluateCart, at: datetime) -> dict[str, Any]:
    reads = PricingReads()
    pointer = keys.default_price_list_key(tenant_id)
    needs_default = any(ci.price_list_id is None for ci in request.cart_items)
    code_keys = {code: keys.code_key(tenant_id, code) for code in request.coupon_codes}
    named = [
        keys.price_item_key(tenant_id, ci.price_list_id, ci.item_id)
        for ci in request.cart_items
        if ci.price_list_id is not None
    ]
    list_keys = {
        list_id: keys.price_list_key(tenant_id, list_id)
        for list_id in {ci.price_list_id for ci in request.cart_items if ci.price_list_id is not None}
    }
    first = [*([pointer] if needs_default else []), *list_keys.values(), *named, *code_keys.values()]
    found = reads.batch_get(first)
    default_id = (found.get(_id(pointer)) or {}).get("priceListId")
    if needs_default and default_id is not None:
        list_keys[int(default_id)] = keys.price_list_key(tenant_id, int(default_id))
        found.update(
            reads.batch_get(
                [
                    list_keys[int(default_id)],
                    *(
                        keys.price_item_key(tenant_id, int(default_id), ci.item_id)
                        for ci in request.cart_items
                        if ci.price_list_id is None
                    ),
                ]
            )
        )
    live_lists = {list_id for list_id, key in list_keys.items() if _list_prices_at(found.get(_id(key)), at)}
    index = PromotionIndex.active_at(reads.live_promotions(tenant_id, at), at)
    customer_id = request.customer.id if request.customer else None
    checks = [_coupon_check(code, found.get(_id(key)), customer_id) for code, key in code_keys.items()]
    items, echoes, errors = [], [], []
    for cart_item in request.cart_items:
        list_id = cart_item.price_list_id or default_id
        item = (
            found.get(_id(keys.price_item_key(tenant_id, int(list_id), cart_item.item_id)))
            if list_id is not None and int(list_id) in live_lists
            else None
        )
        priced = item and priced_item(
            PriceRecord.model_validate(item), cart_item.quantity, at, **_cart_extras(cart_item)
        )
        if not priced or priced.unit_price is None:
            errors.append(f"Price doesn't exist for product {cart_item.item_id} in price list {list_id}")
            continue
        items.append(priced)
        echo = {
            "itemId": cart_item.item_id,
            "sku": priced.sku,
            "quantity": cart_item.quantity,
            "position": cart_item.position,
            "priceListId": priced.price_list_id,
        }
        if cart_item.shipping_details is not None:
            echo["shippingDetails"] = cart_item.shipping_details.model_dump(mode="json", by_alias=True)
        echoes.append(echo)
    try:
        result = price_cart(items, index, checks)
    except NoPrice as error:  # filtered above; kept so a bug can't turn into a 500 silently
        raise InvalidInput(str(error)) from error
    result.errors = errors + result.errors
    return cart_view(result, echoes)
