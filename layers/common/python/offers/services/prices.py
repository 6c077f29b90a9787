"""Item prices in price lists: create or update an item's offers, read, list, delete, batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from offers.clock import utc_now
from offers.errors import FieldProblem, InvalidInput, OffersError, TemporarilyUnavailable
from offers.models.prices import (
    MAX_OFFSET,
    ItemOffers,
    Offer,
    OfferStatus,
    OffsetQuery,
    PriceInput,
    PriceListRecord,
    PriceMetadata,
    PriceOffsetPage,
    PriceRecord,
)
from offers.services.pricing_money import to_minor_unit
from offers.store.keys import Key
from offers.store.price_lists import PriceListStore
from offers.store.prices import PriceStore
from offers.store.table import Page

_lists = PriceListStore()
_prices = PriceStore()


def _rounded(offer: Offer, currency: str) -> Offer:
    """Amounts are kept in the list currency's minor unit (half-even), so the engine starts exact."""

    def money(value: Decimal | None) -> Decimal | None:
        return None if value is None else to_minor_unit(value, currency)

    price = offer.price.model_copy(
        update={name: money(getattr(offer.price, name)) for name in ("base", "sale", "cost", "clearance")}
    )
    price_range = offer.price_range
    if price_range is not None:
        price_range = price_range.model_copy(
            update={"ranges": [r.model_copy(update={"price": money(r.price)}) for r in price_range.ranges]}
        )
    return offer.model_copy(update={"price": price, "price_range": price_range})


def _save(tenant_id: str, data: PriceInput, price_list: PriceListRecord, now: datetime) -> PriceRecord:
    previous = _prices.find(tenant_id, price_list.id, data.item_id)
    record = PriceRecord(
        price_list_id=price_list.id,
        item_id=data.item_id,
        item_sku=data.item_sku,
        currency=price_list.currency,
        offers=[
            _rounded(offer, price_list.currency) for offer in sorted(data.offers, key=lambda o: o.start_at)
        ],
        categories=data.categories,
        collections=data.collections,
        attributes=data.attributes,
        created_at=previous.created_at if previous else now,
        updated_at=now,
    )
    _prices.save(tenant_id, record, previous)
    return record


def save_price(tenant_id: str, data: PriceInput) -> PriceRecord:
    return _save(tenant_id, data, _lists.resolve(tenant_id, data.price_list_id), utc_now())


@dataclass
class BatchOutcome:
    saved: list[PriceRecord] = field(default_factory=list)
    failures: list[tuple[int, OffersError]] = field(default_factory=list)

    @property
    def only_transient(self) -> bool:  # then ``failures`` are all TemporarilyUnavailable
        """Every failure is transient (throttling, write conflicts): retrying the whole batch
        is the fix (each entry is an upsert, so the saved ones are saved again unchanged)."""
        return bool(self.failures) and all(isinstance(e, TemporarilyUnavailable) for _, e in self.failures)


def _field(location: tuple[Any, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def save_prices(tenant_id: str, entries: list[dict[str, Any]]) -> BatchOutcome:
    """Each entry is validated and saved on its own, atomically (both of its items and the
    list check in one transaction: an entry is written whole or not at all); the ones that
    fail are reported by index and the others stay saved. An item may appear once per price
    list in a batch: a repeat is refused rather than silently replacing the earlier entry."""
    outcome, now, lists = BatchOutcome(), utc_now(), {}
    seen: dict[tuple[int, int], int] = {}
    for i, entry in enumerate(entries):
        try:
            data = PriceInput.model_validate(entry)
        except ValidationError as error:
            problems = [
                FieldProblem(_field(tuple(e["loc"])), str(e["msg"]).removeprefix("Value error, "))
                for e in error.errors()
            ]
            outcome.failures.append(
                (i, InvalidInput("; ".join(f"{p.field}: {p.message}" for p in problems), problems=problems))
            )
            continue
        try:
            if data.price_list_id not in lists:
                lists[data.price_list_id] = _lists.resolve(tenant_id, data.price_list_id)
            price_list = lists[data.price_list_id]
            first = seen.setdefault((price_list.id, data.item_id), i)
            if first != i:
                raise InvalidInput.for_field(
                    "itemId", f"item {data.item_id} of price list {price_list.id} is already data[{first}]"
                )
            outcome.saved.append(_save(tenant_id, data, price_list, now))
        except OffersError as error:
            outcome.failures.append((i, error))
    return outcome


def _find(tenant_id: str, price_list_id: int | None, *, item_id: int | None, sku: str | None) -> PriceRecord:
    price_list = _lists.resolve(tenant_id, price_list_id)
    return _prices.get(tenant_id, price_list.id, item_id=item_id, sku=sku)


def item_offers(
    tenant_id: str,
    price_list_id: int | None,
    *,
    item_id: int | None = None,
    sku: str | None = None,
    status: OfferStatus = OfferStatus.ALL,
    size: int = 10,
    offset: int = 0,
) -> ItemOffers:
    record = _find(tenant_id, price_list_id, item_id=item_id, sku=sku)
    now = utc_now()
    if status == OfferStatus.ACTIVE:
        offers = [o for o in record.offers if o.active_at(now)]
    elif status == OfferStatus.SCHEDULED:
        offers = [o for o in record.offers if o.start_at > now]
    else:
        offers = list(record.offers)
    metadata = PriceMetadata.model_validate(record.model_dump(exclude={"offers"}))
    return ItemOffers(
        query=OffsetQuery(size=size, offset=offset, count=len(offers)),
        price_metadata=metadata,
        data=offers[offset : offset + size],
    )


def check_offset(offset: int, size: int, start_cursor: str | None) -> None:
    """fabric's offset paging: not with a cursor, and ``offset + size`` at most MAX_OFFSET."""
    if start_cursor is not None:
        raise InvalidInput.for_field("offset", "offset and startCursor can't be combined: page one way")
    if offset + size > MAX_OFFSET:
        raise InvalidInput.for_field(
            "offset", f"offset + size may be at most {MAX_OFFSET}; page further with startCursor"
        )


def list_prices_at_offset(
    tenant_id: str, price_list_id: int | None, size: int, offset: int
) -> PriceOffsetPage:
    """A list's prices in item id order, offset-paged; ``count`` is the list's number of items."""
    price_list = _lists.resolve(tenant_id, price_list_id)
    return PriceOffsetPage(
        query=OffsetQuery(size=size, offset=offset, count=_prices.count(tenant_id, price_list.id)),
        data=_prices.offset_page(tenant_id, price_list.id, offset, size),
    )


def list_prices(tenant_id: str, price_list_id: int | None, size: int, start_key: Key | None) -> Page:
    price_list = _lists.resolve(tenant_id, price_list_id)
    return _prices.list_page(tenant_id, price_list.id, size, start_key)


def delete_price(
    tenant_id: str, price_list_id: int | None, *, item_id: int | None = None, sku: str | None = None
) -> PriceRecord:
    record = _find(tenant_id, price_list_id, item_id=item_id, sku=sku)
    _prices.delete(tenant_id, record)
    return record.model_copy(update={"is_deleted": True})
