"""Publications (Voucherify dialect): one item per assignment of a code to a customer, written
in the assignment's own transaction, listed newest first from one index partition: the
tenant's, or one code's, customer's, campaign's or source_id's when a filter names it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

from offers.store import keys
from offers.store.table import Table

ENTITY = "PUBLICATION"
COUNTER = "publications"
# exact-value filters (stored attribute) with a partition of their own, most selective first
_SELECTIVE = (
    ("code", keys.GSI2, keys.publication_code_partition),
    ("sourceId", keys.GSI5, keys.publication_source_partition),
    ("customerId", keys.GSI3, keys.publication_customer_partition),
    ("campaignId", keys.GSI4, keys.publication_campaign_partition),
)


def publication_index(
    tenant_id: str, equal: Mapping[str, str | None]
) -> tuple[tuple[str, str, str], str, str | None]:
    """(index, partition, the attribute it applies) serving publications with these values."""
    for attribute, index, partition in _SELECTIVE:
        value = equal.get(attribute)
        if value:
            return index, partition(tenant_id, value), attribute
    return keys.GSI1, keys.publications_partition(tenant_id), None


class PublicationStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def put_ops(self, tenant_id: str, publication: dict[str, Any]) -> list[dict[str, Any]]:
        """The publication (never overwritten) and the tenant's count, for one transaction."""
        index = keys.publication_index_attributes(
            tenant_id,
            publication["id"],
            publication["createdAt"],
            code=publication.get("code"),
            customer_id=publication.get("customerId"),
            campaign_id=publication.get("campaignId"),
            source_id=publication.get("sourceId"),
        )
        item = {
            **keys.publication_key(tenant_id, publication["id"]),
            "entity": ENTITY,
            **index,
            **publication,
        }
        return [
            self.table.put_op(item, condition="attribute_not_exists(pk)"),
            self.table.update_op(
                keys.tenant_stats_key(tenant_id),
                "ADD #count :one",
                names={"#count": COUNTER},
                values={":one": 1},
            ),
        ]

    def matching(
        self, tenant_id: str, equal: Mapping[str, str | None], *, oldest_first: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Publications with these exact values (stored attribute -> value, None: any), newest
        first: one Query loop over the most selective partition, the rest as a filter."""
        (name, partition_attribute, _), partition, applied = publication_index(tenant_id, equal)
        clauses, names, values = [], {}, {}
        for i, (attribute, value) in enumerate(equal.items()):
            if value and attribute != applied:
                names[f"#f{i}"], values[f":f{i}"] = attribute, value
                clauses.append(f"#f{i} = :f{i}")
        return self.table.query_all(
            partition,
            index=name,
            partition_attribute=partition_attribute,
            filter_expression=" AND ".join(clauses) or None,
            names=names or None,
            values=values or None,
            forward=oldest_first,
        )

    def newest(self, tenant_id: str, limit: int, *, oldest_first: bool = False) -> list[dict[str, Any]]:
        return list(islice(self.matching(tenant_id, {}, oldest_first=oldest_first), limit))

    def count(self, tenant_id: str) -> int:
        return int((self.table.get(keys.tenant_stats_key(tenant_id)) or {}).get(COUNTER, 0))
