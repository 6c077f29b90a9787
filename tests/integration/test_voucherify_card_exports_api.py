"""Card exports over the Voucherify dialect on moto: a card's transactions (seed 004), a
campaign's and a loyalty program's, points expirations, voucher_transactions and
points_expiration in POST /v1/exports; the CSV holds exactly the ledger; errors; tenant walls."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from local.stack import LocalStack
from offers.services import card_expiry
from offers.settings import get_settings
from offers.store import keys
from offers.store.cards import CardStore
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import coupon_body, promotion_body, wait_until
from tests.support.voucherify import (
    SEED_004_REQUEST_FIELDS,
    SEED_004_RESPONSE_FIELDS,
    AppKeyClient,
    card_ledger,
    export,
    fetch_csv,
    make_app_key,
)

DEFAULT_FIELDS = ["id", "type", "source_id", "reason", "source", "balance", "amount", "created_at"]
GIFT_PROGRAM = {
    "name": "gift-cards",
    "campaign_type": "GIFT_VOUCHERS",
    "vouchers_count": 2,
    "voucher": {"type": "GIFT_VOUCHER", "gift": {"amount": 1000}, "code_config": {"pattern": "GP-####"}},
}
LOYALTY_PROGRAM = {
    "name": "club",
    "campaign_type": "LOYALTY_PROGRAM",
    "voucher": {
        "type": "LOYALTY_CARD",
        "loyalty_card": {"points": 100, "expiration_rules": {"period_type": "MONTH", "period_value": 2}},
    },
}


@pytest.fixture
def v1(api: ApiClient) -> AppKeyClient:
    return make_app_key(api)


def _ok(response) -> dict:
    assert response.status == 200, response.body
    return response.json()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ledger(v1: AppKeyClient, code: str) -> list[dict]:
    return card_ledger(v1, code)


def _cell(transaction: dict, field: str) -> str:
    """A transaction of the API as its CSV cell: balance and amount from details, JSON details."""
    balance = transaction["details"]["balance"]
    value = {
        "balance": balance["balance"],
        "amount": balance.get("amount", balance.get("points")),
        "details": json.dumps(transaction["details"], separators=(",", ":")),
    }.get(field, transaction.get(field))
    return "" if value is None else str(value)


def _finished(v1: AppKeyClient, created: dict) -> dict:
    def done() -> dict | None:
        current = _ok(v1.request("GET", f"/v1/exports/{created['id']}"))
        return current if current["status"] in ("DONE", "ERROR") else None

    return wait_until(done, timeout=120)


@pytest.fixture
def gift_card(v1: AppKeyClient) -> str:
    """GC-1: 5000 to start, +2500 by hand, 1200 spent, that spend rolled back, -300 by hand."""
    _ok(v1.request("POST", "/v1/vouchers/GC-1", {"type": "GIFT_VOUCHER", "gift": {"amount": 5000}}))
    _ok(
        v1.request(
            "POST", "/v1/vouchers/GC-1/balance", {"amount": 2500, "source_id": "top-up-1", "reason": "gift"}
        )
    )
    spend = {
        "redeemables": [{"object": "voucher", "id": "GC-1", "gift": {"credits": 1200}}],
        "order": {"source_id": "ord-1", "amount": 3000},
    }
    redemption = _ok(v1.request("POST", "/v1/redemptions", spend))["redemptions"][0]
    _ok(v1.request("POST", f"/v1/redemptions/{redemption['id']}/rollback"))
    _ok(v1.request("POST", "/v1/vouchers/GC-1/balance", {"amount": -300, "reason": "correction"}))
    return "GC-1"


def test_given_seed_004s_example_request_then_its_documented_shape_and_a_csv_of_exactly_the_cards_ledger(
    stack: LocalStack, v1: AppKeyClient, gift_card: str
):
    body = {"parameters": {"order": "-created_at", "fields": SEED_004_REQUEST_FIELDS}}

    created = _ok(v1.request("POST", f"/v1/vouchers/{gift_card}/transactions/export", body))

    assert set(created) == {
        "id",
        "object",
        "created_at",
        "status",
        "channel",
        "exported_object",
        "parameters",
        "result",
        "user_id",
    }
    assert created["id"].startswith("exp_") and len(created["id"]) == 28
    assert datetime.fromisoformat(created["created_at"].replace("Z", "+00:00")).tzinfo is not None
    assert (created["object"], created["status"], created["channel"], created["exported_object"]) == (
        "export",
        "SCHEDULED",
        "API",
        "voucher_transactions",
    )
    assert (created["result"], created["user_id"]) == (None, None)
    assert created["parameters"] == {
        "order": "-created_at",
        "fields": SEED_004_RESPONSE_FIELDS,
        "filters": {"voucher_id": {"conditions": {"$in": [gift_card]}}},
    }
    done = _finished(v1, created)
    assert done["status"] == "DONE", done
    assert done["parameters"] == created["parameters"]
    content_type, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert content_type.startswith("text/plain")
    assert rows[0] == SEED_004_RESPONSE_FIELDS
    ledger = list(reversed(_ledger(v1, gift_card)))  # newest first, as asked
    assert rows[1:] == [[_cell(tx, field) for field in SEED_004_RESPONSE_FIELDS] for tx in ledger]
    assert [row[1] for row in rows[1:]] == [
        "CREDITS_REMOVAL",
        "CREDITS_REFUND",
        "CREDITS_REDEMPTION",
        "CREDITS_ADDITION",
        "CREDITS_ADDITION",
    ]
    assert [(row[4], row[5]) for row in rows[1:]] == [
        ("7200", "-300"),
        ("7500", "1200"),
        ("6300", "-1200"),
        ("7500", "2500"),
        ("5000", "5000"),
    ]
    assert rows[4][2:4] == ["top-up-1", "gift"]
    voucher = _ok(v1.request("GET", f"/v1/vouchers/{gift_card}"))
    assert sum(int(row[5]) for row in rows[1:]) == voucher["gift"]["balance"] == int(rows[1][4])


def test_given_no_body_then_only_the_filter_is_echoed_and_the_default_fields_come_in_ledger_order(
    stack: LocalStack, v1: AppKeyClient, gift_card: str
):
    created = _ok(v1.request("POST", f"/v1/vouchers/{gift_card}/transactions/export"))

    assert created["parameters"] == {"filters": {"voucher_id": {"conditions": {"$in": [gift_card]}}}}
    done = _finished(v1, created)
    _, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert rows[0] == DEFAULT_FIELDS
    assert rows[1:] == [[_cell(tx, field) for field in DEFAULT_FIELDS] for tx in _ledger(v1, gift_card)]


def test_given_a_card_with_hundreds_of_transactions_then_several_segments_make_one_ledger_in_order(
    stack: LocalStack, v1: AppKeyClient, monkeypatch
):
    monkeypatch.setenv("EXPORT_SEGMENT_ROWS", "100")
    monkeypatch.setenv("EXPORT_CHUNK_ROWS", "70")
    get_settings.cache_clear()
    _ok(v1.request("POST", "/v1/vouchers/BUSY", {"type": "GIFT_VOUCHER", "gift": {"amount": 100}}))
    for n in range(1, 231):
        _ok(v1.request("POST", "/v1/vouchers/BUSY/balance", {"amount": n if n % 3 else -1}))

    newest_first = _finished(
        v1,
        _ok(
            v1.request(
                "POST", "/v1/vouchers/BUSY/transactions/export", {"parameters": {"order": "-created_at"}}
            )
        ),
    )
    oldest_first = _finished(v1, _ok(v1.request("POST", "/v1/vouchers/BUSY/transactions/export")))

    ledger = _ledger(v1, "BUSY")
    assert len(ledger) == 231
    expected = [[_cell(tx, field) for field in DEFAULT_FIELDS] for tx in ledger]
    _, rows = fetch_csv(stack, v1, oldest_first["result"]["url"])
    assert rows == [DEFAULT_FIELDS, *expected]
    _, rows = fetch_csv(stack, v1, newest_first["result"]["url"])
    assert rows == [DEFAULT_FIELDS, *reversed(expected)]
    balance = _ok(v1.request("GET", "/v1/vouchers/BUSY"))["gift"]["balance"]
    assert sum(int(row[6]) for row in rows[1:]) == balance == int(rows[1][5])


def test_given_a_gift_card_program_then_its_export_holds_only_its_cards_transactions_in_time_order(
    stack: LocalStack, v1: AppKeyClient, gift_card: str
):
    program = _ok(v1.request("POST", "/v1/campaigns", GIFT_PROGRAM))
    codes = _program_codes(v1, program["id"])
    assert len(codes) == 2
    for code in codes:
        _ok(v1.request("POST", f"/v1/vouchers/{code}/balance", {"amount": 250}))
    fields = ["id", "voucher_id", "campaign_id", "type", "amount", "balance", "created_at"]

    created = _ok(
        v1.request("POST", "/v1/campaigns/gift-cards/transactions/export", {"parameters": {"fields": fields}})
    )
    one_card = _ok(
        v1.request(
            "POST",
            f"/v1/campaigns/{program['id']}/transactions/export",
            {
                "parameters": {
                    "order": "-created_at",
                    "fields": fields,
                    "filters": {"junction": "and", "voucher_id": {"conditions": {"$in": [codes[0]]}}},
                }
            },
        )
    )

    assert created["parameters"] == {
        "fields": fields,
        "filters": {"campaign_id": {"conditions": {"$in": [program["id"]]}}},
    }
    assert one_card["parameters"]["filters"] == {
        "junction": "and",
        "voucher_id": {"conditions": {"$in": [codes[0]]}},
        "campaign_id": {"conditions": {"$in": [program["id"]]}},
    }
    ledgers = [tx for code in codes for tx in _ledger(v1, code)]
    expected = sorted(ledgers, key=lambda tx: tx["created_at"])
    _, rows = fetch_csv(stack, v1, _finished(v1, created)["result"]["url"])
    assert [row[0] for row in rows[1:]] == [tx["id"] for tx in expected]  # not GC-1's
    assert {row[2] for row in rows[1:]} == {program["id"]} and len(rows) == 1 + 2 * len(codes)
    _, rows = fetch_csv(stack, v1, _finished(v1, one_card)["result"]["url"])
    assert [row[0] for row in rows[1:]] == [tx["id"] for tx in reversed(_ledger(v1, codes[0]))]


def _program_codes(v1: AppKeyClient, campaign_id: str) -> list[str]:
    """The program's generated cards (their codes are random), from its card index."""
    tenant = v1.app_id.split(".")[0]
    page = CardStore().table.query(
        keys.campaign_cards_partition(tenant, campaign_id),
        index=keys.GSI1[0],
        partition_attribute=keys.GSI1[1],
    )
    return [item["code"] for item in page.items]


