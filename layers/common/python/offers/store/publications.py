"""Publications (Voucherify dialect): one item per assignment of a code to a customer, written
in the assignment's own transaction, listed newest first from one index partition."""

from __future__ import annotations

from itertools import islice
from typing import Any

from offers.store import keys
from offers.store.table import Table

ENTITY = "PUBLICATION"
COUNTER = "publications"


class PublicationStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def put_ops(self, tenant_id: str, publication: dict[str, Any]) -> list[dict[str, Any]]:
        """The publication (never overwritten) and the tenant's count, for one transaction."""
        index = keys.publication_index_attributes(tenant_id, publication["id"], publication["createdAt"])
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

    def newest(self, tenant_id: str, limit: int, *, oldest_first: bool = False) -> list[dict[str, Any]]:
        items = self.table.query_all(
            keys.publications_partition(tenant_id),
            index=keys.GSI1[0],
            partition_attribute=keys.GSI1[1],
            forward=oldest_first,
        )
        return list(islice(items, limit))

    def count(self, tenant_id: str) -> int:
        return int((self.table.get(keys.tenant_stats_key(tenant_id)) or {}).get(COUNTER, 0))
