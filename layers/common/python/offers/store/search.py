"""Reads for promotion search: key ranges of the five search indexes, code lookups, records.

Every read is a Query on a search index (partition = one tenant's enabled or disabled
promotions), a GetItem or a BatchGetItem on the tenant's own keys: never a Scan, never
another tenant's items. The indexes are eventually consistent (GSIs), so a promotion written
a moment ago may be missing from, or stale in, a search for a short while.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from offers.clock import format_timestamp, parse_timestamp
from offers.models.promotions import PromotionRecord
from offers.models.search import PromotionSummary, SortField
from offers.store import keys
from offers.store.promotions import from_item as promotion_from_item
from offers.store.table import Table

INDEX_BY_ORDER: dict[SortField, keys.SearchIndex] = {
    SortField.UPDATED_AT: keys.SEARCH_BY_UPDATED,
    SortField.NAME: keys.SEARCH_BY_NAME,
    SortField.START_AT: keys.SEARCH_BY_START,
    SortField.END_AT: keys.SEARCH_BY_END,
    SortField.LEVEL: keys.SEARCH_BY_LEVEL,
}

Bound = datetime | int | None


class IndexRange(NamedTuple):
    """One key range of one search index, in one of a tenant's two partitions.

    ``index`` names the index by the field it orders by. ``lower`` (inclusive) and ``upper``
    (exclusive) bound that field (times or levels); ``equal`` instead asks for one exact value
    (a name, compared in its search form). No bound at all means the whole partition.
    """

    index: SortField
    enabled: bool
    lower: Bound = None
    upper: Bound = None
    equal: str | None = None


def _stored(value: Bound) -> Any:
    return format_timestamp(value) if isinstance(value, datetime) else value


def _key_condition(index: keys.SearchIndex, key_range: IndexRange) -> tuple[str | None, dict[str, Any]]:
    if key_range.equal is not None:
        return "begins_with(#sk, :prefix)", {":prefix": index.prefix(key_range.equal)}
    lower = None if key_range.lower is None else index.value(_stored(key_range.lower))
    upper = None if key_range.upper is None else index.value(_stored(key_range.upper))
    if lower is not None and upper is not None:
        # BETWEEN is inclusive, but no key equals a bare value (every key ends in #<id>),
        # so this is lower <= key < upper.
        return "#sk BETWEEN :lower AND :upper", {":lower": lower, ":upper": upper}
    if lower is not None:
        return "#sk >= :lower", {":lower": lower}
    if upper is not None:
        return "#sk < :upper", {":upper": upper}
    return None, {}


def summary(item: Mapping[str, Any], order: SortField) -> PromotionSummary:
    """An index entry (or a full record, which holds the same fields) as a summary."""
    end_at = item.get("endAt")
    return PromotionSummary(
        id=item["id"],
        promo_id=int(item["promoId"]),
        name=item["name"],
        type=item["type"],
        start_at=parse_timestamp(item["startAt"]),
        end_at=parse_timestamp(end_at) if end_at else None,
        updated_at=parse_timestamp(item["updatedAt"]),
        level=int(item.get("level", 1)),
        stacking_type=item.get("stackingType", "STACKABLE"),
        is_implicit=bool(item.get("isImplicit", True)),
        is_exclusive=bool(item.get("isExclusive", False)),
        is_enabled=bool(item.get("isEnabled", True)),
        eligible_price_lists=tuple(int(p) for p in item.get("eligiblePriceLists") or ()),
        code_count=int(item.get("codeCount", 0)),
        order_key=INDEX_BY_ORDER[order].sort_key(item),
    )


class SearchStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    @staticmethod
    def _index_query(tenant_id: str, index: keys.SearchIndex, enabled: bool) -> dict[str, Any]:
        return {
            "partition": keys.search_partition(tenant_id, enabled=enabled),
            "index": index.name,
            "partition_attribute": keys.SEARCH_PARTITION,
        }

    def read_range(self, tenant_id: str, key_range: IndexRange, order: SortField) -> list[PromotionSummary]:
        """Every entry in the range (all pages)."""
        index = INDEX_BY_ORDER[key_range.index]
        condition, values = _key_condition(index, key_range)
        items = self.table.query_all(
            **self._index_query(tenant_id, index, key_range.enabled),
            sort_condition=condition,
            names={"#sk": index.sort_attribute} if condition else None,
            values=values,
        )
        return [summary(item, order) for item in items]

    def read_first(
        self, tenant_id: str, order: SortField, *, enabled: bool, count: int, descending: bool
    ) -> list[PromotionSummary]:
        """The first ``count`` entries of a partition in the index of ``order``."""
        query = self._index_query(tenant_id, INDEX_BY_ORDER[order], enabled)
        found: list[PromotionSummary] = []
        start_key = None
        while len(found) < count:
            page = self.table.query(
                **query, limit=count - len(found), forward=not descending, start_key=start_key
            )
            found.extend(summary(item, order) for item in page.items)
            if page.last_key is None:
                break
            start_key = page.last_key
        return found

    def by_ids(
        self, tenant_id: str, promotion_ids: Iterable[str], order: SortField
    ) -> list[tuple[PromotionSummary, PromotionRecord]]:
        """Promotions by id (BatchGetItem of the full records); ids that do not exist are left out."""
        wanted = sorted(set(promotion_ids))
        items = self.table.batch_get([keys.promotion_key(tenant_id, pid) for pid in wanted]) if wanted else []
        return [(summary(item, order), promotion_from_item(item)) for item in items]

    def code_owners(self, tenant_id: str, codes: Iterable[str]) -> set[str]:
        """Ids of the coupons that own these codes (codes that do not exist own nothing)."""
        wanted = sorted(set(codes))
        if len(wanted) == 1:
            item = self.table.get(keys.code_key(tenant_id, wanted[0]))
            items = [item] if item else []
        else:
            items = self.table.batch_get([keys.code_key(tenant_id, code) for code in wanted])
        return {item["promotionId"] for item in items if item.get("promotionId")}