def test_given_the_wrong_kind_of_campaign_or_an_unknown_one_then_403_or_404_in_voucherify_format(
    api: ApiClient, v1: AppKeyClient
):
    _ok(v1.request("POST", "/v1/campaigns", GIFT_PROGRAM))
    coupon = api.post("/promotions", promotion_body(limits=[])).json()

    cases = [
        ("/v1/loyalties/gift-cards/transactions/export", 403, "forbidden"),
        ("/v1/loyalties/gift-cards/points-expiration/export", 403, "forbidden"),
        (f"/v1/campaigns/{coupon['id']}/transactions/export", 403, "forbidden"),
        ("/v1/campaigns/nope/transactions/export", 404, "not_found"),
        ("/v1/loyalties/nope/points-expiration/export", 404, "not_found"),
        ("/v1/vouchers/NOPE/transactions/export", 404, "not_found"),
        ("/v1/loyalties/members/NOPE/transactions/export", 404, "not_found"),
    ]
    for path, status, key in cases:
        response = v1.request("POST", path)
        assert (response.status, response.json()["key"]) == (status, key), (path, response.body)
        assert response.json()["code"] == status and response.json()["request_id"]
    unknown = v1.request("POST", "/v1/vouchers/NOPE/transactions/export").json()
    assert (unknown["resource_type"], unknown["resource_id"]) == ("voucher", "NOPE")
    assert v1.request("POST", "/v1/campaigns/nope/transactions/export").json()["resource_type"] == "campaign"


