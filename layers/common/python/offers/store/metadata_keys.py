"""The metadata keys each exported object has ever stored, per tenant (Voucherify dialect).

Every write that stores metadata also ADDs its keys to a string set, in the same transaction
where the write is one (redemptions, publications, coupon and card creation); a single-item write
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


# Keys this process knows are in a tenant's set (it added them; keys are never removed): a
# write whose keys are all known adds no operation, so a hot tenant's redemptions touch the key
# set only when a key is new to the process. Bounded; forgetting only costs a redundant ADD.
_KNOWN: dict[tuple[str, str], set[str]] = {}
_KNOWN_TENANTS = 1_000


def _known(tenant_id: str, exported_object: str) -> set[str]:
    return _KNOWN.get((tenant_id, exported_object), set())


def forget_known_keys() -> None:
    """For a fresh backing store (tests): what this process knew of the old one no longer holds."""
    _KNOWN.clear()


class MetadataKeyStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    @staticmethod
    def remember(tenant_id: str, exported_object: str, names: Iterable[str]) -> None:
        """Call once the write that added ``names`` succeeded."""
        if len(_KNOWN) >= _KNOWN_TENANTS:
            _KNOWN.clear()
        _KNOWN.setdefault((tenant_id, exported_object), set()).update(names)

    def add_ops(
        self, tenant_id: str, exported_object: str, names: Iterable[str], seed: str
    ) -> list[dict[str, Any]]:
        """For the caller's transaction: ADD ``names`` to the shard ``seed`` picks (the
        written item's id, so concurrent writers spread over the shards); none if no names."""
        found = {name for name in names if name} - _known(tenant_id, exported_object)  # none empty in a set
        if not found:
            return []
        key = keys.metadata_keys_key(tenant_id, exported_object, keys.metadata_keys_shard(seed))
        return [
            self.table.update_op(
                key, "ADD #keys :names", names={"#keys": ATTRIBUTE}, values={":names": found}
            )
        ]

    def add(self, tenant_id: str, exported_object: str, names: Iterable[str], seed: str) -> None:
        found = {name for name in names if name} - _known(tenant_id, exported_object)
        if found:
            key = keys.metadata_keys_key(tenant_id, exported_object, keys.metadata_keys_shard(seed))
            self.table.update(
                key,
                "ADD #keys :names",
                names={"#keys": ATTRIBUTE},
                values={":names": found},
                return_values="NONE",
            )
            self.remember(tenant_id, exported_object, found)

    def found(self, tenant_id: str, exported_object: str) -> list[str]:
        """Every key stored for ``exported_object``, sorted: one BatchGet over the shards."""
        wanted = [
            keys.metadata_keys_key(tenant_id, exported_object, s) for s in range(keys.METADATA_KEY_SHARDS)
        ]
        names: set[str] = set()
        for item in self.table.batch_get(wanted, consistent=True):
            names |= set(item.get(ATTRIBUTE) or ())
        return sorted(names)
