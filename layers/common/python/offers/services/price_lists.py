"""Price lists: create, read, replace, delete, list; one default per tenant."""

from __future__ import annotations

from typing import Any

from offers.clock import utc_now
from offers.errors import Conflict
from offers.models.prices import (
    OPEN_END,
    OffsetQuery,
    PriceListInput,
    PriceListOffsetPage,
    PriceListRecord,
    PriceListSort,
)
from offers.store.keys import Key
from offers.store.price_lists import PriceListStore
from offers.store.prices import PriceStore
from offers.store.table import Page

_store = PriceListStore()


def create_price_list(tenant_id: str, data: PriceListInput) -> PriceListRecord:
    now = utc_now()
    record = PriceListRecord(
        id=_store.next_id(tenant_id),
        name=data.name,
        is_default=data.is_default,
        currency=data.currency,
        start_at=data.start_at or now,
        end_at=data.end_at or OPEN_END,
        created_at=now,
        updated_at=now,
    )
    _store.save(tenant_id, record, create=True)
    return record


def get_price_list(tenant_id: str, price_list_id: int) -> PriceListRecord:
    return _store.get(tenant_id, price_list_id)


def replace_price_list(tenant_id: str, price_list_id: int, data: PriceListInput) -> PriceListRecord:
    """PUT: every field replaced (a missing startAt keeps the current one); id and createdAt kept."""
    current = _store.get(tenant_id, price_list_id, consistent=True)
    if data.currency != current.currency and PriceStore().has_any(tenant_id, price_list_id):
        raise Conflict(
            f"price list {price_list_id} has prices in {current.currency}; its currency can't change",
            code="PRICE_LIST_CURRENCY_LOCKED",
        )
    record = current.model_copy(
        update={
            "name": data.name,
            "is_default": data.is_default,
            "currency": data.currency,
            "start_at": data.start_at or current.start_at,
            "end_at": data.end_at or (current.end_at if data.start_at is None else OPEN_END),
            "updated_at": utc_now(),
        }
    )
    _store.save(tenant_id, record, create=False)
    return record


def delete_price_list(tenant_id: str, price_list_id: int) -> PriceListRecord:
    return _store.delete(tenant_id, price_list_id, utc_now())


def list_price_lists(
    tenant_id: str,
    *,
    size: int,
    start_key: Key | None,
    sort: PriceListSort,
    active_only: bool,
    is_default: bool | None,
) -> Page:
    return _store.list_page(
        tenant_id, size=size, start_key=start_key, **_filters(sort, active_only, is_default)
    )


def list_price_lists_at_offset(
    tenant_id: str, *, size: int, offset: int, sort: PriceListSort, active_only: bool, is_default: bool | None
) -> PriceListOffsetPage:
    """fabric's offset paging; ``count`` is how many lists match the filters."""
    filters = _filters(sort, active_only, is_default)
    records, count = _store.offset_page(tenant_id, offset=offset, size=size, **filters)
    return PriceListOffsetPage(query=OffsetQuery(size=size, offset=offset, count=count), data=records)


def _filters(sort: PriceListSort, active_only: bool, is_default: bool | None) -> dict[str, Any]:
    return {"sort": sort, "active_at": utc_now() if active_only else None, "is_default": is_default}