@pytest.mark.parametrize(
    ("body", "key", "names"),
    [
        ({"parameters": {"fields": ["id", "points"]}}, "invalid_export_fields", "points"),
        ({"parameters": {"order": "-expires_at"}}, "invalid_payload", "parameters.order"),
        ({"parameters": {"filters": {}}}, "invalid_payload", "parameters.filters"),
        ({"parameters": {"fields": ["id", "id"]}}, "invalid_payload", "parameters.fields"),
        ({"exported_object": "voucher"}, "invalid_payload", "exported_object"),
        ([1], "invalid_payload", "body"),
        ({"parameters": []}, "invalid_payload", "parameters"),
    ],
)
def test_given_a_bad_card_export_request_then_400_naming_the_problem(
    v1: AppKeyClient, gift_card: str, body, key: str, names: str
):
    response = v1.request("POST", f"/v1/vouchers/{gift_card}/transactions/export", body)

    assert (response.status, response.json()["key"]) == (400, key), response.body
    assert names in response.json()["details"]


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        (
            {"voucher_id": {"conditions": {"$starts_with": "GC"}}},
            "parameters.filters.voucher_id.conditions.$starts_with",
        ),
        ({"voucher_id": {"conditions": {"$in": []}}}, "parameters.filters.voucher_id.conditions.$in"),
        ({"voucher_id": "GC-1"}, "parameters.filters.voucher_id.conditions"),
        ({"status": {"conditions": {"$is": "ACTIVE"}}}, "parameters.filters.status"),
        (
            {"created_at": {"conditions": {"$after": "yesterday"}}},
            "parameters.filters.created_at.conditions.$after",
        ),
    ],
)
def test_given_bad_voucher_transactions_filters_then_400_naming_them(
    v1: AppKeyClient, filters: dict, names: str
):
    body = {"exported_object": "voucher_transactions", "parameters": {"filters": filters}}

    response = v1.request("POST", "/v1/exports", body)

    assert (response.status, response.json()["key"]) == (400, "invalid_payload"), response.body
    assert names in response.json()["details"]


