"""Card exports driven by the official SDK (voucherify==6.1.1) against the local server over
HTTP: a gift card created, topped up, spent and the spend rolled back, then its transactions
exported (seed 004) and the CSV downloaded through the SDK; a loyalty program's points
expirations; another tenant's keys see none of it."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from voucherify.exceptions import NotFoundException, UnauthorizedException
from voucherify.models.campaigns_create_request_body import CampaignsCreateRequestBody
from voucherify.models.campaigns_transactions_export_create_request_body import (
    CampaignsTransactionsExportCreateRequestBody,
)
from voucherify.models.loyalties_points_expiration_export_create_request_body import (
    LoyaltiesPointsExpirationExportCreateRequestBody,
)
from voucherify.models.redemptions_redeem_request_body import RedemptionsRedeemRequestBody
from voucherify.models.vouchers_balance_update_request_body import VouchersBalanceUpdateRequestBody
from voucherify.models.vouchers_create_with_specific_code_request_body import (
    VouchersCreateWithSpecificCodeRequestBody,
)
from voucherify.models.vouchers_transactions_export_create_request_body import (
    VouchersTransactionsExportCreateRequestBody,
)

from tests.e2e.card_sdk import Sdk, new_sdk
from tests.e2e.card_sdk import ledger as card_ledger
from tests.e2e.conftest import LocalServer
from tests.support.client import ApiClient
from tests.support.factories import wait_until
from tests.support.voucherify import SEED_004_REQUEST_FIELDS, SEED_004_RESPONSE_FIELDS


def _new_sdk(http_api: ApiClient, server: LocalServer) -> Sdk:
    return new_sdk(http_api, server, tenant_prefix="ce", key_name="card exports sdk")


@pytest.fixture
def sdk(http_api: ApiClient, local_server: LocalServer) -> Sdk:
    return _new_sdk(http_api, local_server)


def ledger(sdk: Sdk, code: str) -> list:
    return card_ledger(sdk, code, page_size=2)


def downloaded(sdk: Sdk, export_id: str) -> list[list[str]]:
    """Wait for DONE, then the CSV through the SDK's download_export with the result's token."""
    done = wait_until(
        lambda: (e := sdk.exports.get_export(export_id)).status in ("DONE", "ERROR") and e, timeout=120
    )
    assert done.status == "DONE", done
    token = parse_qs(urlsplit(done.result.url).query)["token"][0]
    return list(csv.reader(io.StringIO(sdk.exports.download_export(export_id, token), newline="")))


def test_a_gift_cards_life_exported_through_the_sdk_is_exactly_its_ledger(sdk: Sdk):
    sdk.vouchers.create_voucher(
        "SDK-GIFT",
        VouchersCreateWithSpecificCodeRequestBody.from_dict(
            {"type": "GIFT_VOUCHER", "gift": {"amount": 4000}}
        ),
    )
    sdk.vouchers.update_voucher_balance(
        "SDK-GIFT", VouchersBalanceUpdateRequestBody(amount=1500, source_id="topup-1", reason="birthday")
    )
    spend = {
        "redeemables": [{"object": "voucher", "id": "SDK-GIFT", "gift": {"credits": 2200}}],
        "order": {"source_id": "o-sdk-1", "amount": 5000},
    }
    spent = sdk.redemptions.redeem_stacked_discounts(
        RedemptionsRedeemRequestBody.from_dict(spend)
    ).redemptions[0]
    sdk.redemptions.rollback_redemption(spent.id, reason="returned")
    body = VouchersTransactionsExportCreateRequestBody.from_dict(
        {"parameters": {"order": "-created_at", "fields": SEED_004_REQUEST_FIELDS}}
    )

    # the typed method can't read any real voucher id back (the SDK allows $in values of length 1)
    raw = sdk.vouchers.export_voucher_transactions_without_preload_content("SDK-GIFT", body)

    assert raw.status == 200
    created = json.loads(raw.data)
    assert (created["object"], created["status"], created["channel"], created["exported_object"]) == (
        "export",
        "SCHEDULED",
        "API",
        "voucher_transactions",
    )
    assert created["parameters"]["filters"] == {"voucher_id": {"conditions": {"$in": ["SDK-GIFT"]}}}
    assert created["parameters"]["fields"] == SEED_004_RESPONSE_FIELDS
    rows = downloaded(sdk, created["id"])
    entries = ledger(sdk, "SDK-GIFT")  # newest first, as the export was asked
    assert rows[0] == created["parameters"]["fields"]
    assert [row[0] for row in rows[1:]] == [tx.id for tx in entries]
    assert [row[1] for row in rows[1:]] == [
        "CREDITS_REFUND",
        "CREDITS_REDEMPTION",
        "CREDITS_ADDITION",
        "CREDITS_ADDITION",
    ]
    assert [(row[4], row[5]) for row in rows[1:]] == [
        ("5500", "2200"),
        ("3300", "-2200"),
        ("5500", "1500"),
        ("4000", "4000"),
    ]
    assert [row[4] for row in rows[1:]] == [str(tx.details.balance.balance) for tx in entries]
    assert rows[3][2:4] == ["topup-1", "birthday"]
    assert json.loads(rows[2][9])["redemption"]["id"] == spent.id
    assert sdk.vouchers.get_voucher("SDK-GIFT").gift.balance == sum(int(row[5]) for row in rows[1:]) == 5500


def test_a_loyalty_programs_points_expirations_and_transactions_through_the_sdk(sdk: Sdk):
    program = sdk.campaigns.create_campaign(
        CampaignsCreateRequestBody.from_dict(
            {
                "name": "sdk-club",
                "campaign_type": "LOYALTY_PROGRAM",
                "vouchers_count": 2,
                "voucher": {
                    "type": "LOYALTY_CARD",
                    "loyalty_card": {
                        "points": 300,
                        "expiration_rules": {"period_type": "MONTH", "period_value": 3},
                    },
                    "code_config": {"pattern": "SC-####"},
                },
            }
        )
    )
    body = LoyaltiesPointsExpirationExportCreateRequestBody.from_dict(
        {"parameters": {"order": "expires_at", "fields": ["id", "voucher_id", "points", "status"]}}
    )

    created = sdk.loyalties.create_points_expiration_export("sdk-club", body)

    assert (created.status, created.exported_object) == ("SCHEDULED", "points_expiration")
    assert created.parameters.filters.campaign_id.conditions.var_in == [program.id]
    rows = downloaded(sdk, created.id)
    assert rows[0] == ["id", "voucher_id", "points", "status"]
    assert [row[2:] for row in rows[1:]] == [["300", "ACTIVE"], ["300", "ACTIVE"]]
    assert all(row[0].startswith("lpb_") and row[1].startswith("v_") for row in rows[1:])
    body = CampaignsTransactionsExportCreateRequestBody.from_dict(
        {"parameters": {"fields": ["voucher_id", "type", "amount", "balance"]}}
    )
    raw = sdk.campaigns.export_campaign_transactions_without_preload_content("sdk-club", body)
    assert raw.status == 200
    transactions = json.loads(raw.data)
    assert transactions["parameters"]["filters"] == {"campaign_id": {"conditions": {"$in": [program.id]}}}
    rows = downloaded(sdk, transactions["id"])
    assert sorted(row[1:] for row in rows[1:]) == [["POINTS_ADDITION", "300", "300"]] * 2


def test_another_tenants_keys_find_no_card_and_cannot_download_its_export(
    sdk: Sdk, http_api: ApiClient, local_server: LocalServer
):
    sdk.vouchers.create_voucher(
        "SDK-WALL",
        VouchersCreateWithSpecificCodeRequestBody.from_dict(
            {"type": "GIFT_VOUCHER", "gift": {"amount": 100}}
        ),
    )
    created = json.loads(sdk.vouchers.export_voucher_transactions_without_preload_content("SDK-WALL").data)
    assert len(downloaded(sdk, created["id"])) == 2
    token = parse_qs(urlsplit(sdk.exports.get_export(created["id"]).result.url).query)["token"][0]
    theirs = _new_sdk(http_api, local_server)

    assert theirs.vouchers.export_voucher_transactions_without_preload_content("SDK-WALL").status == 404
    with pytest.raises(NotFoundException):
        theirs.exports.get_export(created["id"])
    with pytest.raises(UnauthorizedException):
        theirs.exports.download_export(created["id"], token)
