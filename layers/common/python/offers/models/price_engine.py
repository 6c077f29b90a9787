"""Requests of the real-time price engine (fabric Offers v3)."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from offers.models.base import Amount, Flag, RequestModel
from offers.models.coupons import CouponCode
from offers.models.prices import ItemId, PriceListId, Sku

MAX_ITEMS = 50
MAX_CART_ITEMS = 100
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]


class Segment(RequestModel):
    name: Text
    value: list[Text] = Field(default_factory=list, max_length=50)


class Customer(RequestModel):
    id: Text | None = None
    segments: list[Segment] = Field(default_factory=list, max_length=50)


class _Lenient(RequestModel):
    """Sub-objects fabric documents loosely: their own fields are passed through, not checked."""

    model_config = ConfigDict(extra="allow")


class PriceParameter(RequestModel):
    sku: Sku | None = None
    item_id: ItemId | None = None
    quantity: Quantity = 1
    additional_properties: list[_Lenient] = Field(default_factory=list, max_length=50)
    selected_add_ons: list[Any] = Field(default_factory=list, max_length=50)


class _Evaluate(RequestModel):
    price_list_id: PriceListId
    customer: Customer | None = None
    price_parameters: list[PriceParameter] = Field(default_factory=list, max_length=MAX_ITEMS)
    is_audit: Flag = False
    locale: Annotated[str, StringConstraints(max_length=20)] = "en-US"


class EvaluateBySku(_Evaluate):
    """Body of POST /price-engine/actions/evaluate-products-by-sku."""

    skus: list[Sku] = Field(min_length=1, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        if len(set(self.skus)) != len(self.skus):
            raise ValueError("skus must be unique")
        return self

    def quantities(self) -> dict[str, int]:
        return {p.sku: p.quantity for p in self.price_parameters if p.sku is not None}


class EvaluateById(_Evaluate):
    """Body of POST /price-engine/actions/evaluate-products-by-id."""

    item_ids: list[ItemId] = Field(min_length=1, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        if len(set(self.item_ids)) != len(self.item_ids):
            raise ValueError("itemIds must be unique")
        return self

    def quantities(self) -> dict[int, int]:
        return {p.item_id: p.quantity for p in self.price_parameters if p.item_id is not None}


class ProductAttribute(_Lenient):
    name: Text
    value: Any = None


class ShippingDetails(_Lenient):
    """A cart line's shipping: SHIPPING promotions discount ``shippingCost`` (the answer says by
    how much in ``shippingDiscount``); other fields are passed through."""

    shipping_cost: Amount | None = Field(None, ge=0, max_digits=14, decimal_places=4)
    shipping_method_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    shipping_method_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    shipping_discount: Amount | None = None  # an answer field: what the client sends is ignored


class CartItem(RequestModel):
    item_id: ItemId
    quantity: Quantity
    position: int | None = Field(None, ge=1)
    sku: Sku | None = None
    price_list_id: PriceListId | None = None
    price: Amount | None = Field(None, ge=0)
    product_attributes: list[ProductAttribute] = Field(default_factory=list, max_length=100)
    groups: list[Text] = Field(default_factory=list, max_length=100)
    attributes: dict[str, Any] = Field(default_factory=dict)
    shipping_details: ShippingDetails | None = None
    product_collections: list[Text] = Field(default_factory=list, max_length=100)


class EvaluateCart(RequestModel):
    """Body of POST /price-engine/actions/evaluate-cart."""

    cart_items: list[CartItem] = Field(min_length=1, max_length=MAX_CART_ITEMS)
    coupon_codes: list[CouponCode] = Field(default_factory=list, max_length=20)
    customer: Customer | None = None
    locale: Annotated[str, StringConstraints(max_length=20)] = "en-US"