def test_given_voucher_transactions_in_v1_exports_then_the_tenants_ledger_filtered_by_card_time_and_type(
    stack: LocalStack, v1: AppKeyClient, gift_card: str
):
    _ok(v1.request("POST", "/v1/vouchers/GC-2", {"type": "GIFT_VOUCHER", "gift": {"amount": 700}}))
    everything = export(v1, {"exported_object": "voucher_transactions"})
    all_ledgers = sorted([*_ledger(v1, gift_card), *_ledger(v1, "GC-2")], key=lambda tx: tx["created_at"])
    by_id = _ledger(v1, "GC-2")[0]["voucher_id"]
    third = _ledger(v1, gift_card)[2]["created_at"]
    cases = [
        ({"voucher_id": {"conditions": {"$in": [by_id]}}}, _ledger(v1, "GC-2")),
        ({"voucher_id": {"conditions": {"$is": gift_card}}}, _ledger(v1, gift_card)),
        ({"voucher_id": {"conditions": {"$not_in": [gift_card]}}}, _ledger(v1, "GC-2")),
        (
            {"type": {"conditions": {"$in": ["CREDITS_REDEMPTION", "CREDITS_REFUND"]}}},
            _ledger(v1, gift_card)[2:4],
        ),
        (
            {
                "voucher_id": {"conditions": {"$in": [gift_card]}},
                "created_at": {"conditions": {"$before": [third]}},
            },
            _ledger(v1, gift_card)[:2],
        ),
        (
            {
                "junction": "or",
                "voucher_id": {"conditions": {"$in": ["GC-2"]}},
                "type": {"conditions": {"$is": "CREDITS_REMOVAL"}},
            },
            [_ledger(v1, gift_card)[4], *_ledger(v1, "GC-2")],
        ),
    ]

    assert everything["status"] == "DONE" and everything["parameters"] == {"fields": DEFAULT_FIELDS}
    _, rows = fetch_csv(stack, v1, everything["result"]["url"])
    assert [row[0] for row in rows[1:]] == [tx["id"] for tx in all_ledgers]
    for filters, expected in cases:
        done = export(
            v1,
            {"exported_object": "voucher_transactions", "parameters": {"fields": ["id"], "filters": filters}},
        )
        _, rows = fetch_csv(stack, v1, done["result"]["url"])
        assert [row[0] for row in rows[1:]] == [
            tx["id"] for tx in sorted(expected, key=lambda tx: tx["created_at"])
        ], filters


