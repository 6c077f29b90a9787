"""Voucherify's publication fields over publications (code assignments)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from offers.services.voucherify_fields.common import Item, metadata_cell, own_metadata, row_maker

# The reference's defaults list "code", which is not an allowed field: voucher_code stands in.
PUBLICATION_DEFAULT_FIELDS = ("voucher_code", "customer_id", "date", "channel")
PUBLICATION_FIELDS = (
    "voucher_code",
    "customer_id",
    "customer_source_id",
    "date",
    "channel",
    "campaign",
    "is_winner",
    "metadata",
)
_PUBLICATION_VALUES: dict[str, Callable[[Item], Any]] = {
    "voucher_code": lambda item: item.get("code"),
    "customer_id": lambda item: item.get("customerId"),
    "customer_source_id": lambda item: item.get("customerSourceId"),
    "date": lambda item: item.get("createdAt"),
    "channel": lambda item: item.get("channel"),
    "campaign": lambda item: item.get("campaign"),
    "is_winner": lambda item: "false",
    "metadata": lambda item: metadata_cell(item.get("metadata") or None),
    # not exported fields, but orders (parameters.order): the publication's id, its tracking id
    "id": lambda item: item.get("id"),
    "tracking_id": lambda item: item.get("customerSourceId"),
}


def publication_row_maker(fields: Sequence[str]) -> Callable[[Item], list[Any]]:
    return row_maker(_PUBLICATION_VALUES, fields, own_metadata)
