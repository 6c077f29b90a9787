"""Card programs (Voucherify ``GIFT_VOUCHERS`` and ``LOYALTY_PROGRAM`` campaigns): created with a
voucher template and ``vouchers_count`` cards, made as coupon codes are: a few within the request,
more by the code worker in the background, in batches that each commit with the job's progress
(so a retried or resumed worker never makes a card twice). Other campaign types are a 400.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

from offers.clock import format_timestamp, utc_now
from offers.errors import InvalidInput, NotFound
from offers.models.cards import CampaignInput
from offers.settings import get_settings
from offers.store.card_campaigns import CampaignNameTaken, CardCampaignStore
from offers.store.cards import CardStore
from offers.store.clients import client
from offers.store.table import Table, TransactionCancelled

_store = CardStore()
_campaigns = CardCampaignStore()
CARD_CAMPAIGN_TYPES = {"GIFT_VOUCHERS": "GIFT_VOUCHER", "LOYALTY_PROGRAM": "LOYALTY_CARD"}
OTHER_CAMPAIGN_TYPES = ("DISCOUNT_COUPONS", "REFERRAL_PROGRAM", "PROMOTION")
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
DEFAULT_CODE_LENGTH = 8
CARDS_PER_TRANSACTION = 24  # card, its id pointer, opening transaction, bucket: 96 + the progress
SYNC_CARD_LIMIT = 60  # up to this many cards are made within the request
GENERATE_CARDS = "generate_cards"
_CONTINUE_WITH_MS_LEFT = 20_000
_CODE_RETRIES = 5


class CampaignNotFound(NotFound):
    resource_type = "campaign"

    def __init__(self, campaign: str):
        super().__init__(f"campaign {campaign} not found")
        self.resource_id = campaign


class CampaignNameExists(InvalidInput):
    code = "duplicate_found"


def _invalid(path: str, message: str) -> InvalidInput:
    return InvalidInput.for_field(path, message, code="invalid_payload")


def make_code(config: dict[str, Any]) -> str:
    """A code from Voucherify's ``code_config``: ``pattern`` with each ``#`` a random character
    of ``charset``, else ``length`` random characters; ``prefix`` and ``postfix`` around it."""
    charset = config.get("charset") or ALPHANUMERIC
    pattern = config.get("pattern")
    if pattern:
        body = "".join(secrets.choice(charset) if char == "#" else char for char in pattern)
    else:
        body = "".join(
            secrets.choice(charset) for _ in range(int(config.get("length") or DEFAULT_CODE_LENGTH))
        )
    return f"{config.get('prefix') or ''}{body}{config.get('postfix') or ''}"


def find_campaign(tenant_id: str, id_or_name: str) -> dict[str, Any]:
    campaign = _store.get_campaign(tenant_id, id_or_name) if id_or_name.startswith("camp_") else None
    if campaign is None:
        campaign_id = _store.campaign_id_by_name(tenant_id, id_or_name)
        campaign = _store.get_campaign(tenant_id, campaign_id) if campaign_id else None
    if campaign is None:
        raise CampaignNotFound(id_or_name)
    return campaign


def _template(data: CampaignInput, voucher_type: str) -> dict[str, Any]:
    voucher = data.voucher
    if voucher is not None and voucher.type is not None and voucher.type != voucher_type:
        raise _invalid("voucher.type", f"a {data.campaign_type} campaign makes {voucher_type} vouchers")
    template: dict[str, Any] = {"type": voucher_type}
    if voucher_type == "GIFT_VOUCHER":
        gift = voucher.gift if voucher else None
        if gift is None or gift.amount is None:
            raise _invalid("voucher.gift.amount", "is required: each card's initial credits, in cents")
        template["gift"] = {"amount": gift.amount, "effect": gift.effect or "APPLY_TO_ORDER"}
    else:
        loyalty = voucher.loyalty_card if voucher else None
        if loyalty is None or loyalty.points is None:
            raise _invalid("voucher.loyalty_card.points", "is required: each card's initial points")
        template["loyalty_card"] = {"points": loyalty.points}
        if loyalty.expiration_rules is not None:
            template["loyalty_card"]["expiration_rules"] = loyalty.expiration_rules.model_dump(
                exclude_none=True
            )
    config = voucher.code_config.model_dump(exclude_none=True) if voucher and voucher.code_config else {}
    template["code_config"] = config or {"length": DEFAULT_CODE_LENGTH, "charset": ALPHANUMERIC}
    return template


def create_campaign(tenant_id: str, data: CampaignInput) -> dict[str, Any]:
    voucher_type = CARD_CAMPAIGN_TYPES.get(data.campaign_type)
    if voucher_type is None:
        allowed = ", ".join(CARD_CAMPAIGN_TYPES)
        raise _invalid(
            "campaign_type",
            f"{data.campaign_type!r} campaigns are not made here: this API makes {allowed} campaigns"
            + (
                " (discount coupons are coupons: POST /coupons)"
                if data.campaign_type in OTHER_CAMPAIGN_TYPES
                else ""
            ),
        )
    if data.start_date and data.expiration_date and data.expiration_date <= data.start_date:
        raise _invalid("expiration_date", "must be after start_date")
    now = format_timestamp(utc_now())
    count = data.vouchers_count or 0
    campaign = {
        "id": f"camp_{secrets.token_hex(12)}",
        "name": data.name,
        "description": data.description,
        "campaignType": data.campaign_type,
        "voucherType": voucher_type,
        "type": data.type or "AUTO_UPDATE",
        "voucher": _template(data, voucher_type),
        "vouchersCount": count,
        "startDate": format_timestamp(data.start_date) if data.start_date else None,
        "expirationDate": format_timestamp(data.expiration_date) if data.expiration_date else None,
        "metadata": data.metadata or {},
        "createdAt": now,
        "updatedAt": now,
    }
    campaign = {name: value for name, value in campaign.items() if value is not None}
    generation = (
        {"requested": count, "generated": 0, "status": "IN_PROGRESS", "createdAt": now} if count else None
    )
    try:
        _campaigns.create_campaign(tenant_id, campaign, generation)
    except CampaignNameTaken:
        raise CampaignNameExists.for_field("name", f"a campaign named {data.name!r} exists already") from None
    if generation is not None:
        if count <= SYNC_CARD_LIMIT:
            generation = run_generation(tenant_id, campaign["id"])
        else:
            _invoke_worker({"action": GENERATE_CARDS, "tenantId": tenant_id, "campaignId": campaign["id"]})
    return campaign_view(campaign, generation)


def get_campaign(tenant_id: str, id_or_name: str) -> dict[str, Any]:
    campaign = find_campaign(tenant_id, id_or_name)
    generation = (
        _campaigns.get_generation(tenant_id, campaign["id"]) if campaign.get("vouchersCount") else None
    )
    return campaign_view(campaign, generation)


def campaign_view(campaign: dict[str, Any], generation: dict[str, Any] | None) -> dict[str, Any]:
    status = (generation or {}).get("status", "DONE")
    view = {
        "id": campaign["id"],
        "name": campaign["name"],
        "description": campaign.get("description"),
        "campaign_type": campaign["campaignType"],
        "type": campaign.get("type", "AUTO_UPDATE"),
        "voucher": campaign["voucher"],
        "auto_join": False,
        "join_once": campaign["campaignType"] == "LOYALTY_PROGRAM",
        "use_voucher_metadata_schema": False,
        "vouchers_count": int(campaign.get("vouchersCount", 0)),
        "vouchers_generated": int((generation or {}).get("generated", campaign.get("vouchersCount", 0))),
        "start_date": campaign.get("startDate"),
        "expiration_date": campaign.get("expirationDate"),
        "active": True,
        "metadata": campaign.get("metadata") or {},
        "created_at": campaign["createdAt"],
        "updated_at": campaign.get("updatedAt"),
        "creation_status": "DONE",
        "vouchers_generation_status": status,
        "object": "campaign",
    }
    return {name: value for name, value in view.items() if value is not None}


# -- the background generation --------------------------------------------------------------------


def _invoke_worker(payload: dict[str, str]) -> None:
    """The coupons' code worker function runs card jobs too (asynchronous, retried by Lambda)."""
    client("lambda").invoke(
        FunctionName=get_settings().code_worker_function,
        InvocationType="Event",
        Payload=json.dumps(payload).encode(),
    )