def test_given_a_loyalty_program_then_its_transactions_and_points_expirations_export_by_expiry(
    stack: LocalStack, v1: AppKeyClient
):
    now = datetime.now(UTC)
    program = _ok(v1.request("POST", "/v1/campaigns", LOYALTY_PROGRAM))
    for code in ("CLUB-1", "CLUB-2"):
        _ok(v1.request("POST", f"/v1/vouchers/{code}", {"campaign": "club"}))  # 100 points, 2 months
    soon = _iso(now + timedelta(days=3))
    body = {"points": 40, "expiration_type": "CUSTOM_DATE", "expiration_date": soon}
    _ok(v1.request("POST", "/v1/loyalties/club/members/CLUB-1/balance", body))
    spend = {"redeemables": [{"object": "voucher", "id": "CLUB-1", "reward": {"points": 30}}]}
    _ok(v1.request("POST", "/v1/redemptions", spend))
    fields = ["id", "voucher_id", "campaign_id", "points", "status", "expires_at"]

    created = _ok(
        v1.request("POST", "/v1/loyalties/club/points-expiration/export", {"parameters": {"fields": fields}})
    )
    member = _ok(v1.request("POST", "/v1/loyalties/club/members/CLUB-1/transactions/export"))
    program_transactions = _ok(v1.request("POST", f"/v1/loyalties/{program['id']}/transactions/export"))
    one_card = export(
        v1,
        {
            "exported_object": "points_expiration",
            "parameters": {
                "order": "-expires_at",
                "fields": fields,
                "filters": {"voucher_id": {"conditions": {"$in": ["CLUB-1"]}}},
            },
        },
    )

    assert (created["exported_object"], created["status"]) == ("points_expiration", "SCHEDULED")
    assert created["parameters"] == {
        "fields": fields,
        "filters": {"campaign_id": {"conditions": {"$in": [program["id"]]}}},
    }
    buckets = {
        code: _ok(v1.request("GET", f"/v1/loyalties/club/members/{code}/points-expiration"))["data"]
        for code in ("CLUB-1", "CLUB-2")
    }
    by_expiry = [
        (b["expires_at"], code, b["id"], b) for code, found in sorted(buckets.items()) for b in found
    ]
    every = [b for *_, b in sorted(by_expiry, key=lambda entry: entry[:3])]  # ties: by card, then bucket

    def as_rows(found: list[dict]) -> list[list[str]]:
        return [
            [
                b["id"],
                b["voucher_id"],
                b["campaign_id"],
                str(b["bucket"]["total_points"]),
                b["status"],
                b["expires_at"],
            ]
            for b in found
        ]

    _, rows = fetch_csv(stack, v1, _finished(v1, created)["result"]["url"])
    assert rows == [fields, *as_rows(every)]
    assert rows[1][3:5] == ["10", "ACTIVE"] and rows[1][5] == soon[:10]  # the 40 soonest-expiring, 30 spent
    _, rows = fetch_csv(stack, v1, one_card["result"]["url"])
    assert rows == [fields, *reversed(as_rows(buckets["CLUB-1"]))]
    _, rows = fetch_csv(stack, v1, _finished(v1, member)["result"]["url"])
    assert [row[1] for row in rows[1:]] == ["POINTS_ADDITION", "POINTS_ADDITION", "POINTS_REDEMPTION"]
    assert [row[5:7] for row in rows[1:]] == [["100", "100"], ["140", "40"], ["110", "-30"]]
    _, rows = fetch_csv(stack, v1, _finished(v1, program_transactions)["result"]["url"])
    assert len(rows) == 1 + 4 and {row[1] for row in rows[1:]} == {"POINTS_ADDITION", "POINTS_REDEMPTION"}


