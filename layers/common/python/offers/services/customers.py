"""Customers (Voucherify dialect): upsert by source_id, read by id or source_id, delete.

A customer's id is derived from its source_id (``cust_`` + a digest), so a redemption or an
assignment naming a source_id finds or creates its customer without a lookup, and exports
name the same id. A customer made without a source_id gets a random id.
"""

from __future__ import annotations

import secrets
from typing import Any

from offers.clock import format_timestamp, utc_now
from offers.models.customers import CustomerInput
from offers.services.voucherify_ids import customer_id
from offers.store.customers import TOTALS, CustomerNotFound, CustomerStore
from offers.store.metadata_keys import CUSTOMER, MetadataKeyStore

_store = CustomerStore()
_metadata_keys = MetadataKeyStore()
_FIELDS = ("name", "description", "email", "phone")


def upsert_customer(tenant_id: str, data: CustomerInput) -> dict[str, Any]:
    # null is "not sent" (the SDK sends nulls for fields its caller left out)
    fields: dict[str, Any] = {
        name: getattr(data, name) for name in _FIELDS if getattr(data, name) is not None
    }
    birthdate = data.birthdate or data.birthday
    if birthdate is not None:
        fields["birthdate"] = birthdate.isoformat()
    if data.address is not None:
        fields["address"] = data.address.model_dump(exclude_none=True)
    if data.metadata is not None:
        fields["metadata"] = data.metadata
    now = format_timestamp(utc_now())
    if data.id:
        the_id = data.id
    elif data.source_id:
        fields["sourceId"] = data.source_id
        the_id = customer_id(tenant_id, data.source_id) or ""
    else:
        the_id = f"cust_{secrets.token_hex(12)}"
    if data.metadata:  # before the customer: exports' metadata columns never miss a stored key
        _metadata_keys.add(tenant_id, CUSTOMER, data.metadata, the_id)
    item = _store.upsert(tenant_id, the_id, fields, now=now, must_exist=bool(data.id))
    return customer_view(item)


def _find(tenant_id: str, id_or_source_id: str) -> dict[str, Any]:
    item = _store.get(tenant_id, id_or_source_id) if id_or_source_id.startswith("cust_") else None
    if item is None:
        item = _store.get(tenant_id, customer_id(tenant_id, id_or_source_id) or "")
    if item is None:
        raise CustomerNotFound(id_or_source_id)
    return item


def get_customer(tenant_id: str, id_or_source_id: str) -> dict[str, Any]:
    return customer_view(_find(tenant_id, id_or_source_id))


def delete_customer(tenant_id: str, id_or_source_id: str) -> None:
    _store.delete(tenant_id, _find(tenant_id, id_or_source_id)["id"])


def customer_view(item: dict[str, Any]) -> dict[str, Any]:
    """The customer as Voucherify returns it; absent fields are left out rather than null."""
    # the export field tables load only here, not with every handler that records a customer
    from offers.services.voucherify_fields.customers import order_totals  # noqa: PLC0415

    view: dict[str, Any] = {
        "id": item["id"],
        "source_id": item.get("sourceId"),
        "name": item.get("name"),
        "description": item.get("description"),
        "email": item.get("email"),
        "phone": item.get("phone"),
        "birthdate": item.get("birthdate"),
        "address": item.get("address"),
        "metadata": item.get("metadata"),
        "summary": {
            "redemptions": {
                f"total_{total}": int(item.get(attribute) or 0) for total, attribute in TOTALS.items()
            },
            "orders": order_totals(item),
        },
        "created_at": item.get("createdAt"),
        "updated_at": item.get("updatedAt"),
        "object": "customer",
    }
    return {name: value for name, value in view.items() if value is not None}
