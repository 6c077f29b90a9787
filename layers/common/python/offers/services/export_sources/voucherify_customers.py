"""Voucherify's ``exported_object: customer``: every customer of the tenant, from the
customers' sharded creation index; totals are the ones the redemptions kept, not counted here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offers.services.export_sources.base import DialectSpecSource, ExportSpec, IndexChoice, Item
from offers.services.export_sources.metadata import MetadataColumns
from offers.services.voucherify_fields import CUSTOMER_DEFAULT_FIELDS, customer_row_maker
from offers.store import keys
from offers.store.metadata_keys import CUSTOMER


class VoucherifyCustomerSource(MetadataColumns, DialectSpecSource):
    metadata_object = CUSTOMER
    columns = CUSTOMER_DEFAULT_FIELDS
    time_attribute = "createdAt"

    def read_plan(self, tenant_id: str, spec: ExportSpec) -> IndexChoice:
        partitions = [keys.customers_partition(tenant_id, s) for s in range(keys.CUSTOMER_SHARDS)]
        return keys.GSI1, partitions, None

    def row_maker(self, tenant_id: str, spec: ExportSpec) -> Callable[[Item], list[Any]]:
        return customer_row_maker(spec.columns or self.columns)
