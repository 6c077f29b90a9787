"""The card export routes (Voucherify dialect): a card's transactions (seed 004), a campaign's
or a loyalty program's transactions, a loyalty member's transactions, a program's points
expirations. Each checks what the path names (this tenant's card or campaign), then starts the
same export as POST /v1/exports would, restricted to it, and answers it SCHEDULED.
"""

from __future__ import annotations

from typing import Any

from offers.errors import Forbidden, InvalidInput
from offers.ids import is_id
from offers.services import voucherify_exports
from offers.services.card_campaigns import CampaignNotFound, find_campaign
from offers.services.card_changes import VoucherNotFound
from offers.services.card_export_requests import POINTS_EXPIRATION, TRANSACTIONS, CardExport, export_record
from offers.services.card_ledger import LOYALTY_CARD
from offers.store import keys
from offers.store.cards import CardStore
from offers.store.table import Table

_store = CardStore()
LOYALTY_PROGRAM = "LOYALTY_PROGRAM"


def _parameters(body: Any) -> Any:
    """``{parameters: {...}}``, or no body at all (then the defaults)."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise InvalidInput.for_field("body", "must be a JSON object", code="invalid_payload")
    unknown = sorted(set(body) - {"parameters"})
    if unknown:
        raise InvalidInput.for_field(unknown[0], "is not allowed", code="invalid_payload")
    parameters = body.get("parameters")
    return {} if parameters is None else parameters


def _in(value: str) -> dict[str, Any]:
    return {"conditions": {"$in": [value]}}


def export_voucher_transactions(
    tenant_id: str,
    code: str,
    body: Any,
    *,
    loyalty_campaign: str | None = None,
    loyalty_only: bool = False,
) -> dict[str, Any]:
    """POST /v1/vouchers/{code}/transactions/export (seed 004), and a loyalty member's
    (``loyalty_only``, in ``loyalty_campaign`` when the path names one)."""
    card = _store.get_card(tenant_id, code)
    if card is None or (loyalty_only and card.get("type") != LOYALTY_CARD):
        raise VoucherNotFound(code)
    if (
        loyalty_campaign is not None
        and card.get("campaignId") != find_campaign(tenant_id, loyalty_campaign)["id"]
    ):
        raise VoucherNotFound(code)
    record = export_record(
        TRANSACTIONS,
        _parameters(body),
        allowed=("order", "fields"),
        echo_defaults=False,
        only={"code": code},
        echo_filters={"voucher_id": _in(code)},
    )
    return voucherify_exports.start(tenant_id, record)


def export_campaign_transactions(
    tenant_id: str, campaign: str, body: Any, *, loyalty_only: bool = False
) -> dict[str, Any]:
    """POST /v1/campaigns/{campaignId}/transactions/export (gift card and loyalty programs) and
    POST /v1/loyalties/{campaignId}/transactions/export (loyalty programs)."""
    return _campaign_export(tenant_id, TRANSACTIONS, campaign, body, loyalty_only=loyalty_only)


def export_points_expiration(tenant_id: str, campaign: str, body: Any) -> dict[str, Any]:
    """POST /v1/loyalties/{campaignId}/points-expiration/export."""
    return _campaign_export(tenant_id, POINTS_EXPIRATION, campaign, body, loyalty_only=True)


def _campaign_export(
    tenant_id: str, what: CardExport, campaign: str, body: Any, *, loyalty_only: bool
) -> dict[str, Any]:
    found = _card_campaign(tenant_id, campaign, loyalty_only=loyalty_only)
    record = export_record(
        what,
        _parameters(body),
        allowed=("order", "fields", "filters"),
        echo_defaults=False,
        only={"campaignId": found["id"]},
        echo_filters={"campaign_id": _in(found["id"])},
    )
    return voucherify_exports.start(tenant_id, record)


def _card_campaign(tenant_id: str, campaign: str, *, loyalty_only: bool) -> dict[str, Any]:
    """The gift card or loyalty program the path names (id or name); 403 for a campaign of
    another type (a discount coupon campaign, or a gift card program on a loyalty route)."""
    try:
        found = find_campaign(tenant_id, campaign)
    except CampaignNotFound:
        if is_id(campaign) and Table().get(keys.promotion_key(tenant_id, campaign)) is not None:
            raise Forbidden(
                f"campaign {campaign} is a discount campaign: only gift card and loyalty campaigns "
                "have transactions"
            ) from None
        raise
    if loyalty_only and found.get("campaignType") != LOYALTY_PROGRAM:
        raise Forbidden(
            f"campaign {campaign} is a {found.get('campaignType')} campaign, not a loyalty program"
        )
    return found
