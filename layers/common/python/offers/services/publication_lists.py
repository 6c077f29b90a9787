"""Listing publications (GET /v1/publications): the SDK's filters, served by Query from the
most selective index partition (a code's, a publication source_id's, a customer's, a
campaign's, else the tenant's), paged by offset, in any order the SDK offers."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

from offers.errors import InvalidInput
from offers.services.publications import CampaignNotFound, campaign_of, publication_view
from offers.services.voucherify_ids import customer_id
from offers.store.publications import PublicationStore

_publications = PublicationStore()


@dataclass(frozen=True)
class PublicationFilters:
    """GET /v1/publications' filters, as the SDK sends them."""

    campaign: str | None = None  # a campaign's name or id
    customer: str | None = None  # a customer's id or source_id
    voucher: str | None = None
    source_id: str | None = None  # the publication's own source_id
    result: str | None = None  # SUCCESS / FAILURE
    voucher_type: str | None = None  # discount / loyalty
    is_referral_code: bool | None = None

    @property
    def matches_nothing(self) -> bool:
        """Every publication recorded is a SUCCESS of a discount voucher of a non-referral campaign."""
        return self.result == "FAILURE" or self.voucher_type == "loyalty" or self.is_referral_code is True


LIST_ORDER_FIELDS = ("id", "voucher_code", "tracking_id", "customer_id", "created_at", "channel")
_SORTED_BY = {"id": "id", "voucher_code": "code", "tracking_id": "customerSourceId"}
_SORTED_BY |= {"customer_id": "customerId", "channel": "channel"}
MAX_SORTED_LISTING = 10_000


def _equal(tenant_id: str, filters: PublicationFilters) -> dict[str, str | None] | None:
    """The exact values filters ask for (stored attribute -> value); None: nothing can match."""
    campaign_id = None
    if filters.campaign:
        try:
            campaign_id = campaign_of(tenant_id, filters.campaign).id
        except CampaignNotFound:
            return None
    customer = filters.customer
    if customer and not customer.startswith("cust_"):
        customer = customer_id(tenant_id, customer)
    return {
        "code": filters.voucher,
        "sourceId": filters.source_id,
        "customerId": customer,
        "campaignId": campaign_id,
    }


def list_publications(
    tenant_id: str, *, limit: int, page: int, order: str, filters: PublicationFilters | None = None
) -> dict[str, Any]:
    """One page (offset-paged, page 1..100 of limit 1..100) of the publications that match,
    read by Query from the most selective partition. Ordered by creation from the index; by
    another field sorted in memory, up to MAX_SORTED_LISTING publications (else 400)."""
    filters = filters or PublicationFilters()
    equal = None if filters.matches_nothing else _equal(tenant_id, filters)
    field, descending = order.lstrip("-"), order.startswith("-")
    chosen: list[dict[str, Any]] = []
    total = 0
    if equal is not None and field == "created_at":
        found = _publications.matching(tenant_id, equal, oldest_first=not descending)
        chosen = list(islice(found, page * limit))[(page - 1) * limit :]
        filtered = any(equal.values())
        total = (
            sum(1 for _ in _publications.matching(tenant_id, equal))
            if filtered
            else _publications.count(tenant_id)
        )
    elif equal is not None:
        found = list(
            islice(_publications.matching(tenant_id, equal, oldest_first=True), MAX_SORTED_LISTING + 1)
        )
        if len(found) > MAX_SORTED_LISTING:
            raise InvalidInput.for_field(
                "order",
                f"ordering by {field} takes at most {MAX_SORTED_LISTING} publications:"
                " filter them, or order by created_at",
                code="invalid_query_params",
            )
        attribute = _SORTED_BY[field]
        found.sort(
            key=lambda item: (item.get(attribute) is not None, str(item.get(attribute) or "")),
            reverse=descending,
        )
        chosen, total = found[(page - 1) * limit : page * limit], len(found)
    return {
        "object": "list",
        "data_ref": "publications",
        "publications": [publication_view(tenant_id, item) for item in chosen],
        "total": total,
    }
