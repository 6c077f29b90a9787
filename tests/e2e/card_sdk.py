"""The official SDK (voucherify==6.1.1) as the card e2e tests use it: one fresh tenant's app
key, the APIs a card's life touches, and a card's ledger through the SDK's paging."""

from __future__ import annotations

import secrets

from voucherify import ApiClient as SdkClient
from voucherify import CampaignsApi, Configuration, ExportsApi, LoyaltiesApi, RedemptionsApi, VouchersApi

from tests.e2e.conftest import LocalServer
from tests.support.client import ApiClient


class Sdk:
    def __init__(self, server: LocalServer, app_id: str, app_token: str):
        client = SdkClient(
            Configuration(host=server.url, api_key={"X-App-Id": app_id, "X-App-Token": app_token})
        )
        self.campaigns = CampaignsApi(client)
        self.vouchers = VouchersApi(client)
        self.loyalties = LoyaltiesApi(client)
        self.redemptions = RedemptionsApi(client)
        self.exports = ExportsApi(client)


def new_sdk(http_api: ApiClient, server: LocalServer, *, tenant_prefix: str, key_name: str) -> Sdk:
    """The SDK with an app key of a fresh tenant (the session's server is shared)."""
    fabric = http_api.as_tenant(f"{tenant_prefix}{secrets.token_hex(11)}")
    key = fabric.post("/app-keys", {"name": key_name})
    assert key.status == 201, key.body
    return Sdk(server, key.json()["appId"], key.json()["appToken"])


def ledger(sdk: Sdk, code: str, *, page_size: int) -> list:
    """Every transaction of the card, newest first, following the SDK's paging."""
    found, after = [], None
    while True:
        page = sdk.vouchers.list_voucher_transactions(code, limit=page_size, starting_after_id=after)
        found += page.data
        if not page.has_more:
            return found
        after = page.more_starting_after
