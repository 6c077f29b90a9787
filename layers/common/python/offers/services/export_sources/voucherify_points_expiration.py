"""Voucherify's ``exported_object: points_expiration``: loyalty points buckets (store/cards.py),
active and expired, in expiry order:

- one card (``equal.code``): its partition's active (``PB#``) and expired (``PX#``) buckets,
  each already sorted by expiry, merged;
- one campaign (``equal.campaignId``): the campaign's bucket shards of GSI1, merged by expiry;
- else the tenant's bucket shards of GSI2, merged by expiry.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from typing import Any

from offers.services.export_sources.base import (
    ExportSpec,
    Item,
    Segment,
)
from offers.services.export_sources.voucherify_transactions import (
    TABLE,
    CardLedgerSource,
    card_filters,
    partition_items,
)
from offers.services.voucherify_fields.card_ledger import (
    POINTS_EXPIRATION_DEFAULT_FIELDS,
    points_expiration_row_maker,
)
from offers.store import keys


class VoucherifyPointsExpirationSource(CardLedgerSource):
    columns = POINTS_EXPIRATION_DEFAULT_FIELDS
    time_attribute = "expiresAt"
    campaign_partition = staticmethod(keys.campaign_buckets_partition)
    tenant_partition = staticmethod(keys.tenant_buckets_partition)

    def row_maker(self, tenant_id: str, spec: ExportSpec) -> Callable[[Item], list[Any]]:
        return points_expiration_row_maker(spec.columns or self.columns)

    def card_plan(self, tenant_id: str, spec: ExportSpec) -> list[Segment]:
        # A card holds a bucket per expiring addition at most: one segment reads them all.
        segment = Segment(
            id="w00000",
            index=TABLE,
            partition_attribute=keys.PK,
            sort_attribute=keys.SK,
            partitions=(keys.card_partition(tenant_id, spec.equal["code"]),),
            lower=None,
            upper=None,
            descending=spec.descending,
        )
        return [segment]

    def card_items(self, partition: str, spec: ExportSpec, segment: Segment) -> Iterator[Item]:
        """Active (``PB#``) and expired (``PX#``) buckets, each sorted by expiry, merged."""
        where = card_filters(self, spec)
        streams = [
            partition_items(
                partition,
                "begins_with(#sk, :prefix)",
                {":prefix": prefix},
                where,
                descending=segment.descending,
            )
            for prefix in (keys.POINTS_BUCKET_SK_PREFIX, keys.EXPIRED_BUCKET_SK_PREFIX)
        ]
        return heapq.merge(
            *streams, key=lambda item: (item["expiresAt"], item["id"]), reverse=segment.descending
        )
