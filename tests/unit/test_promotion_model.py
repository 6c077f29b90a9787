"""Promotion status follows dates and the enabled flag at the moment of reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from offers.models.promotions import PromotionRecord, PromotionStatus, promotion_status

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def record(start: timedelta, end: timedelta | None, enabled: bool = True) -> PromotionRecord:
    return PromotionRecord(
        id="0" * 24,
        promo_id=100001,
        name="p",
        type="CART",
        start_at=NOW + start,
        end_at=None if end is None else NOW + end,
        is_enabled=enabled,
        discounts=[{"unit": "AMOUNT_OFF", "value": 5}],
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.mark.parametrize(
    ("start", "end", "enabled", "status"),
    [
        (timedelta(hours=-1), timedelta(hours=1), True, PromotionStatus.ACTIVE),
        (timedelta(0), timedelta(hours=1), True, PromotionStatus.ACTIVE),  # starts inclusive
        (timedelta(hours=1), timedelta(hours=2), True, PromotionStatus.SCHEDULED),
        (timedelta(hours=-2), timedelta(0), True, PromotionStatus.EXPIRED),  # ends exclusive
        (timedelta(hours=-2), None, True, PromotionStatus.ACTIVE),
        (timedelta(hours=1), timedelta(hours=2), False, PromotionStatus.DISABLED),
        (timedelta(hours=-2), timedelta(hours=-1), False, PromotionStatus.DISABLED),
    ],
)
def test_given_dates_and_flag_then_status(start, end, enabled, status):
    assert promotion_status(record(start, end, enabled), NOW) == status


def test_given_a_naive_timestamp_then_it_is_taken_as_utc():
    promotion = PromotionRecord.model_validate(
        {
            "id": "0" * 24,
            "promoId": 1,
            "name": "p",
            "type": "CART",
            "startAt": "2026-11-22T12:00:00",
            "discounts": [{"unit": "AMOUNT_OFF", "value": 5}],
            "createdAt": "2026-11-22T12:00:00Z",
            "updatedAt": "2026-11-22T12:00:00+02:00",
        }
    )
    assert promotion.start_at == NOW
    dumped = promotion.model_dump(mode="json", by_alias=True)
    assert dumped["startAt"] == "2026-11-22T12:00:00.000Z"
    assert dumped["updatedAt"] == "2026-11-22T10:00:00.000Z"