def test_given_another_tenants_keys_then_the_card_is_not_found_and_its_export_cannot_be_read_or_downloaded(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient, gift_card: str
):
    theirs = make_app_key(api.as_tenant(TENANT_B))
    done = _finished(v1, _ok(v1.request("POST", f"/v1/vouchers/{gift_card}/transactions/export")))
    token = parse_qs(urlsplit(done["result"]["url"]).query)["token"][0]

    refused = theirs.request("POST", f"/v1/vouchers/{gift_card}/transactions/export")
    theirs_all = export(theirs, {"exported_object": "voucher_transactions"})

    assert (refused.status, refused.json()["resource_type"]) == (404, "voucher")
    assert theirs.request("GET", f"/v1/exports/{done['id']}").status == 404
    stolen = theirs.request("GET", f"/v1/exports/{done['id']}", query={"token": token})
    assert (stolen.status, stolen.json()["key"]) == (401, "unauthorized")
    _, rows = fetch_csv(stack, theirs, theirs_all["result"]["url"])
    assert rows == [DEFAULT_FIELDS]  # none of the other tenant's ledger


def test_given_cards_and_coupon_codes_then_the_voucher_export_has_both_with_the_cards_balances(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient, gift_card: str
):
    _ok(v1.request("POST", "/v1/campaigns", LOYALTY_PROGRAM))
    loyalty = _ok(
        v1.request("POST", "/v1/vouchers/CLUB-9", {"campaign": "club", "metadata": {"tier": "gold"}})
    )
    _ok(v1.request("POST", "/v1/loyalties/members/CLUB-9/balance", {"points": -25}))
    assert api.post("/coupons", coupon_body(["SPRING-1"])).status == 201
    fields = ["code", "voucher_type", "value", "gift_balance", "loyalty_balance", "campaign", "campaign_id"]

    everything = export(
        v1, {"exported_object": "voucher", "parameters": {"fields": [*fields, "metadata.tier"]}}
    )
    one_program = export(
        v1,
        {
            "exported_object": "voucher",
            "parameters": {
                "fields": ["code", "id"],
                "filters": {"campaign_id": {"conditions": {"$in": [loyalty["campaign_id"]]}}},
            },
        },
    )
    one_code = export(
        v1,
        {
            "exported_object": "voucher",
            "parameters": {
                "fields": ["code", "gift_balance"],
                "filters": {"code": {"conditions": {"$is": gift_card}}},
            },
        },
    )

    _, rows = fetch_csv(stack, v1, everything["result"]["url"])
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {gift_card, "CLUB-9", "SPRING-1"}
    gift = _ok(v1.request("GET", f"/v1/vouchers/{gift_card}"))["gift"]
    points = _ok(v1.request("GET", "/v1/vouchers/CLUB-9"))["loyalty_card"]
    assert (gift["balance"], points["balance"]) == (7200, 75)
    assert by_code[gift_card] == [gift_card, "GIFT_VOUCHER", str(gift["amount"]), "7200", "", "", "", ""]
    assert by_code["CLUB-9"] == [
        "CLUB-9",
        "LOYALTY_CARD",
        str(points["points"]),
        "",
        "75",
        "club",
        loyalty["campaign_id"],
        "gold",
    ]
    assert by_code["SPRING-1"][1:5] == ["DISCOUNT_VOUCHER", "15", "", ""]
    _, rows = fetch_csv(stack, v1, one_program["result"]["url"])
    assert rows[1:] == [["CLUB-9", loyalty["id"]]]
    _, rows = fetch_csv(stack, v1, one_code["result"]["url"])
    assert rows[1:] == [[gift_card, "7200"]]


