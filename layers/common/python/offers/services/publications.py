"""Publications (Voucherify dialect): a code assigned to a customer.

Made by ``POST /v1/publications`` (a given voucher, or a free code of a campaign) and by the
fabric code update that sets a ``userId``. Either way one transaction assigns the code, records
the publication (and the tenant's count) and creates the customer if the tenant doesn't know it
yet (source_id = the userId).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from offers.clock import format_timestamp, utc_now
from offers.errors import Conflict, InvalidInput, NotFound
from offers.ids import is_id, new_id
from offers.models.customers import CustomerInput
from offers.models.promotions import PromotionRecord
from offers.services.customers import upsert_customer
from offers.services.voucherify_ids import customer_id, voucher_id
from offers.store import keys
from offers.store.coupons import CouponCodeStore
from offers.store.customers import CustomerNotFound, CustomerStore
from offers.store.metadata_keys import PUBLICATION, MetadataKeyStore
from offers.store.promotions import PromotionNotFound, PromotionStore
from offers.store.publications import PublicationStore
from offers.store.table import Table

_codes = CouponCodeStore()
_customers = CustomerStore()
_promotions = PromotionStore()
_publications = PublicationStore()
_metadata_keys = MetadataKeyStore()
CHANNEL = "API"
_FREE_CODES_TRIED = 25


class VoucherNotFound(NotFound):
    resource_type = "voucher"

    def __init__(self, code: str):
        super().__init__(f"voucher {code} not found")
        self.resource_id = code


class CampaignNotFound(NotFound):
    resource_type = "campaign"

    def __init__(self, campaign: str):
        super().__init__(f"campaign {campaign} not found")
        self.resource_id = campaign


def assignment_operations(
    tenant_id: str,
    *,
    code: str,
    coupon: PromotionRecord,
    source_id: str,
    now: str,
    metadata: dict[str, Any] | None = None,
    publication_source_id: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """What an assignment writes besides the code: the publication, the count, the customer."""
    customer = customer_id(tenant_id, source_id) or ""
    publication = {
        "id": f"pub_{new_id()}",
        "code": code,
        "campaign": coupon.name,
        "campaignId": coupon.id,
        "customerId": customer,
        "customerSourceId": source_id,
        "channel": CHANNEL,
        "createdAt": now,
        **({"metadata": metadata} if metadata else {}),
        **({"sourceId": publication_source_id} if publication_source_id else {}),
    }
    operations = [
        *_publications.put_ops(tenant_id, publication),
        _customers.totals_op(tenant_id, customer, source_id, {}, now),
    ]
    if metadata:
        operations += _metadata_keys.add_ops(tenant_id, PUBLICATION, metadata, publication["id"])
    return operations, publication


def publication_view(tenant_id: str, publication: dict[str, Any]) -> dict[str, Any]:
    view = {
        "id": publication["id"],
        "object": "publication",
        "created_at": publication["createdAt"],
        "customer_id": publication["customerId"],
        "tracking_id": publication["customerSourceId"],
        "metadata": publication.get("metadata"),
        "channel": publication.get("channel", CHANNEL),
        "source_id": publication.get("sourceId"),
        "result": "SUCCESS",
        "vouchers": [publication["code"]],
        "vouchers_id": [voucher_id(tenant_id, publication["code"])],
    }
    return {name: value for name, value in view.items() if value is not None}


def _invalid(path: str, message: str) -> InvalidInput:
    return InvalidInput.for_field(path, message, code="invalid_payload")


def _customer_source_id(tenant_id: str, customer: Any) -> str:
    if not isinstance(customer, dict):
        raise _invalid("customer", "is required: an object with source_id (or the id of a customer)")
    try:
        data = CustomerInput.model_validate(customer)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in ("customer", *first["loc"]))
        raise _invalid(where, first["msg"].removeprefix("Value error, ")) from None
    if data.source_id:
        if any(value is not None for name, value in data if name != "source_id"):
            upsert_customer(tenant_id, data)  # keep the details sent (idempotent)
        return data.source_id
    if data.id:
        found = _customers.get(tenant_id, data.id)
        if found is None:
            raise CustomerNotFound(data.id)
        if found.get("sourceId"):
            return str(found["sourceId"])
    raise _invalid("customer.source_id", "is required (codes are assigned to a customer's source_id)")


def campaign_of(tenant_id: str, id_or_name: str) -> PromotionRecord:
    """A campaign by its id, else by its name (Voucherify's campaign.name takes either)."""
    coupon_ids = [id_or_name] if is_id(id_or_name) else []
    if not coupon_ids:
        coupon_ids = _promotions.coupons_named(tenant_id, id_or_name)
        if len(coupon_ids) > 1:
            raise Conflict(
                f"{len(coupon_ids)} campaigns are named {id_or_name!r}: name it by id",
                code="AMBIGUOUS_CAMPAIGN",
            )
    try:
        coupon = _promotions.get(tenant_id, coupon_ids[0], consistent=True) if coupon_ids else None
    except PromotionNotFound:
        coupon = None
    if coupon is None or coupon.is_implicit:
        raise CampaignNotFound(id_or_name)
    return coupon


def create_publication(tenant_id: str, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise _invalid("body", "must be a JSON object")
    unknown = sorted(set(body) - {"voucher", "campaign", "customer", "metadata", "channel", "source_id"})
    if unknown:
        raise _invalid(unknown[0], "is not allowed")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise _invalid("metadata", "must be an object")
    source_id = _customer_source_id(tenant_id, body.get("customer"))
    voucher, campaign = body.get("voucher"), body.get("campaign")
    if isinstance(voucher, str) and voucher:
        record = _codes.get(tenant_id, voucher)
        if record is None:
            raise VoucherNotFound(voucher)
        coupon, candidates = campaign_of(tenant_id, record.promotion_id), [voucher]
    elif isinstance(campaign, dict) and isinstance(campaign.get("name") or campaign.get("id"), str):
        coupon = campaign_of(tenant_id, campaign.get("id") or campaign["name"])
        candidates = _free_codes(tenant_id, coupon.id)
    else:
        raise _invalid("voucher", "is required: a voucher code, or campaign: {name: <campaign id>}")
    for code in candidates:
        now = format_timestamp(utc_now())
        operations, publication = assignment_operations(
            tenant_id,
            code=code,
            coupon=coupon,
            source_id=source_id,
            now=now,
            metadata=metadata,
            publication_source_id=body.get("source_id") if isinstance(body.get("source_id"), str) else None,
        )
        try:
            _codes.update(
                tenant_id,
                coupon.id,
                code,
                {"userId": source_id},
                now,
                with_operations=operations,
                keep_other_customer=True,
            )
        except Conflict:
            if len(candidates) == 1:
                raise
            continue  # another publication took this free code first: try the next
        if metadata:
            _metadata_keys.remember(tenant_id, PUBLICATION, metadata)
        return publication_view(tenant_id, publication)
    raise Conflict(f"campaign {coupon.id} has no free codes left to publish", code="NO_FREE_CODES")


def _free_codes(tenant_id: str, coupon_id: str) -> list[str]:
    """A few of the campaign's unassigned, active codes, oldest first."""
    page = Table().query(
        keys.coupon_codes_partition(tenant_id, coupon_id),
        index=keys.GSI1[0],
        partition_attribute=keys.GSI1[1],
        filter_expression="attribute_not_exists(userId) AND #status = :active",
        names={"#status": "status"},
        values={":active": "ACTIVE"},
        limit=_FREE_CODES_TRIED * 4,
    )
    return [item["code"] for item in page.items[:_FREE_CODES_TRIED]]