def run_generation(
    tenant_id: str, campaign_id: str, millis_left: Callable[[], int] | None = None
) -> dict[str, Any] | None:
    """Make the campaign's remaining cards, resuming from the job's stored progress. Each batch
    commits with ``generated = :expected``: a batch another invocation wrote is never repeated."""
    from offers.services.cards import new_card  # noqa: PLC0415 - cards imports this module

    campaign = find_campaign(tenant_id, campaign_id)
    generation = _campaigns.get_generation(tenant_id, campaign_id)
    if generation is None or generation.get("status") != "IN_PROGRESS":
        return generation  # nothing to make, or finished by an earlier invocation
    template = campaign["voucher"]
    initial = int(
        (template.get("gift") or {}).get("amount") or (template.get("loyalty_card") or {}).get("points") or 0
    )
    fields = {name: campaign[name] for name in ("startDate", "expirationDate") if campaign.get(name)}
    table = Table()
    while generation["generated"] < generation["requested"]:
        if millis_left is not None and millis_left() < _CONTINUE_WITH_MS_LEFT:
            _invoke_worker({"action": GENERATE_CARDS, "tenantId": tenant_id, "campaignId": campaign_id})
            return generation
        size = min(CARDS_PER_TRANSACTION, int(generation["requested"]) - int(generation["generated"]))
        expected = int(generation["generated"])
        for _ in range(_CODE_RETRIES):
            now = utc_now()
            operations = []
            for _card in range(size):
                card, transaction, buckets = new_card(
                    tenant_id,
                    make_code(template.get("code_config") or {}),
                    campaign["voucherType"],
                    campaign=campaign,
                    initial=initial,
                    now=now,
                    fields=fields,
                )
                operations.extend(_store.create_ops(tenant_id, card, transaction, buckets))
            operations.append(
                _campaigns.generation_progress_op(tenant_id, campaign_id, expected + size, expected)
            )
            try:
                table.transact_write(operations)
                break
            except TransactionCancelled as error:
                if error.failed(len(operations) - 1):
                    return _campaigns.get_generation(tenant_id, campaign_id)  # another invocation is on it
                continue  # a random code clashed with an existing one: draw the batch again
        else:
            _campaigns.finish_generation(tenant_id, campaign_id, "FAILED", format_timestamp(utc_now()))
            return _campaigns.get_generation(tenant_id, campaign_id)
        generation["generated"] = expected + size
    _campaigns.finish_generation(tenant_id, campaign_id, "DONE", format_timestamp(utc_now()))
    return _campaigns.get_generation(tenant_id, campaign_id)


def run_worker_job(job: dict[str, str], millis_left: Callable[[], int]) -> dict[str, Any]:
    generation = run_generation(job["tenantId"], job["campaignId"], millis_left)
    return {"status": (generation or {}).get("status"), "generated": (generation or {}).get("generated")}
