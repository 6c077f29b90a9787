"""Voucherify's ``exported_object: voucher_transactions``: gift card and loyalty card ledger
entries (store/cards.py), read where they are kept:

- one card (``equal.code``): that card's own partition, ``TX#<version>`` items in ledger order;
  segments are ranges of versions up to the version the card had when the export was planned,
  so the file is the ledger as of that moment, however many rows it has;
- one campaign (``equal.campaignId``): the campaign's write shards of GSI1, merged by time;
- else the tenant's shards of GSI2, merged by time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from offers.services.export_sources.base import (
    DialectSpecSource,
    ExportSpec,
    IndexChoice,
    Item,
    Segment,
    group,
)
from offers.services.voucherify_fields.card_ledger import (
    VOUCHER_TRANSACTION_DEFAULT_FIELDS,
    voucher_transaction_row_maker,
)
from offers.settings import get_settings
from offers.store import keys
from offers.store.table import Table

TABLE = ""  # a segment over the table itself (one card's partition), not an index


class CardLedgerSource(DialectSpecSource):
    """A source over the cards' partitions: one card's own partition (``equal.code``), one
    campaign's shards of GSI1 (``equal.campaignId``), or the tenant's shards of GSI2. A subclass
    names the index partitions and plans one card's export itself."""

    campaign_partition: Callable[[str, str, int], str]  # (tenant, campaign, shard) -> GSI1 partition
    tenant_partition: Callable[[str, int], str]  # (tenant, shard) -> GSI2 partition

    def read_plan(self, tenant_id: str, spec: ExportSpec) -> IndexChoice:
        code, campaign_id = spec.equal.get("code"), spec.equal.get("campaignId")
        if code:
            return (TABLE, keys.PK, keys.SK), [keys.card_partition(tenant_id, code)], "code"
        if campaign_id:
            shards = range(keys.CARD_SHARDS)
            return (
                keys.GSI1,
                [type(self).campaign_partition(tenant_id, campaign_id, s) for s in shards],
                "campaignId",
            )
        return keys.GSI2, [type(self).tenant_partition(tenant_id, s) for s in range(keys.CARD_SHARDS)], None

    def plan(self, tenant_id: str, spec: ExportSpec, now: datetime) -> list[Segment]:
        if not spec.equal.get("code"):
            return super().plan(tenant_id, spec, now)
        return self.card_plan(tenant_id, spec)

    def filters(
        self, spec: ExportSpec, applied: str | None
    ) -> tuple[str | None, dict[str, str], dict[str, Any]]:
        """On one card's partition (``applied`` is its code) the sort key is not the time: the
        time window is filtered there too."""
        expression, names, values = super().filters(spec, applied)
        if applied != "code":
            return expression, names, values
        low, high = spec.window(self.time_attribute)
        clauses = [expression] if expression else []
        if low:
            names["#t"], values[":tl"] = self.time_attribute, low
            clauses.append("#t >= :tl")
        if high:
            names["#t"], values[":th"] = self.time_attribute, high
            clauses.append("#t < :th")
        if len(clauses) > 1:
            return " AND ".join(map(group, clauses)), names, values
        return (clauses[0] if clauses else None), names, values

    def card_plan(self, tenant_id: str, spec: ExportSpec) -> list[Segment]:
        raise NotImplementedError


class VoucherifyTransactionSource(CardLedgerSource):
    columns = VOUCHER_TRANSACTION_DEFAULT_FIELDS
    time_attribute = "createdAt"
    campaign_partition = staticmethod(keys.campaign_transactions_partition)
    tenant_partition = staticmethod(keys.tenant_transactions_partition)

    def row_maker(self, tenant_id: str, spec: ExportSpec) -> Callable[[Item], list[Any]]:
        return voucher_transaction_row_maker(spec.columns or self.columns)

    def card_plan(self, tenant_id: str, spec: ExportSpec) -> list[Segment]:
        return card_segments(tenant_id, spec)


def card_segments(tenant_id: str, spec: ExportSpec) -> list[Segment]:
    """Ranges of one card's ledger versions, of about EXPORT_SEGMENT_ROWS each, up to the card's
    version now; newest range first when the spec says so. Both ends are ledger sort keys, read
    inclusively (the engine's BETWEEN): no two ranges share a version."""
    code = spec.equal["code"]
    card = Table().get(keys.card_key(tenant_id, code), consistent=True)
    last = int((card or {}).get("version") or 0)
    if last == 0:
        return []
    settings = get_settings()
    count = min(settings.export_max_segments, max(1, math.ceil(last / settings.export_segment_rows)))
    step = math.ceil(last / count)
    ranges = [(first, min(first + step - 1, last)) for first in range(1, last + 1, step)]
    if spec.descending:
        ranges.reverse()
    return [
        Segment(
            id=f"w{n:05d}",
            index=TABLE,
            partition_attribute=keys.PK,
            sort_attribute=keys.SK,
            partitions=(keys.card_partition(tenant_id, code),),
            lower=keys.card_transaction_sort(first),
            upper=keys.card_transaction_sort(final),
            descending=spec.descending,
        )
        for n, (first, final) in enumerate(ranges)
    ]
