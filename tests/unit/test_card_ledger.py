"""The card ledger's pure decisions: which buckets a spend takes, when program rules make points
expire, what a transaction records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from offers.services.card_ledger import (
    MAX_BUCKETS_PER_CHANGE,
    NotEnoughBalance,
    NotEnoughPoints,
    TooManyBuckets,
    due_buckets,
    new_transaction,
    next_expiration,
    plan_spend,
    rule_expiry,
    version_of_transaction_id,
)


def bucket(bucket_id: str, expires_at: str, remaining: int) -> dict:
    return {"id": bucket_id, "expiresAt": expires_at, "remaining": remaining}


LATE = bucket("b-late", "2031-06-01T00:00:00.000Z", 50)
EARLY = bucket("b-early", "2031-01-01T00:00:00.000Z", 30)


def test_given_buckets_then_a_spend_takes_the_oldest_expiring_first():
    takes = plan_spend("LOYALTY_CARD", 100, [LATE, EARLY], 40)

    assert [(t.bucket["id"], t.points, t.remaining) for t in takes] == [
        ("b-early", 30, 0),
        ("b-late", 10, 40),
    ]


def test_given_a_spend_past_the_buckets_then_the_rest_comes_from_points_that_never_expire():
    takes = plan_spend("LOYALTY_CARD", 100, [LATE, EARLY], 95)  # 80 in buckets, 20 never expire

    assert sum(t.points for t in takes) == 80 and all(t.remaining == 0 for t in takes)


def test_given_points_that_never_expire_only_then_no_bucket_is_touched():
    assert plan_spend("LOYALTY_CARD", 20, [], 20) == []


@pytest.mark.parametrize(
    ("card_type", "error"), [("GIFT_VOUCHER", NotEnoughBalance), ("LOYALTY_CARD", NotEnoughPoints)]
)
def test_given_more_than_the_balance_then_refused_naming_both(card_type: str, error: type):
    with pytest.raises(error, match=r"100.*101"):
        plan_spend(card_type, 100, [], 101)


def test_given_a_spend_over_too_many_buckets_then_refused():
    many = [
        bucket(f"b{i:03d}", f"2031-01-01T00:00:{i % 60:02d}.{i:03d}Z", 1)
        for i in range(MAX_BUCKETS_PER_CHANGE + 1)
    ]

    with pytest.raises(TooManyBuckets):
        plan_spend("LOYALTY_CARD", len(many), many, len(many))


def test_given_a_moment_then_due_buckets_are_those_expired_with_points_left():
    spent = bucket("b-spent", "2030-01-01T00:00:00.000Z", 0)

    due = due_buckets([LATE, EARLY, spent], "2031-01-01T00:00:00.000Z")

    assert [b["id"] for b in due] == ["b-early"]


def test_given_buckets_then_the_next_expiration_and_its_points():
    same_day = bucket("b-same", EARLY["expiresAt"], 5)

    assert next_expiration([LATE, EARLY, same_day], "2030-12-31T00:00:00.000Z") == (EARLY["expiresAt"], 35)
    assert next_expiration([LATE], "2032-01-01T00:00:00.000Z") == (None, 0)


NOW = datetime(2030, 1, 31, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rule", "expires"),
    [
        ({"period_type": "MONTH", "period_value": 1}, "2030-02-28"),  # a month on, clamped to its end
        ({"period_type": "MONTH", "period_value": 3}, "2030-04-30"),
        ({"period_type": "MONTH", "period_value": 2, "rounding_type": "END_OF_QUARTER"}, "2030-03-31"),
        ({"period_type": "MONTH", "period_value": 6, "rounding_type": "END_OF_HALF_YEAR"}, "2030-12-31"),
        ({"period_type": "MONTH", "period_value": 1, "rounding_type": "END_OF_YEAR"}, "2030-12-31"),
        (
            {
                "period_type": "MONTH",
                "period_value": 1,
                "rounding_type": "PARTICULAR_MONTH",
                "rounding_value": 1,
            },
            "2031-01-31",
        ),
        ({"period_type": "FIXED_DAY_OF_YEAR", "fixed_month": 3, "fixed_day": 15}, "2030-03-15"),
        ({"period_type": "FIXED_DAY_OF_YEAR", "fixed_month": 1, "fixed_day": 10}, "2031-01-10"),
    ],
)
def test_given_a_program_rule_then_points_expire_at_the_end_of_the_day_it_names(rule: dict, expires: str):
    moment = rule_expiry(rule, NOW)

    assert moment is not None and moment.isoformat() == f"{expires}T23:59:59.999000+00:00"


def test_given_no_rule_then_points_never_expire():
    assert rule_expiry(None, NOW) is None


def test_given_a_card_then_a_transaction_records_the_balance_after_it_and_its_place_in_the_ledger():
    card = {
        "code": "C1",
        "id": "v_1",
        "type": "LOYALTY_CARD",
        "balance": 70,
        "total": 100,
        "version": 4,
        "campaignId": "camp_1",
    }

    tx = new_transaction(
        card, kind="REDEMPTION", amount=-20, total=100, now="2030-01-01T00:00:00.000Z", operation="AUTOMATIC"
    )

    assert (tx["type"], tx["version"], tx["amount"], tx["balance"], tx["campaignId"]) == (
        "POINTS_REDEMPTION",
        5,
        -20,
        50,
        "camp_1",
    )
    assert tx["details"]["balance"] == {
        "type": "loyalty_card",
        "total": 100,
        "object": "balance",
        "points": -20,
        "balance": 50,
        "operation_type": "AUTOMATIC",
        "related_object": {"id": "v_1", "type": "voucher"},
    }
    assert "source" not in tx and "sourceId" not in tx
    assert version_of_transaction_id(tx["id"]) == 5
    assert version_of_transaction_id("vtx_nothex") is None
