"""A gift card's and a loyalty card's whole life driven by the official SDK (voucherify==6.1.1)
against the local server over HTTP: program, card, additions, spends, rollbacks, expiry (the
job run with a later ``now`` on the server's own emulated DynamoDB), transactions; the ledger
invariant after concurrent spends and after expiry."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from voucherify.exceptions import ApiException, BadRequestException, NotFoundException
from voucherify.models.campaigns_create_request_body import CampaignsCreateRequestBody
from voucherify.models.loyalties_members_balance_update_request_body import (
    LoyaltiesMembersBalanceUpdateRequestBody,
)
from voucherify.models.redemptions_redeem_request_body import RedemptionsRedeemRequestBody
from voucherify.models.vouchers_balance_update_request_body import VouchersBalanceUpdateRequestBody
from voucherify.models.vouchers_create_request_body import VouchersCreateRequestBody
from voucherify.models.vouchers_create_with_specific_code_request_body import (
    VouchersCreateWithSpecificCodeRequestBody,
)

from local.stack import LOCAL_PARAMETERS
from local.template import Template
from tests.e2e.card_sdk import Sdk, new_sdk
from tests.e2e.card_sdk import ledger as card_ledger
from tests.e2e.conftest import LocalServer
from tests.support.client import ApiClient


@pytest.fixture
def sdk(http_api: ApiClient, local_server: LocalServer) -> Sdk:
    return new_sdk(http_api, local_server, tenant_prefix="cd", key_name="cards sdk")


def ledger(sdk: Sdk, code: str) -> list:
    return card_ledger(sdk, code, page_size=3)


def assert_ledger_proves_balance(sdk: Sdk, code: str) -> int:
    voucher = sdk.vouchers.get_voucher(code)
    card = voucher.gift or voucher.loyalty_card
    entries = ledger(sdk, code)
    unit = "amount" if voucher.gift else "points"
    assert sum(getattr(tx.details.balance, unit) for tx in entries) == card.balance
    assert entries[0].details.balance.balance == card.balance  # the newest records the balance after it
    return card.balance


def redeem(sdk: Sdk, code: str, **redeemable) -> object:
    body = {
        "redeemables": [{"object": "voucher", "id": code, **redeemable}],
        "order": {"source_id": f"o-{secrets.token_hex(4)}"},
    }
    return sdk.redemptions.redeem_stacked_discounts(RedemptionsRedeemRequestBody.from_dict(body))


def test_a_gift_card_from_its_program_to_a_rolled_back_spend(sdk: Sdk):
    program = sdk.campaigns.create_campaign(
        CampaignsCreateRequestBody.from_dict(
            {
                "name": "gift-e2e",
                "campaign_type": "GIFT_VOUCHERS",
                "vouchers_count": 2,
                "voucher": {
                    "type": "GIFT_VOUCHER",
                    "gift": {"amount": 2000},
                    "code_config": {"pattern": "E2E-####"},
                },
            }
        )
    )
    card = sdk.vouchers.create_voucher(
        "GIFT-E2E-1",
        VouchersCreateWithSpecificCodeRequestBody.from_dict({"type": "GIFT_VOUCHER", "campaign": "gift-e2e"}),
    )
    added = sdk.vouchers.update_voucher_balance(
        "GIFT-E2E-1", VouchersBalanceUpdateRequestBody(amount=1000, source_id="topup-1", reason="birthday")
    )
    again = sdk.vouchers.update_voucher_balance(
        "GIFT-E2E-1", VouchersBalanceUpdateRequestBody(amount=1000, source_id="topup-1", reason="birthday")
    )
    spent = redeem(sdk, "GIFT-E2E-1", gift={"credits": 2500}).redemptions[0]
    with pytest.raises(BadRequestException) as too_much:
        redeem(sdk, "GIFT-E2E-1", gift={"credits": 501})
    rolled = sdk.redemptions.rollback_redemption(spent.id, reason="order cancelled")
    with pytest.raises(ApiException) as twice:
        sdk.redemptions.rollback_redemption(spent.id)

    assert sdk.campaigns.get_campaign("gift-e2e").id == program.id
    assert sdk.campaigns.get_campaign(program.id).vouchers_generation_status == "DONE"
    assert (card.gift.balance, card.campaign_id) == (2000, program.id)
    assert (added.balance, added.amount, added.total) == (3000, 1000, 3000) and again == added
    assert (spent.gift.amount, spent.status) == (2500, "SUCCEEDED")
    assert '"key":"not_enough_balance"' in too_much.value.body.replace(" ", "")
    assert (rolled.gift.amount, rolled.redemption, rolled.status) == (2500, spent.id, "SUCCEEDED")
    assert twice.value.status == 409
    oldest_first = sdk.vouchers.list_voucher_transactions("GIFT-E2E-1", limit=10, order="id").data
    assert [tx.id for tx in oldest_first] == [tx.id for tx in reversed(ledger(sdk, "GIFT-E2E-1"))]
    types = [tx.type for tx in oldest_first]
    assert types == ["CREDITS_ADDITION", "CREDITS_ADDITION", "CREDITS_REDEMPTION", "CREDITS_REFUND"]
    assert assert_ledger_proves_balance(sdk, "GIFT-E2E-1") == 3000


def test_concurrent_spends_never_overdraw_and_the_ledger_still_proves_the_balance(sdk: Sdk):
    sdk.vouchers.create_voucher(
        "GIFT-E2E-RACE",
        VouchersCreateWithSpecificCodeRequestBody.from_dict(
            {"type": "GIFT_VOUCHER", "gift": {"amount": 600}}
        ),
    )

    def spend(_: int) -> int:
        try:
            redeem(sdk, "GIFT-E2E-RACE", gift={"credits": 100})
        except ApiException as error:
            return error.status
        return 200

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(pool.map(spend, range(10)))

    assert statuses == [200] * 6 + [400] * 4
    assert assert_ledger_proves_balance(sdk, "GIFT-E2E-RACE") == 0


def run_expiry_on_the_server(server: LocalServer, monkeypatch, now: datetime) -> dict:
    """The expiry job's own function, run here against the server's emulated DynamoDB, with a
    ``now`` past the buckets' expiry (the job takes the scheduled event's time)."""
    from offers.services import card_expiry
    from offers.settings import get_settings
    from offers.store.clients import reset_clients

    job = Template(parameters=LOCAL_PARAMETERS).functions()["ExpirePointsFunction"]
    for name, value in {**job.environment, "AWS_ENDPOINT_URL": server.aws_endpoint}.items():
        monkeypatch.setenv(name, str(value))
    get_settings.cache_clear()
    reset_clients()
    try:
        return card_expiry.run_expiry(now)
    finally:
        get_settings.cache_clear()
        reset_clients()


def test_a_loyalty_card_from_its_program_through_spends_rollback_and_expiry(
    sdk: Sdk, local_server: LocalServer, monkeypatch
):
    now = datetime.now(UTC)
    sdk.campaigns.create_campaign(
        CampaignsCreateRequestBody.from_dict(
            {
                "name": "club-e2e",
                "campaign_type": "LOYALTY_PROGRAM",
                "voucher": {
                    "type": "LOYALTY_CARD",
                    "loyalty_card": {
                        "points": 200,
                        "expiration_rules": {"period_type": "MONTH", "period_value": 12},
                    },
                },
            }
        )
    )
    card = sdk.vouchers.create_voucher(
        "CLUB-E2E-1",
        VouchersCreateWithSpecificCodeRequestBody.from_dict({"type": "LOYALTY_CARD", "campaign": "club-e2e"}),
    )
    soon = (now + timedelta(days=2)).replace(microsecond=0)
    bonus = sdk.loyalties.update_loyalty_card_balance1(
        "club-e2e",
        "CLUB-E2E-1",
        LoyaltiesMembersBalanceUpdateRequestBody.from_dict(
            {
                "points": 50,
                "expiration_type": "CUSTOM_DATE",
                "expiration_date": soon.isoformat(),
                "source_id": "bonus-1",
            }
        ),
    )
    spent = redeem(sdk, "CLUB-E2E-1", reward={"points": 30}).redemptions[0]  # from the bonus first
    second = redeem(sdk, "CLUB-E2E-1", reward={"points": 10}).redemptions[0]
    sdk.redemptions.rollback_redemption(second.id)
    buckets = sdk.loyalties.list_points_expiration("club-e2e", "CLUB-E2E-1")

    ran = run_expiry_on_the_server(local_server, monkeypatch, now + timedelta(days=3))
    after = sdk.loyalties.list_points_expiration("club-e2e", "CLUB-E2E-1")
    voucher = sdk.vouchers.get_voucher("CLUB-E2E-1")

    assert card.loyalty_card.balance == 200
    assert (bonus.points, bonus.balance, bonus.type) == (50, 250, "loyalty_card")
    assert spent.loyalty_card.points == 30
    assert [(b.bucket.total_points, b.status) for b in buckets.data] == [(20, "ACTIVE"), (200, "ACTIVE")]
    assert ran["expiredPoints"] >= 20
    assert [(b.bucket.total_points, b.status) for b in after.data] == [(200, "ACTIVE"), (20, "EXPIRED")]
    assert voucher.loyalty_card.balance == 200 and voucher.loyalty_card.next_expiration_points == 200
    types = [tx.type for tx in reversed(ledger(sdk, "CLUB-E2E-1"))]
    assert types == [
        "POINTS_ADDITION",
        "POINTS_ADDITION",
        "POINTS_REDEMPTION",
        "POINTS_REDEMPTION",
        "POINTS_REFUND",
        "POINTS_EXPIRATION",
    ]
    assert assert_ledger_proves_balance(sdk, "CLUB-E2E-1") == 200
    with pytest.raises(NotFoundException):
        sdk.vouchers.get_voucher("CLUB-E2E-UNKNOWN")
    generated = sdk.vouchers.generate_random_code(
        VouchersCreateRequestBody.from_dict(
            {"type": "LOYALTY_CARD", "campaign": "club-e2e", "code_config": {"prefix": "M-", "length": 6}}
        )
    )
    assert generated.code.startswith("M-") and len(generated.code) == 8
    assert (generated.loyalty_card.balance, generated.campaign) == (200, "club-e2e")