def test_given_a_schedule_of_a_cards_transactions_when_run_now_then_its_export_is_the_cards_ledger(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient, gift_card: str
):
    body = {
        "exported_object": "voucher_transactions",
        "parameters": {
            "fields": DEFAULT_FIELDS,
            "filters": {"voucher_id": {"conditions": {"$in": [gift_card]}}},
        },
    }
    saved = api.post(
        "/export-schedules",
        {
            "name": "GC-1's ledger, nightly",
            "expression": "cron(30 2 * * ? *)",
            "timezone": "UTC",
            "export": {"dialect": "voucherify", "body": body},
        },
    )
    assert saved.status == 201, saved.body

    run = api.post(f"/export-schedules/{saved.json()['id']}/actions/run-now")

    assert run.status == 201, run.body
    assert (run.json()["exported_object"], run.json()["status"]) == ("voucher_transactions", "SCHEDULED")
    done = _finished(v1, run.json())
    _, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert rows == [
        DEFAULT_FIELDS,
        *([_cell(tx, field) for field in DEFAULT_FIELDS] for tx in _ledger(v1, gift_card)),
    ]


def test_given_points_expiration_in_v1_exports_then_every_bucket_of_the_tenant_standalone_cards_too(
    stack: LocalStack, v1: AppKeyClient
):
    now = datetime.now(UTC)
    _ok(v1.request("POST", "/v1/campaigns", LOYALTY_PROGRAM))
    _ok(v1.request("POST", "/v1/vouchers/CLUB-1", {"campaign": "club"}))  # 100 points, 2 months
    _ok(v1.request("POST", "/v1/vouchers/SOLO", {"type": "LOYALTY_CARD", "loyalty_card": {"points": 0}}))
    later = _iso(now + timedelta(days=20))
    body = {"points": 70, "expiration_type": "CUSTOM_DATE", "expiration_date": later}
    _ok(v1.request("POST", "/v1/loyalties/members/SOLO/balance", body))

    everything = export(v1, {"exported_object": "points_expiration"})
    active_soon = export(
        v1,
        {
            "exported_object": "points_expiration",
            "parameters": {
                "order": "-expires_at",
                "filters": {
                    "status": {"conditions": {"$is": "ACTIVE"}},
                    "expires_at": {"conditions": {"$before": [_iso(now + timedelta(days=30))]}},
                },
            },
        },
    )

    club = _ok(v1.request("GET", "/v1/loyalties/club/members/CLUB-1/points-expiration"))["data"][0]
    solo = _ok(v1.request("GET", "/v1/vouchers/SOLO"))
    assert everything["parameters"] == {
        "fields": ["id", "campaign_id", "voucher_id", "status", "expires_at", "points"]
    }
    _, rows = fetch_csv(stack, v1, everything["result"]["url"])
    assert rows[1:] == [
        [rows[1][0], "", solo["id"], "ACTIVE", later[:10], "70"],  # no campaign; expires first
        [club["id"], club["campaign_id"], club["voucher_id"], "ACTIVE", club["expires_at"], "100"],
    ]
    assert rows[1][0].startswith("lpb_") and rows[1][0] != club["id"]
    _, rows = fetch_csv(stack, v1, active_soon["result"]["url"])
    assert [row[2] for row in rows[1:]] == [solo["id"]]


