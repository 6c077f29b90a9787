"""The reads the price engine makes before it evaluates: at most three round trips.

1. one BatchGet: the price list(s), the default-list pointer, the items' prices and the
   coupon codes given, whichever the request needs (up to 100 keys);
2. one more BatchGet only for cart items priced in the default list, whose keys depend on it;
3. one Query (GSI6) for the tenant's promotions that have not ended by the moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from offers.clock import format_timestamp
from offers.models.promotions import PromotionRecord
from offers.store import keys
from offers.store.table import Table


class PricingReads:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()
        self.round_trips = 0  # for bench/pricing.py and tests

    def batch_get(self, wanted: Sequence[keys.Key]) -> dict[tuple[str, str], dict[str, Any]]:
        """Items by (pk, sk); one BatchGet per 100 keys."""
        if not wanted:
            return {}
        unique = list({(k[keys.PK], k[keys.SK]): k for k in wanted}.values())
        self.round_trips += (len(unique) + 99) // 100
        return {(item[keys.PK], item[keys.SK]): item for item in self.table.batch_get(unique)}

    def live_promotions(self, tenant_id: str, at: datetime) -> list[PromotionRecord]:
        """Enabled promotions that have started and not ended at ``at`` (coupons included)."""
        stamp = format_timestamp(at)
        name, partition_attribute, sort_attribute = keys.GSI6
        records, start_key = [], None
        while True:
            self.round_trips += 1
            page = self.table.query(
                keys.pricing_promotions_partition(tenant_id),
                index=name,
                partition_attribute=partition_attribute,
                sort_condition="#sk > :at",  # ends after the moment (the id follows the end)
                names={"#sk": sort_attribute},
                values={":at": f"{stamp}#\uffff", ":yes": True, ":now": stamp},
                filter_expression="isEnabled = :yes AND startAt <= :now",
                start_key=start_key,
            )
            records.extend(PromotionRecord.model_validate(item) for item in page.items)
            if page.last_key is None:
                return records
            start_key = page.last_key
