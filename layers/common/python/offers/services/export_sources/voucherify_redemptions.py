"""Voucherify's ``exported_object: redemption``: the same ledger, read the same way, written
as the requested Voucherify fields (services/voucherify_fields.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from offers.models.exports import ExportFilter
from offers.services.export_sources.base import ExportSpec, Item
from offers.services.export_sources.metadata import MetadataColumns
from offers.services.export_sources.redemptions import RedemptionSource
from offers.services.voucherify_fields import redemption_row_maker
from offers.store.metadata_keys import REDEMPTION


class VoucherifyRedemptionSource(MetadataColumns, RedemptionSource):
    metadata_object = REDEMPTION

    def spec(self, filters: Sequence[ExportFilter]) -> ExportSpec:
        raise TypeError("the Voucherify dialect builds this source's spec itself")

    def row_maker(self, tenant_id: str, spec: ExportSpec) -> Callable[[Item], list[Any]]:
        return redemption_row_maker(tenant_id, spec.columns or ())