def test_given_one_cards_points_expiration_with_a_filter_checked_on_read_then_only_the_matching_buckets(
    stack: LocalStack, v1: AppKeyClient
):
    now = datetime.now(UTC)
    _ok(v1.request("POST", "/v1/vouchers/SOLO", {"type": "LOYALTY_CARD", "loyalty_card": {"points": 0}}))
    for points, days in ((40, 3), (70, 20), (50, 40)):
        body = {
            "points": points,
            "expiration_type": "CUSTOM_DATE",
            "expiration_date": _iso(now + timedelta(days=days)),
        }
        _ok(v1.request("POST", "/v1/loyalties/members/SOLO/balance", body))
    assert card_expiry.run_expiry(now + timedelta(days=4))["expiredBuckets"] == 1  # the 40: EXPIRED

    def one_card(status_condition: dict) -> list[list[str]]:
        filters = {
            "voucher_id": {"conditions": {"$in": ["SOLO"]}},
            "status": {"conditions": status_condition},
        }
        done = export(
            v1,
            {
                "exported_object": "points_expiration",
                "parameters": {"fields": ["points", "status"], "filters": filters},
            },
        )
        assert done["status"] == "DONE", done
        return fetch_csv(stack, v1, done["result"]["url"])[1][1:]

    assert one_card({"$ends_with": "IVE"}) == [["70", "ACTIVE"], ["50", "ACTIVE"]]
    assert one_card({"$ends_with": "RED"}) == [["40", "EXPIRED"]]
    assert one_card({"$is": "EXPIRED"}) == [["40", "EXPIRED"]]  # a filter expression, for contrast


def test_given_one_cards_voucher_transactions_with_a_filter_checked_on_read_then_only_the_matching_rows(
    stack: LocalStack, v1: AppKeyClient, gift_card: str
):
    filters = {
        "voucher_id": {"conditions": {"$in": [gift_card]}},
        "type": {"conditions": {"$ends_with": "REFUND"}},
    }

    done = export(
        v1,
        {
            "exported_object": "voucher_transactions",
            "parameters": {"fields": ["id", "type"], "filters": filters},
        },
    )

    refunds = [[tx["id"], tx["type"]] for tx in _ledger(v1, gift_card) if tx["type"].endswith("REFUND")]
    assert done["status"] == "DONE" and len(refunds) == 1
    _, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert rows[1:] == refunds


def test_given_cards_with_metadata_then_the_voucher_export_has_a_column_per_key_they_stored(
    stack: LocalStack, v1: AppKeyClient
):
    _ok(v1.request("POST", "/v1/campaigns", LOYALTY_PROGRAM))
    _ok(v1.request("POST", "/v1/vouchers/CLUB-M", {"campaign": "club", "metadata": {"tier": "gold"}}))
    gift = {"type": "GIFT_VOUCHER", "gift": {"amount": 500}, "metadata": {"region": "EU", "tier": "basic"}}
    _ok(v1.request("POST", "/v1/vouchers/GC-M", gift))
    _ok(v1.request("POST", "/v1/vouchers/GC-PLAIN", {"type": "GIFT_VOUCHER", "gift": {"amount": 100}}))

    done = export(v1, {"exported_object": "voucher", "parameters": {"fields": ["code", "metadata"]}})

    assert done["status"] == "DONE", done
    _, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert rows[0] == ["code", "metadata.region", "metadata.tier"]
    assert sorted(rows[1:]) == [["CLUB-M", "", "gold"], ["GC-M", "EU", "basic"], ["GC-PLAIN", "", ""]]
