"""What the price engine works on: items with their prices, promotions compiled for matching,
and an index that finds an item's candidate promotions without testing every promotion.

A promotion (one of its discounts) is filed under one of its positive targets, e.g. SKU
``A-1`` or CATEGORY ``shoes``; an item looks up its own SKU, categories, collections and
attributes and gets only the promotions filed there, plus those that target everything.
Only those candidates are checked in full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from offers.models.promotions import PromotionType, StackingType, TargetOperator, TargetType
from offers.services.pricing_amounts import Amount, compile_amount

ITEM_LEVEL_TYPES = frozenset({PromotionType.PRODUCT, PromotionType.QUANTITY})
CART_LEVEL_TYPES = frozenset({PromotionType.CART, PromotionType.BUYGET, PromotionType.SPEND_GET})
SHIPPING_TYPES = frozenset({PromotionType.SHIPPING})


class PriceType:
    BASE = "BASE"
    SALE = "SALE"
    CLEARANCE = "CLEARANCE"


@dataclass(frozen=True)
class QuantityRange:
    min_quantity: int
    max_quantity: int | None
    price: Decimal


@dataclass(frozen=True)
class PricedItem:
    """One item to price: its offer's amounts (already in the currency's minor unit) and what
    promotions target (its SKU, categories, collections and ``name:value`` attributes)."""

    sku: str | None
    item_id: int | None
    price_list_id: int
    currency: str
    quantity: int
    base: Decimal | None
    sale: Decimal | None = None
    cost: Decimal | None = None
    clearance: Decimal | None = None
    ranges: tuple[QuantityRange, ...] = ()
    categories: frozenset[str] = frozenset()
    collections: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()
    shipping_cost: Decimal | None = None  # evaluate-cart: the line's shippingDetails
    shipping_method_id: str | None = None

    @property
    def price_type(self) -> str:
        if self.clearance is not None:
            return PriceType.CLEARANCE
        if self.sale is not None:
            return PriceType.SALE
        return PriceType.BASE

    @property
    def unit_price(self) -> Decimal | None:
        """Clearance beats sale, sale beats base; a quantity range's price is the base for that
        quantity."""
        if self.clearance is not None:
            return self.clearance
        if self.sale is not None:
            return self.sale
        for quantity_range in self.ranges:
            if self.quantity >= quantity_range.min_quantity and (
                quantity_range.max_quantity is None or self.quantity <= quantity_range.max_quantity
            ):
                return quantity_range.price
        return self.base

    def target_values(self, target_type: str) -> Iterable[str]:
        if target_type == TargetType.SKU:
            return (self.sku,) if self.sku else ()
        if target_type == TargetType.CATEGORY:
            return self.categories
        if target_type == TargetType.COLLECTION:
            return self.collections
        if target_type == TargetType.ATTRIBUTE:
            return self.attributes
        return (self.price_type,)  # PRICE_TYPE


@dataclass(frozen=True)
class CompiledTarget:
    type: str
    include: bool
    values: frozenset[str]

    def holds_for(self, item: PricedItem) -> bool:
        hit = not self.values.isdisjoint(item.target_values(self.type))
        return hit if self.include else not hit


@dataclass(frozen=True)
class CompiledDiscount:
    position: int
    unit: str
    value: Decimal
    targets: tuple[CompiledTarget, ...]
    min_quantity: int | None
    min_spend: Decimal | None
    max_discount: Decimal | None
    buy_quantity: int | None = None  # BUYGET: buy this many of buy_targets...
    buy_targets: tuple[CompiledTarget, ...] = ()
    get_quantity: int = 1  # ... get this many of the discount's targets discounted
    spend: Decimal | None = None  # SPEND_GET: spend this much on spend_targets first
    spend_targets: tuple[CompiledTarget, ...] = ()
    shipping_methods: frozenset[str] = frozenset()  # SHIPPING: only these methods (empty: any)
    # what it takes off a base (pricing_amounts.Amount), compiled once for its unit and conditions
    take: Amount = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        take = compile_amount(self.unit, self.value, self.min_quantity, self.min_spend, self.max_discount)
        object.__setattr__(self, "take", take)


class Stage:
    ALONE = 0
    LEVELS = 1
    UNIVERSAL = 2


@dataclass(frozen=True)
class CompiledPromotion:
    """A promotion as the engine needs it; ``source`` is the record it came from."""

    id: str
    promo_id: int
    name: str
    type: str
    level: int
    stacking_type: str
    is_exclusive: bool
    is_implicit: bool
    eligible_price_lists: frozenset[int]
    targets: tuple[CompiledTarget, ...]
    discounts: tuple[CompiledDiscount, ...]
    messages: tuple[dict[str, Any], ...] = ()
    source: Any = field(default=None, compare=False, repr=False)
    # Where it runs (docs/pricing.md steps 2, 3 and 5), computed once as the engine reads them
    # for every candidate: ``stage`` ALONE (isExclusive), LEVELS or UNIVERSAL; ``group`` the
    # promotions evaluated on one base (all isExclusive ones together, else stage and level);
    # ``rank`` the engine's order, (group, promoId).
    stage: int = field(init=False, compare=False)
    group: int = field(init=False, compare=False)
    rank: tuple[int, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.is_exclusive:
            stage = Stage.ALONE
        elif self.stacking_type == StackingType.UNIVERSAL:
            stage = Stage.UNIVERSAL
        else:
            stage = Stage.LEVELS
        group = 0 if stage == Stage.ALONE else stage * 100 + self.level
        object.__setattr__(self, "stage", stage)
        object.__setattr__(self, "group", group)
        object.__setattr__(self, "rank", (group, self.promo_id))

    def discount_for(self, item: PricedItem) -> CompiledDiscount | None:
        """The first of its discounts whose targets (and the promotion's own) hold for the item."""
        if self.eligible_price_lists and item.price_list_id not in self.eligible_price_lists:
            return None
        for target in self.targets:
            if not target.holds_for(item):
                return None
        for discount in self.discounts:
            for target in discount.targets:
                if not target.holds_for(item):
                    break
            else:
                return discount
        return None


def _targets(targets: Sequence[Any]) -> tuple[CompiledTarget, ...]:
    return tuple(
        CompiledTarget(
            type=str(target.type),
            include=target.operator == TargetOperator.IN,
            values=frozenset(target.values),
        )
        for target in targets
    )


def _type_fields(discount: Any) -> dict[str, Any]:
    """BUYGET's buy condition, SPEND_GET's spend condition, SHIPPING's methods."""
    fields: dict[str, Any] = {}
    buy, spend = getattr(discount, "buy", None), getattr(discount, "spend", None)
    if buy is not None:
        fields.update(buy_quantity=buy.quantity, buy_targets=_targets(buy.targets))
        fields["get_quantity"] = getattr(discount, "get_quantity", None) or 1
    if spend is not None:
        fields.update(spend=Decimal(spend.amount), spend_targets=_targets(spend.targets))
    fields["shipping_methods"] = frozenset(getattr(discount, "shipping_method_ids", None) or ())
    return fields


def holds(targets: tuple[CompiledTarget, ...], item: PricedItem) -> bool:
    return all(target.holds_for(item) for target in targets)


def compile_promotion(record: Any) -> CompiledPromotion:
    """From a PromotionRecord (or anything with its attributes)."""
    return CompiledPromotion(
        id=record.id,
        promo_id=record.promo_id,
        name=record.name,
        type=str(record.type),
        level=record.level,
        stacking_type=str(record.stacking_type),
        is_exclusive=record.is_exclusive,
        is_implicit=record.is_implicit,
        eligible_price_lists=frozenset(record.eligible_price_lists),
        targets=_targets(record.targets),
        discounts=tuple(
            CompiledDiscount(
                position=i,
                unit=str(discount.unit),
                value=Decimal(discount.value),
                targets=_targets(discount.targets),
                min_quantity=discount.min_quantity,
                min_spend=discount.min_spend,
                max_discount=discount.max_discount,
                **_type_fields(discount),
            )
            for i, discount in enumerate(record.discounts)
        ),
        messages=tuple(
            message.model_dump(mode="json", by_alias=True) if hasattr(message, "model_dump") else message
            for message in getattr(record, "promotion_messages", None) or ()
        ),
        source=record,
    )


def is_active(record: Any, at: datetime) -> bool:
    return bool(record.is_enabled and record.start_at <= at and (record.end_at is None or at < record.end_at))


_INDEXED_TYPES = (TargetType.SKU, TargetType.CATEGORY, TargetType.COLLECTION, TargetType.ATTRIBUTE)


def _anchor(promotion: CompiledPromotion, discount: CompiledDiscount) -> CompiledTarget | None:
    """A positive target every matching item must satisfy: where the promotion is filed."""
    for target in (*discount.targets, *promotion.targets):
        if target.include and target.type in _INDEXED_TYPES:
            return target
    return None


# One promotion as filed under a target: its place in (level, promoId) order, the promotion, and
# for a one-discount promotion that discount with the targets the filing does not already prove
# (None for several discounts: the first matching one must be found in full).
Filed = tuple[int, CompiledPromotion, "CompiledDiscount | None", tuple[CompiledTarget, ...]]


def _filed(order: int, promotion: CompiledPromotion, anchor: CompiledTarget | None) -> Filed:
    if len(promotion.discounts) != 1:
        return (order, promotion, None, ())
    discount = promotion.discounts[0]
    rest = tuple(t for t in (*promotion.targets, *discount.targets) if t is not anchor)
    return (order, promotion, discount, rest)


def grouped(candidates: Iterable[tuple[CompiledPromotion, Any]]) -> list[list[tuple[CompiledPromotion, Any]]]:
    """Candidates in the engine's order, split where ``group`` changes: the engine evaluates
    each group on one base."""
    groups: list[list[tuple[CompiledPromotion, Any]]] = []
    for candidate in candidates:
        if not groups or groups[-1][0][0].group != candidate[0].group:
            groups.append([])
        groups[-1].append(candidate)
    return groups


# An item's matching promotions and their discounts, grouped (``grouped``).
Groups = list[list[tuple[CompiledPromotion, CompiledDiscount]]]


def _buy_anchor(discount: CompiledDiscount) -> CompiledTarget | None:
    return next((t for t in discount.buy_targets if t.include and t.type in _INDEXED_TYPES), None)


class PromotionIndex:
    """The promotions active at one moment, filed by target. Built once per request (or
    export segment), then asked once per item."""

    def __init__(self, promotions: Iterable[CompiledPromotion]):
        self.promotions = sorted(promotions, key=lambda p: p.rank)
        self._by_target: dict[tuple[str, str], dict[int, Filed]] = defaultdict(dict)
        self._everywhere: dict[int, Filed] = {}
        self._by_id = {promotion.id: promotion for promotion in self.promotions}
        for order, promotion in enumerate(self.promotions):
            for discount in promotion.discounts:
                anchor = _anchor(promotion, discount)
                if anchor is None:
                    self._everywhere[order] = _filed(order, promotion, None)
                else:
                    for value in anchor.values:
                        self._by_target[(anchor.type, value)][order] = _filed(order, promotion, anchor)
                if discount.buy_quantity is not None:  # BUYGET: a cart holding what to buy finds it
                    self._file_whole(order, promotion, _buy_anchor(discount))

    def _file_whole(self, order: int, promotion: CompiledPromotion, anchor: CompiledTarget | None) -> None:
        """Files the promotion to be checked in full (not matched by its discount's targets)."""
        entry: Filed = (order, promotion, None, ())
        if anchor is None:
            self._everywhere[order] = entry
        else:
            for value in anchor.values:
                self._by_target[(anchor.type, value)].setdefault(order, entry)

    @classmethod
    def active_at(cls, records: Iterable[Any], at: datetime) -> PromotionIndex:
        return cls(compile_promotion(record) for record in records if is_active(record, at))

    def __len__(self) -> int:
        return len(self.promotions)

    def get(self, promotion_id: str) -> CompiledPromotion | None:
        return self._by_id.get(promotion_id)

    def _filed_for(self, item: PricedItem) -> dict[int, Filed]:
        found = dict(self._everywhere)
        by_target = self._by_target
        for target_type in _INDEXED_TYPES:
            for value in item.target_values(target_type):
                filed = by_target.get((target_type, value))
                if filed:
                    found.update(filed)  # a promotion filed under two of the item's values once
        return found

    def candidates(self, item: PricedItem) -> list[CompiledPromotion]:
        """Promotions that may apply to the item, in the engine's order (``rank``); not yet
        checked."""
        found = self._filed_for(item)
        return [found[order][1] for order in sorted(found)]

    def matches(self, item: PricedItem, types: frozenset[str], unlocked: Container[str] = ()) -> Groups:
        """The promotions of ``types`` that apply to the item, each with its discount (the first
        that matches), in the engine's order (``rank``) and grouped as it evaluates them.
        Coupons take part only when ``unlocked``. Only what the filing leaves open is checked."""
        found = self._filed_for(item)
        price_list_id = item.price_list_id
        groups: Groups = []
        group: list[tuple[CompiledPromotion, CompiledDiscount]] = []
        for order in sorted(found):
            _, promotion, discount, rest = found[order]
            if promotion.type not in types or not (promotion.is_implicit or promotion.id in unlocked):
                continue
            if discount is None:
                discount = promotion.discount_for(item)
                if discount is None:
                    continue
            elif (promotion.eligible_price_lists and price_list_id not in promotion.eligible_price_lists) or (
                rest and not all(target.holds_for(item) for target in rest)
            ):
                continue
            if group and group[0][0].group != promotion.group:
                groups.append(group)
                group = []
            group.append((promotion, discount))
        if group:
            groups.append(group)
        return groups


class ExhaustiveIndex(PromotionIndex):
    """The reference the index is measured and tested against: every promotion tested in full
    on every item (what evaluation costs without filing promotions by target)."""

    def candidates(self, item: PricedItem) -> list[CompiledPromotion]:
        return list(self.promotions)

    def matches(self, item: PricedItem, types: frozenset[str], unlocked: Container[str] = ()) -> Groups:
        matched = []
        for promotion in self.promotions:
            if promotion.type in types and (promotion.is_implicit or promotion.id in unlocked):
                discount = promotion.discount_for(item)
                if discount is not None:
                    matched.append((promotion, discount))
        return grouped(matched)
