"""Gift cards and loyalty cards over the Voucherify dialect: programs and their generated cards,
balance changes (idempotent by source_id), card redemptions and rollbacks (in the redemption
export and the customer's totals), points buckets and their expiry; the ledger invariant after
each; lost races and transaction conflicts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from botocore.exceptions import ClientError

from local.gateway import HttpRequest
from local.stack import LocalStack
from offers.services import card_expiry
from offers.store import keys
from offers.store.cards import CardStore
from tests.support.client import ApiClient
from tests.support.factories import wait_until
from tests.support.voucherify import AppKeyClient, card_ledger, export, fetch_csv, make_app_key


@pytest.fixture
def v1(api: ApiClient) -> AppKeyClient:
    return make_app_key(api)


def _tenant(v1: AppKeyClient) -> str:
    return v1.app_id.split(".")[0]


def _ok(response) -> dict:
    assert response.status == 200, response.body
    return response.json()


def _ledger(v1: AppKeyClient, code: str) -> list[dict]:
    return card_ledger(v1, code, page_size=2)


def _assert_invariant(v1: AppKeyClient, code: str) -> int:
    """The card's balance = the sum of its transactions = the last transaction's balance."""
    voucher = _ok(v1.request("GET", f"/v1/vouchers/{code}"))
    balance = (voucher.get("gift") or voucher.get("loyalty_card"))["balance"]
    ledger = _ledger(v1, code)
    unit = "amount" if "gift" in voucher else "points"
    assert sum(tx["details"]["balance"][unit] for tx in ledger) == balance
    if ledger:
        assert ledger[-1]["details"]["balance"]["balance"] == balance
    assert balance >= 0
    return balance


GIFT_PROGRAM = {
    "name": "gift-cards",
    "campaign_type": "GIFT_VOUCHERS",
    "vouchers_count": 3,
    "voucher": {"type": "GIFT_VOUCHER", "gift": {"amount": 5000}, "code_config": {"pattern": "GC-####"}},
}


def test_given_a_gift_card_program_then_its_cards_are_made_and_it_is_found_by_id_and_name(
    v1: AppKeyClient, stack: LocalStack
):
    created = _ok(v1.request("POST", "/v1/campaigns", GIFT_PROGRAM))

    by_name = _ok(v1.request("GET", "/v1/campaigns/gift-cards"))
    by_id = _ok(v1.request("GET", f"/v1/campaigns/{created['id']}"))
    cards = (
        CardStore()
        .table.query(
            keys.campaign_cards_partition(_tenant(v1), created["id"]),
            index=keys.GSI1[0],
            partition_attribute=keys.GSI1[1],
        )
        .items
    )
    assert created["id"].startswith("camp_") and created["campaign_type"] == "GIFT_VOUCHERS"
    assert by_name == by_id and by_id["vouchers_generation_status"] == "DONE"
    assert by_id["vouchers_count"] == 3 and by_id["vouchers_generated"] == 3
    assert len(cards) == 3 and all(
        card["code"].startswith("GC-") and len(card["code"]) == 7 for card in cards
    )
    voucher = _ok(v1.request("GET", f"/v1/vouchers/{cards[0]['code']}"))
    assert voucher["gift"] == {"amount": 5000, "balance": 5000, "effect": "APPLY_TO_ORDER"}
    assert voucher["campaign"] == "gift-cards" and voucher["campaign_id"] == created["id"]
    assert _assert_invariant(v1, cards[0]["code"]) == 5000


def test_given_more_cards_than_a_request_makes_then_the_code_worker_makes_them_with_progress(
    v1: AppKeyClient, stack: LocalStack
):
    created = _ok(v1.request("POST", "/v1/campaigns", {**GIFT_PROGRAM, "name": "big", "vouchers_count": 75}))

    done = wait_until(
        lambda: (
            (c := _ok(v1.request("GET", f"/v1/campaigns/{created['id']}")))["vouchers_generation_status"]
            == "DONE"
            and c
        ),
        timeout=120,
    )

    assert created["vouchers_generation_status"] == "IN_PROGRESS"
    assert done["vouchers_generated"] == 75
    cards = list(
        CardStore().table.query_all(
            keys.campaign_cards_partition(_tenant(v1), created["id"]),
            index=keys.GSI1[0],
            partition_attribute=keys.GSI1[1],
        )
    )
    assert len({card["code"] for card in cards}) == 75


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GIFT_PROGRAM, "campaign_type": "DISCOUNT_COUPONS"}, "campaign_type"),
        ({**GIFT_PROGRAM, "voucher": {"type": "GIFT_VOUCHER"}}, "voucher.gift.amount"),
        ({**GIFT_PROGRAM, "vouchers_count": "many"}, "vouchers_count"),
        ({**GIFT_PROGRAM, "voucher": {"gift": {"amount": 10.5}}}, "voucher.gift.amount"),
    ],
)
def test_given_a_bad_program_then_400_naming_the_field(v1: AppKeyClient, body: dict, field: str):
    response = v1.request("POST", "/v1/campaigns", body)

    assert response.status == 400, response.body
    assert response.json()["key"] == "invalid_payload" and field in response.json()["details"]


def test_given_a_gift_card_when_credits_are_added_and_removed_then_the_ledger_proves_the_balance(
    v1: AppKeyClient,
):
    created = _ok(
        v1.request("POST", "/v1/vouchers/GIFT-1", {"type": "GIFT_VOUCHER", "gift": {"amount": 1000}})
    )
    added = _ok(
        v1.request(
            "POST", "/v1/vouchers/GIFT-1/balance", {"amount": 500, "source_id": "s-1", "reason": "gift"}
        )
    )
    repeated = _ok(v1.request("POST", "/v1/vouchers/GIFT-1/balance", {"amount": 900, "source_id": "s-1"}))
    removed = _ok(v1.request("POST", "/v1/vouchers/GIFT-1/balance", {"amount": -300}))
    too_much = v1.request("POST", "/v1/vouchers/GIFT-1/balance", {"amount": -5000})

    assert created["gift"]["balance"] == 1000 and created["id"].startswith("v_")
    assert added == {
        "type": "gift_voucher",
        "total": 1500,
        "object": "balance",
        "amount": 500,
        "balance": 1500,
        "operation_type": "MANUAL",
        "related_object": {"id": created["id"], "type": "voucher"},
    }
    assert repeated == added
    assert (removed["amount"], removed["balance"], removed["total"]) == (-300, 1200, 1200)
    assert too_much.status == 400 and too_much.json()["key"] == "not_enough_balance"
    ledger = _ledger(v1, "GIFT-1")
    assert [tx["type"] for tx in ledger] == ["CREDITS_ADDITION", "CREDITS_ADDITION", "CREDITS_REMOVAL"]
    assert (ledger[1]["source_id"], ledger[1]["reason"], ledger[1]["source"]) == ("s-1", "gift", "API")
    assert _assert_invariant(v1, "GIFT-1") == 1200
    newest = _ok(v1.request("GET", "/v1/vouchers/GIFT-1/transactions", query={"limit": "1"}))
    assert newest["data"][0]["type"] == "CREDITS_REMOVAL" and newest["has_more"] is True
    by_id = _ok(v1.request("GET", f"/v1/vouchers/{created['id']}"))
    assert by_id["code"] == "GIFT-1" and by_id["gift"]["balance"] == 1200
    by_id_ledger = _ok(v1.request("GET", f"/v1/vouchers/{created['id']}/transactions", query={"limit": "1"}))
    assert by_id_ledger["data"] == newest["data"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/vouchers/GIFT-2/balance", {"amount": "10"}, "amount"),
        ("/v1/vouchers/GIFT-2/balance", {"amount": 0}, "amount"),
        ("/v1/vouchers/GIFT-2/balance", {"points": 5}, "points"),
        ("/v1/vouchers/GIFT-2/balance", {"amount": True}, "amount"),
        ("/v1/vouchers/GIFT-2/balance", {"amount": 10**13}, "amount"),
    ],
)
def test_given_a_bad_balance_change_then_400_naming_the_field_and_nothing_changes(
    v1: AppKeyClient, path: str, body: dict, field: str
):
    _ok(v1.request("POST", "/v1/vouchers/GIFT-2", {"type": "GIFT_VOUCHER", "gift": {"amount": 100}}))

    response = v1.request("POST", path, body)

    assert response.status == 400, response.body
    assert field in response.json()["details"]
    assert _assert_invariant(v1, "GIFT-2") == 100


def test_given_an_unknown_card_then_404_naming_the_voucher(v1: AppKeyClient):
    for method, path, body in (
        ("GET", "/v1/vouchers/NOPE", None),
        ("GET", "/v1/vouchers/NOPE/transactions", None),
        ("POST", "/v1/vouchers/NOPE/balance", {"amount": 5}),
        (
            "POST",
            "/v1/redemptions",
            {"redeemables": [{"object": "voucher", "id": "NOPE", "gift": {"credits": 1}}]},
        ),
    ):
        response = v1.request(method, path, body)
        assert response.status == 404, (path, response.body)
        assert (response.json()["resource_type"], response.json()["resource_id"]) == ("voucher", "NOPE")


def test_given_a_gift_card_spend_then_rolled_back_once_the_export_and_the_customer_show_it(
    v1: AppKeyClient, stack: LocalStack
):
    _ok(v1.request("POST", "/v1/vouchers/GIFT-3", {"type": "GIFT_VOUCHER", "gift": {"amount": 3000}}))
    body = {
        "redeemables": [{"object": "voucher", "id": "GIFT-3", "gift": {"credits": 1200}}],
        "order": {"source_id": "ord-77", "amount": 4000},
        "customer": {"source_id": "cara", "name": "Cara Doe"},
        "metadata": {"channel": "pos", "till": 4},
    }

    redeemed = _ok(v1.request("POST", "/v1/redemptions", body))
    redemption = redeemed["redemptions"][0]
    rolled = _ok(
        v1.request("POST", f"/v1/redemptions/{redemption['id']}/rollback", query={"reason": "returned"})
    )
    again = v1.request("POST", f"/v1/redemptions/{redemption['id']}/rollback")

    assert redemption["id"].startswith("r_") and redemption["result"] == "SUCCESS"
    assert (redemption["gift"], redemption["amount"], redemption["status"]) == (
        {"amount": 1200},
        1200,
        "SUCCEEDED",
    )
    assert redeemed["order"]["source_id"] == "ord-77" and redeemed["order"]["amount"] == 4000
    assert rolled["object"] == "redemption_rollback" and rolled["redemption"] == redemption["id"]
    assert (rolled["gift"], rolled["reason"], rolled["status"]) == ({"amount": 1200}, "returned", "SUCCEEDED")
    assert again.status == 409 and again.json()["key"] == "conflict"
    ledger = _ledger(v1, "GIFT-3")
    assert [(tx["type"], tx["details"]["balance"]["amount"]) for tx in ledger] == [
        ("CREDITS_ADDITION", 3000),
        ("CREDITS_REDEMPTION", -1200),
        ("CREDITS_REFUND", 1200),
    ]
    assert ledger[1]["details"]["redemption"]["id"] == redemption["id"]
    assert ledger[2]["details"]["rollback"]["id"] == rolled["id"]
    assert _assert_invariant(v1, "GIFT-3") == 3000
    customer = _ok(v1.request("GET", "/v1/customers/cara"))
    assert customer["name"] == "Cara Doe"
    assert (
        customer["summary"]["redemptions"]["total_redeemed"],
        customer["summary"]["redemptions"]["total_rolled_back"],
    ) == (1, 1)
    fields = ["id", "voucher_code", "customer_source_id", "order_id", "order_amount", "gift_amount", "result"]
    done = export(v1, {"exported_object": "redemption", "parameters": {"fields": [*fields, "metadata"]}})
    assert done["status"] == "DONE", done
    _, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert rows[0] == [*fields, "metadata.channel", "metadata.till"]
    assert rows[1:] == [
        [redemption["id"][2:], "GIFT-3", "cara", "ord-77", "4000", "1200", "FAILURE", "pos", "4"]
    ]


def test_given_card_spends_against_orders_then_the_customer_counts_them_and_a_rollback_leaves_them(
    v1: AppKeyClient,
):
    _ok(v1.request("POST", "/v1/vouchers/GIFT-9", {"type": "GIFT_VOUCHER", "gift": {"amount": 9000}}))
    _ok(v1.request("POST", "/v1/vouchers/LOY-9", {"type": "LOYALTY_CARD", "loyalty_card": {"points": 500}}))
    spends = [
        {
            "redeemables": [{"object": "voucher", "id": "GIFT-9", "gift": {"credits": 1000}}],
            "order": {"source_id": "ord-1", "amount": 4000},
            "customer": {"source_id": "dana"},
        },
        {
            "redeemables": [{"object": "voucher", "id": "GIFT-9"}],  # credits: the order's amount
            "order": {"source_id": "ord-2", "amount": 1500},
            "customer": {"source_id": "dana"},
        },
        {  # no amount: not an order to count
            "redeemables": [{"object": "voucher", "id": "LOY-9", "reward": {"points": 100}}],
            "order": {"source_id": "ord-3"},
            "customer": {"source_id": "dana"},
        },
    ]

    redeemed = [_ok(v1.request("POST", "/v1/redemptions", body))["redemptions"][0] for body in spends]
    before = _ok(v1.request("GET", "/v1/customers/dana"))["summary"]
    _ok(v1.request("POST", f"/v1/redemptions/{redeemed[1]['id']}/rollback"))
    after = _ok(v1.request("GET", "/v1/customers/dana"))["summary"]

    assert before["redemptions"]["total_redeemed"] == 3
    assert before["orders"] == {
        "total_amount": 5500,
        "total_count": 2,
        "average_amount": 2750,
        "last_order_amount": 1500,
        "last_order_date": redeemed[1]["date"],
    }
    assert after["orders"] == before["orders"]  # orders redeemed stay counted
    assert after["redemptions"]["total_rolled_back"] == 1


def test_given_credits_above_the_balance_or_the_order_then_400_and_nothing_is_spent(v1: AppKeyClient):
    _ok(v1.request("POST", "/v1/vouchers/GIFT-4", {"type": "GIFT_VOUCHER", "gift": {"amount": 500}}))

    over_balance = v1.request(
        "POST",
        "/v1/redemptions",
        {"redeemables": [{"object": "voucher", "id": "GIFT-4", "gift": {"credits": 501}}]},
    )
    over_order = v1.request(
        "POST",
        "/v1/redemptions",
        {
            "redeemables": [{"object": "voucher", "id": "GIFT-4", "gift": {"credits": 300}}],
            "order": {"amount": 200},
        },
    )

    assert over_balance.status == 400 and over_balance.json()["key"] == "not_enough_balance"
    assert over_order.status == 400 and "gift.credits" in over_order.json()["details"]
    assert _assert_invariant(v1, "GIFT-4") == 500


LOYALTY_PROGRAM = {
    "name": "club",
    "campaign_type": "LOYALTY_PROGRAM",
    "voucher": {
        "type": "LOYALTY_CARD",
        "loyalty_card": {"points": 100, "expiration_rules": {"period_type": "MONTH", "period_value": 2}},
    },
}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_given_loyalty_points_in_buckets_then_spends_take_the_oldest_expiring_first_and_expiry_takes_the_rest(
    v1: AppKeyClient, stack: LocalStack
):
    now = datetime.now(UTC)
    _ok(v1.request("POST", "/v1/campaigns", LOYALTY_PROGRAM))
    card = _ok(v1.request("POST", "/v1/vouchers/CLUB-1", {"campaign": "club"}))  # 100 points, ~2 months
    soon = _iso(now + timedelta(days=3))
    _ok(
        v1.request(
            "POST",
            "/v1/loyalties/club/members/CLUB-1/balance",
            {"points": 40, "expiration_type": "CUSTOM_DATE", "expiration_date": soon},
        )
    )
    _ok(
        v1.request(
            "POST", "/v1/loyalties/members/CLUB-1/balance", {"points": 25, "expiration_type": "NON_EXPIRING"}
        )
    )
    spend = {"redeemables": [{"object": "voucher", "id": "CLUB-1", "reward": {"points": 30}}]}
    redeemed = _ok(v1.request("POST", "/v1/redemptions", spend))["redemptions"][0]

    buckets = _ok(v1.request("GET", "/v1/loyalties/club/members/CLUB-1/points-expiration"))
    ran = card_expiry.run_expiry(now + timedelta(days=4))
    after = _ok(v1.request("GET", "/v1/loyalties/club/members/CLUB-1/points-expiration"))
    voucher = _ok(v1.request("GET", "/v1/vouchers/CLUB-1"))

    assert card["loyalty_card"]["balance"] == 100 and redeemed["loyalty_card"] == {"points": 30}
    assert [(b["bucket"]["total_points"], b["status"]) for b in buckets["data"]] == [
        (10, "ACTIVE"),
        (100, "ACTIVE"),
    ]
    assert buckets["data"][0]["expires_at"] == soon[:10]
    assert ran["expiredBuckets"] == 1 and ran["expiredPoints"] == 10
    assert [(b["bucket"]["total_points"], b["status"]) for b in after["data"]] == [
        (100, "ACTIVE"),
        (10, "EXPIRED"),
    ]
    assert voucher["loyalty_card"]["balance"] == 125 and voucher["loyalty_card"]["points"] == 165
    assert voucher["loyalty_card"]["next_expiration_points"] == 100
    types = [tx["type"] for tx in _ledger(v1, "CLUB-1")]
    assert types == [
        "POINTS_ADDITION",
        "POINTS_ADDITION",
        "POINTS_ADDITION",
        "POINTS_REDEMPTION",
        "POINTS_EXPIRATION",
    ]
    assert _assert_invariant(v1, "CLUB-1") == 125
    assert card_expiry.run_expiry(now + timedelta(days=4))["expiredBuckets"] == 0  # nothing twice


def test_given_a_rolled_back_loyalty_spend_then_its_points_return_to_their_buckets(v1: AppKeyClient):
    _ok(v1.request("POST", "/v1/campaigns", LOYALTY_PROGRAM))
    _ok(v1.request("POST", "/v1/vouchers/CLUB-2", {"campaign": "club"}))
    spend = {"redeemables": [{"object": "voucher", "id": "CLUB-2", "reward": {"points": 100}}]}
    redeemed = _ok(v1.request("POST", "/v1/redemptions", spend))["redemptions"][0]
    emptied = _ok(v1.request("GET", "/v1/loyalties/club/members/CLUB-2/points-expiration"))

    _ok(v1.request("POST", f"/v1/redemptions/{redeemed['id']}/rollback"))
    restored = _ok(v1.request("GET", "/v1/loyalties/club/members/CLUB-2/points-expiration"))

    assert emptied["data"] == []
    assert [(b["bucket"]["total_points"], b["status"]) for b in restored["data"]] == [(100, "ACTIVE")]
    assert _assert_invariant(v1, "CLUB-2") == 100


def test_given_a_past_expiration_date_then_400(v1: AppKeyClient):
    _ok(v1.request("POST", "/v1/campaigns", LOYALTY_PROGRAM))
    _ok(v1.request("POST", "/v1/vouchers/CLUB-3", {"campaign": "club"}))
    past = _iso(datetime.now(UTC) - timedelta(days=1))

    response = v1.request(
        "POST", "/v1/loyalties/members/CLUB-3/balance", {"points": 5, "expiration_date": past}
    )

    assert response.status == 400 and "expiration_date" in response.json()["details"]


def test_given_a_lost_race_then_the_change_is_planned_again_from_the_card_as_it_now_is(v1: AppKeyClient):
    """Another spend lands between this one's read and its write: the version condition fails,
    the card comes back with the failure, and the spend is re-planned from it."""
    _ok(v1.request("POST", "/v1/vouchers/GIFT-5", {"type": "GIFT_VOUCHER", "gift": {"amount": 1000}}))
    store = CardStore()
    real_read = CardStore.read_state
    raced = []

    def read_then_race(self, tenant_id, code):
        state = real_read(self, tenant_id, code)
        if not raced:
            raced.append(True)  # a concurrent spend of 700 commits after our read
            v1.request("POST", "/v1/vouchers/GIFT-5/balance", {"amount": -700})
        return state

    with mock.patch.object(CardStore, "read_state", read_then_race):
        fits = v1.request("POST", "/v1/vouchers/GIFT-5/balance", {"amount": -300})
        too_much = v1.request("POST", "/v1/vouchers/GIFT-5/balance", {"amount": -1})

    assert fits.status == 200 and fits.json()["balance"] == 0
    assert too_much.status == 400
    assert store.get_card(_tenant(v1), "GIFT-5")["version"] == 3
    assert _assert_invariant(v1, "GIFT-5") == 0


def test_given_transaction_conflicts_that_outlast_the_retries_then_503_with_retry_after_and_nothing_written(
    v1: AppKeyClient,
):
    _ok(v1.request("POST", "/v1/vouchers/GIFT-6", {"type": "GIFT_VOUCHER", "gift": {"amount": 1000}}))
    conflict = ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
            "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}],
        },
        "TransactWriteItems",
    )
    from offers.store import clients

    client = clients.dynamodb()
    with mock.patch.object(client, "transact_write_items", side_effect=conflict) as write:
        response = v1.request("POST", "/v1/vouchers/GIFT-6/balance", {"amount": -100})

    assert response.status == 503 and response.headers["retry-after"] == "1"
    assert response.json()["code"] == 503
    assert write.call_count == 4  # store/retries.py's ATTEMPTS
    assert _assert_invariant(v1, "GIFT-6") == 1000


def test_given_a_card_redemption_then_fabric_status_changes_and_deletes_refuse_it(
    api: ApiClient, v1: AppKeyClient
):
    _ok(v1.request("POST", "/v1/vouchers/GIFT-7", {"type": "GIFT_VOUCHER", "gift": {"amount": 800}}))
    body = {"redeemables": [{"object": "voucher", "id": "GIFT-7", "gift": {"credits": 300}}]}
    redemption_id = _ok(v1.request("POST", "/v1/redemptions", body))["redemptions"][0]["id"].removeprefix(
        "r_"
    )

    deactivated = api.put(f"/redemptions/{redemption_id}", {"status": "INACTIVE"})
    deleted = api.delete(f"/redemptions/{redemption_id}")
    listed = api.get(f"/redemptions/{redemption_id}")

    assert deactivated.status == 409 and deactivated.json()["type"] == "CARD_REDEMPTION"
    assert deleted.status == 409
    assert listed.status == 200 and listed.json()["couponCode"] == "GIFT-7"
    assert _assert_invariant(v1, "GIFT-7") == 500


def test_given_a_repeated_source_id_whose_amount_no_longer_fits_then_the_first_result(v1: AppKeyClient):
    _ok(v1.request("POST", "/v1/vouchers/GIFT-8", {"type": "GIFT_VOUCHER", "gift": {"amount": 800}}))
    first = _ok(v1.request("POST", "/v1/vouchers/GIFT-8/balance", {"amount": -500, "source_id": "refund-9"}))

    repeated = _ok(
        v1.request("POST", "/v1/vouchers/GIFT-8/balance", {"amount": -500, "source_id": "refund-9"})
    )

    assert repeated == first and first["balance"] == 300
    assert _assert_invariant(v1, "GIFT-8") == 300


def test_given_a_loyalty_card_then_the_voucher_balance_route_takes_amount_as_points(v1: AppKeyClient):
    _ok(v1.request("POST", "/v1/vouchers/CLUB-4", {"type": "LOYALTY_CARD", "loyalty_card": {"points": 10}}))

    added = _ok(v1.request("POST", "/v1/vouchers/CLUB-4/balance", {"amount": 15, "reason": "survey"}))
    taken = _ok(v1.request("POST", "/v1/vouchers/CLUB-4/balance", {"points": -5}))

    assert (added["type"], added["amount"], added["points"], added["balance"]) == ("loyalty_card", 15, 15, 25)
    assert (taken["amount"], taken["balance"], taken["total"]) == (-5, 20, 20)
    assert [tx["type"] for tx in _ledger(v1, "CLUB-4")] == [
        "POINTS_ADDITION",
        "POINTS_ADDITION",
        "POINTS_REMOVAL",
    ]
    assert _assert_invariant(v1, "CLUB-4") == 20


def test_given_a_card_generation_cut_short_when_run_again_then_it_resumes_and_makes_each_card_once(
    v1: AppKeyClient,
):
    from offers.services import card_campaigns

    handed_over: list[dict] = []
    with mock.patch.object(card_campaigns, "_invoke_worker", handed_over.append):
        created = _ok(
            v1.request("POST", "/v1/campaigns", {**GIFT_PROGRAM, "name": "resumed", "vouchers_count": 75})
        )
        clock = iter([30_000, 5_000])  # time for one batch, then too little: hand over
        cut = card_campaigns.run_generation(_tenant(v1), created["id"], lambda: next(clock))
        finished = card_campaigns.run_generation(_tenant(v1), created["id"])
        again = card_campaigns.run_generation(_tenant(v1), created["id"])  # a duplicate invocation

    cards = list(
        CardStore().table.query_all(
            keys.campaign_cards_partition(_tenant(v1), created["id"]),
            index=keys.GSI1[0],
            partition_attribute=keys.GSI1[1],
        )
    )
    assert [job["action"] for job in handed_over] == ["generate_cards", "generate_cards"]  # start, hand-over
    assert (cut["generated"], cut["status"]) == (24, "IN_PROGRESS")
    assert (finished["generated"], finished["status"]) == (75, "DONE") and again == finished
    assert len(cards) == len({card["code"] for card in cards}) == 75


def test_given_a_card_that_keeps_changing_then_the_retries_end_in_503_with_retry_after(v1: AppKeyClient):
    from offers.services import card_changes
    from offers.store.cards import CardChanged

    _ok(v1.request("POST", "/v1/vouchers/GIFT-9", {"type": "GIFT_VOUCHER", "gift": {"amount": 1000}}))
    card = CardStore().get_card(_tenant(v1), "GIFT-9")
    lost = CardChanged(card)

    with (
        mock.patch.object(card_changes, "CHANGE_ATTEMPTS", 3),
        mock.patch.object(CardStore, "write_change", side_effect=lost) as write,
    ):
        response = v1.request("POST", "/v1/vouchers/GIFT-9/balance", {"amount": -100})

    assert response.status == 503 and response.headers["retry-after"] == "1"
    assert write.call_count == 3
    assert _assert_invariant(v1, "GIFT-9") == 1000


def test_given_a_spend_racing_the_expiry_then_expiry_takes_only_what_is_left_and_nothing_twice(
    v1: AppKeyClient,
):
    now = datetime.now(UTC)
    _ok(v1.request("POST", "/v1/vouchers/CLUB-5", {"type": "LOYALTY_CARD", "loyalty_card": {"points": 5}}))
    soon = _iso(now + timedelta(days=1))
    body = {"points": 40, "expiration_type": "CUSTOM_DATE", "expiration_date": soon}
    _ok(v1.request("POST", "/v1/loyalties/members/CLUB-5/balance", body))
    real_read = CardStore.read_state
    raced = []

    def read_then_spend(self, tenant_id, code):
        state = real_read(self, tenant_id, code)
        if not raced:  # the job has read the card; a spend of 30 (from the due bucket) commits first
            raced.append(True)
            spend = {"redeemables": [{"object": "voucher", "id": "CLUB-5", "reward": {"points": 30}}]}
            _ok(v1.request("POST", "/v1/redemptions", spend))
        return state

    with mock.patch.object(CardStore, "read_state", read_then_spend):
        ran = card_expiry.run_expiry(now + timedelta(days=2))

    assert (ran["expiredBuckets"], ran["expiredPoints"]) == (1, 10)
    types = [tx["type"] for tx in _ledger(v1, "CLUB-5")]
    assert types == ["POINTS_ADDITION", "POINTS_ADDITION", "POINTS_REDEMPTION", "POINTS_EXPIRATION"]
    assert _assert_invariant(v1, "CLUB-5") == 5


def test_given_an_idempotency_key_when_a_spend_is_retried_then_it_answers_the_first_and_spends_once(
    v1: AppKeyClient,
):
    _ok(v1.request("POST", "/v1/vouchers/GIFT-10", {"type": "GIFT_VOUCHER", "gift": {"amount": 1000}}))
    body = {"redeemables": [{"object": "voucher", "id": "GIFT-10", "gift": {"credits": 600}}]}

    def spend(payload: dict, key: str):
        return v1.send(
            HttpRequest(
                "POST",
                "/v1/redemptions",
                "",
                {
                    "host": v1.host,
                    "x-app-id": v1.app_id,
                    "x-app-token": v1.app_token,
                    "content-type": "application/json",
                    "idempotency-key": key,
                },
                json.dumps(payload).encode(),
            )
        )

    first = spend(body, "order-42-payment")
    retried = spend(body, "order-42-payment")  # 600 more no longer fits: still the first answer
    other_body = spend({**body, "order": {"amount": 900}}, "order-42-payment")

    assert first.status == retried.status == 200
    assert retried.json() == first.json()
    assert other_body.status == 422 and "idempotency key" in other_body.json()["details"]
    assert [tx["type"] for tx in _ledger(v1, "GIFT-10")] == ["CREDITS_ADDITION", "CREDITS_REDEMPTION"]
    assert _assert_invariant(v1, "GIFT-10") == 400


def test_given_a_taken_code_or_program_name_then_duplicate_found_and_the_first_stays(v1: AppKeyClient):
    _ok(v1.request("POST", "/v1/vouchers/GIFT-11", {"type": "GIFT_VOUCHER", "gift": {"amount": 100}}))
    _ok(v1.request("POST", "/v1/campaigns", {**GIFT_PROGRAM, "vouchers_count": 0}))

    card_again = v1.request("POST", "/v1/vouchers/GIFT-11", {"type": "GIFT_VOUCHER", "gift": {"amount": 999}})
    name_again = v1.request("POST", "/v1/campaigns", {**GIFT_PROGRAM, "vouchers_count": 0})

    assert card_again.status == 409 and card_again.json()["key"] == "duplicate_found"
    assert name_again.status == 400 and name_again.json()["key"] == "duplicate_found"
    assert _assert_invariant(v1, "GIFT-11") == 100
