"""The metadata keys each exported object has ever stored, per tenant (Voucherify dialect).

Every write that stores metadata also ADDs its keys to a string set, in the same transaction
where the write is one (redemptions, publications, coupon creation); a single-item write
(customer upsert, coupon PUT) adds them just before it, so the set is never missing a stored
key (at worst it names a key whose write then failed: an empty column). Keys are never
removed: a column once seen stays in later exports, empty where no row has it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from offers.store import keys
from offers.store.table import Table

ATTRIBUTE = "metadataKeys"
CUSTOMER, PUBLICATION, REDEMPTION, VOUCHER = "customer", "publication", "redemption", "voucher"


class MetadataKeyStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def add_ops(
        self, tenant_id: str, exported_object: str, names: Iterable[str], seed: str
    ) -> list[dict[str, Any]]:
        """For the caller's transaction: ADD ``names`` to the shard ``seed`` picks (the
        written item's id, so concurrent writers spread over the shards); none if no names."""
        found = {name for name in names if name}  # a set holds no empty string
        if not found:
            return []
        key = keys.metadata_keys_key(tenant_id, exported_object, keys.metadata_keys_shard(seed))
        return [
            self.table.update_op(
                key, "ADD #keys :names", names={"#keys": ATTRIBUTE}, values={":names": found}
            )
        ]

    def add(self, tenant_id: str, exported_object: str, names: Iterable[str], seed: str) -> None:
        found = {name for name in names if name}  # a set holds no empty string
        if found:
            key = keys.metadata_keys_key(tenant_id, exported_object, keys.metadata_keys_shard(seed))
            self.table.update(
                key,
                "ADD #keys :names",
                names={"#keys": ATTRIBUTE},
                values={":names": found},
                return_values="NONE",
            )

    def found(self, tenant_id: str, exported_object: str) -> list[str]:
        """Every key stored for ``exported_object``, sorted: one BatchGet over the shards."""
        wanted = [
            keys.metadata_keys_key(tenant_id, exported_object, s) for s in range(keys.METADATA_KEY_SHARDS)
        ]
        names: set[str] = set()
        for item in self.table.batch_get(wanted, consistent=True):
            names |= set(item.get(ATTRIBUTE) or ())
        return sorted(names)
