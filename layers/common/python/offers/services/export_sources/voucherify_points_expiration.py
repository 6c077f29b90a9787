"""Voucherify's ``exported_object: points_expiration``: loyalty points buckets (store/cards.py),
active and expired, in expiry order:

- one card (``equal.code``): its partition's active (``PB#``) and expired (``PX#``) buckets,
  each already sorted by expiry, merged, then the spec's checks applied as on any read;
- one campaign (``equal.campaignId``): the campaign's bucket shards of GSI1, merged by expiry;
- else the tenant's bucket shards of GSI2, merged by expiry.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any

from offers.services.export_sources.base import (
    ExportSpec,
    Item,
    Segment,
)
from offers.services.export_sources.voucherify_transactions import TABLE, CardLedgerSource
from offers.services.voucherify_fields.card_ledger import (
    POINTS_EXPIRATION_DEFAULT_FIELDS,
    points_expiration_row_maker,
)
from offers.store import keys
from offers.store.table import Table


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

    def rows(self, tenant_id: str, spec: ExportSpec, segment: Segment) -> Iterator[list[Any]]:
        """One card's active (``PB#``) and expired (``PX#``) buckets, each sorted by expiry, merged."""
        if segment.index != TABLE:
            return super().rows(tenant_id, spec, segment)
        (partition,) = segment.partitions
        if partition != keys.card_partition(tenant_id, spec.equal["code"]):
            raise ValueError("segment outside the card")  # plans are built per tenant; never trust one
        where = self.filters(spec, "code")
        streams = [
            _buckets(partition, prefix, where, descending=segment.descending)
            for prefix in (keys.POINTS_BUCKET_SK_PREFIX, keys.EXPIRED_BUCKET_SK_PREFIX)
        ]
        ordered = heapq.merge(*streams, key=itemgetter("expiresAt", "id"), reverse=segment.descending)
        return map(self.row_maker(tenant_id, spec), self.checked(tenant_id, spec, ordered))


def _buckets(
    partition: str,
    prefix: str,
    where: tuple[str | None, dict[str, str], dict[str, Any]],
    *,
    descending: bool,
) -> Iterator[Item]:
    expression, names, values = where
    table, start_key = Table(), None
    while True:
        page = table.query(
            partition,
            sort_condition="begins_with(#sk, :prefix)",
            names=names,
            values={":prefix": prefix, **values},
            filter_expression=expression,
            start_key=start_key,
            forward=not descending,
        )
        yield from page.items
        if page.last_key is None:
            return
        start_key = page.last_key
