"""Voucherify's ``exported_object: voucher``: every coupon code of the tenant.

Codes are read from the tenant-wide code index (write-sharded, sorted by creation), or from
one coupon's, one customer's or one code's partition when the filters name one. Each code's
coupon is read once per segment (GetItem, cached), for its campaign fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from offers.services.export_sources.base import DialectSpecSource, ExportSpec, IndexChoice, Item
from offers.services.export_sources.checks import Resolve, stored_value
from offers.services.export_sources.metadata import MetadataColumns
from offers.services.voucherify_fields import VOUCHER_DEFAULT_FIELDS, metadata_of, voucher_row_maker
from offers.settings import get_settings
from offers.store import keys
from offers.store.metadata_keys import VOUCHER
from offers.store.table import Table


class VoucherifyVoucherSource(MetadataColumns, DialectSpecSource):
    metadata_object = VOUCHER
    columns = VOUCHER_DEFAULT_FIELDS
    time_attribute = "createdAt"

    def read_plan(self, tenant_id: str, spec: ExportSpec) -> IndexChoice:
        coupon_id, user_id, code = (spec.equal.get(a) for a in ("promotionId", "userId", "code"))
        if coupon_id:
            return keys.GSI1, [keys.coupon_codes_partition(tenant_id, coupon_id)], "promotionId"
        if user_id:
            return keys.GSI2, [keys.user_codes_partition(tenant_id, user_id)], "userId"
        shards = get_settings().code_shards
        if code:  # the one shard that can hold it; the code itself is still filtered
            return keys.GSI3, [keys.tenant_codes_partition(tenant_id, keys.code_shard(code, shards))], None
        return keys.GSI3, [keys.tenant_codes_partition(tenant_id, s) for s in range(shards)], None

    def row_maker(self, tenant_id: str, spec: ExportSpec) -> Callable[[Item], list[Any]]:
        return voucher_row_maker(tenant_id, spec.columns or self.columns, _coupons(tenant_id))

    def resolver(self, tenant_id: str) -> Resolve:
        """A voucher's metadata is its coupon's (``coupon`` paths); the rest is the code's own."""
        coupon_of = _coupons(tenant_id)

        def resolve(item: Item, path: Sequence[str]) -> Any:
            if path[0] != "coupon":
                return stored_value(item, path)
            return metadata_of(coupon_of(item.get("promotionId", ""))).get(path[1])

        return resolve


def _coupons(tenant_id: str) -> Callable[[str], Item]:
    """coupon id -> the coupon item, read once (GetItem) per segment."""
    table, coupons = Table(), {}

    def coupon_of(coupon_id: str) -> Item:
        if coupon_id not in coupons:
            coupons[coupon_id] = table.get(keys.promotion_key(tenant_id, coupon_id)) or {}
        return coupons[coupon_id]

    return coupon_of
