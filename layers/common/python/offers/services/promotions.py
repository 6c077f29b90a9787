"""Promotion lifecycle: create, read, replace, enable/disable, end, delete, list."""

from __future__ import annotations

from offers.clock import utc_now
from offers.ids import new_id
from offers.models.promotions import Promotion, PromotionInput, PromotionRecord, promotion_view
from offers.store.keys import Key
from offers.store.promotions import PromotionStore
from offers.store.table import Page

_store = PromotionStore()


def create_promotion(tenant_id: str, data: PromotionInput) -> Promotion:
    now = utc_now()
    record = PromotionRecord(
        **data.__dict__,
        id=new_id(),
        promo_id=_store.next_promo_id(tenant_id),
        created_at=now,
        updated_at=now,
    )
    _store.create(tenant_id, record)
    return promotion_view(record, now)


def get_promotion(tenant_id: str, promotion_id: str) -> Promotion:
    return promotion_view(_store.get(tenant_id, promotion_id), utc_now())


def replace_promotion(tenant_id: str, promotion_id: str, data: PromotionInput) -> Promotion:
    """PUT semantics: every input field is replaced; identity and createdAt are kept."""
    now = utc_now()
    return promotion_view(_store.replace(tenant_id, promotion_id, data, now), now)


def set_promotion_enabled(tenant_id: str, promotion_id: str, enabled: bool) -> Promotion:
    now = utc_now()
    return promotion_view(_store.set_enabled(tenant_id, promotion_id, enabled, now), now)


def end_promotion(tenant_id: str, promotion_id: str) -> Promotion:
    now = utc_now()
    return promotion_view(_store.end(tenant_id, promotion_id, now), now)


def delete_promotion(tenant_id: str, promotion_id: str) -> None:
    """Deleting a coupon through /promotions frees its codes too."""
    record = _store.get(tenant_id, promotion_id, consistent=True)
    _store.delete(tenant_id, promotion_id)
    if not record.is_implicit:
        # Only deletes need the coupon service; importing it up front cost every promotion
        # handler ~60 ms of cold start.
        from offers.services import coupons  # noqa: PLC0415

        coupons.purge_codes_later(tenant_id, promotion_id, record.code_count)


def list_promotions(tenant_id: str, size: int, start_key: Key | None) -> Page:
    now = utc_now()
    page = _store.list_page(tenant_id, size, start_key)
    return Page([promotion_view(record, now) for record in page.items], page.last_key)
