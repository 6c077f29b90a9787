"""Gift cards, loyalty cards, their ledger and their points buckets in DynamoDB.

The ledger is the truth. A card's partition holds the card (``balance``, ``total``,
``version``), one transaction item per change (sort key = the version it moved the card to),
its active points buckets and the source_id markers of its manual changes. Every change is ONE
TransactWriteItems: Update the card (new balance, ``version + 1``) under the condition that its
version is still the one read, Put the transaction (``attribute_not_exists``), Put the
source_id marker if any (``attribute_not_exists``: a repeat changes nothing), and the buckets'
and the caller's own operations (a redemption, a customer's totals). A spend that raced another
one fails on the version; the failure returns the card as it now is, so the service re-plans
from that without reading again. A balance can't go below zero because the new balance is
computed from exactly the version the condition pins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from offers.store import keys
from offers.store.metadata_keys import VOUCHER, MetadataKeyStore
from offers.store.points_buckets import PointsBucketStore
from offers.store.table import ConditionFailed, Page, Table, TransactionCancelled

CARD_ENTITY = "CARD"
TRANSACTION_ENTITY = "CARD_TRANSACTION"
SOURCE_ENTITY = "CARD_SOURCE"


class CardExists(Exception):
    pass


class CardChanged(Exception):
    """The card's version moved on since it was read; ``card`` is the card as it is now."""

    def __init__(self, card: dict[str, Any] | None):
        super().__init__("card changed")
        self.card = card


class SourceAlreadyUsed(Exception):
    """This source_id already changed this card; ``marker`` names the first change's transaction."""

    def __init__(self, marker: dict[str, Any]):
        super().__init__("source_id already used")
        self.marker = marker


@dataclass
class CardState:
    """A card and its active points buckets (oldest-expiring first), as of one read."""

    card: dict[str, Any]
    buckets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def version(self) -> int:
        return int(self.card.get("version", 0))


def transaction_item(tenant_id: str, transaction: dict[str, Any]) -> dict[str, Any]:
    """A ledger entry as stored: the fields plus its keys and index attributes."""
    code, version = transaction["code"], int(transaction["version"])
    index = keys.card_transaction_index_attributes(
        tenant_id,
        code=code,
        campaign_id=transaction.get("campaignId"),
        created_at=transaction["createdAt"],
        version=version,
    )
    return {
        **keys.card_transaction_key(tenant_id, code, version),
        "entity": TRANSACTION_ENTITY,
        **index,
        **transaction,
    }


class CardStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    # -- campaigns (reads; writes: store/card_campaigns.py) ---------------------------------------

    def get_campaign(self, tenant_id: str, campaign_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.card_campaign_key(tenant_id, campaign_id), consistent=True)

    def campaign_id_by_name(self, tenant_id: str, name: str) -> str | None:
        pointer = self.table.get(keys.card_campaign_name_key(tenant_id, name), consistent=True)
        return pointer["campaignId"] if pointer else None

    # -- cards ------------------------------------------------------------------------------------

    def create_ops(
        self,
        tenant_id: str,
        card: dict[str, Any],
        transaction: dict[str, Any] | None,
        buckets: Sequence[dict[str, Any]] = (),
    ) -> list[dict[str, Any]]:
        """A new card (never overwriting one) with its opening transaction and buckets."""
        index = keys.card_index_attributes(
            tenant_id, code=card["code"], campaign_id=card.get("campaignId"), created_at=card["createdAt"]
        )
        operations = [
            self.table.put_op(
                {**keys.card_key(tenant_id, card["code"]), "entity": CARD_ENTITY, **index, **card},
                condition="attribute_not_exists(pk)",
            )
        ]
        pointer = {**keys.card_id_key(tenant_id, card["id"]), "entity": "CARD_ID", "code": card["code"]}
        operations.append(self.table.put_op(pointer))
        if transaction is not None:
            operations.append(self.table.put_op(transaction_item(tenant_id, transaction)))
        for bucket in buckets:
            operations.append(PointsBucketStore(self.table).put_op(tenant_id, bucket))
        return operations

    def create(
        self,
        tenant_id: str,
        card: dict[str, Any],
        transaction: dict[str, Any] | None,
        buckets: Sequence[dict[str, Any]] = (),
    ) -> None:
        """One card, its metadata's keys ADDed to the tenant's ``voucher`` key set in the same
        transaction (the voucher export's metadata columns). Cards a program generates carry no
        metadata of their own: their batches need no key-set operations."""
        names = list(card.get("metadata") or {})
        metadata_keys = MetadataKeyStore(self.table)
        operations = self.create_ops(tenant_id, card, transaction, buckets)
        operations += metadata_keys.add_ops(tenant_id, VOUCHER, names, card["id"])
        try:
            self.table.transact_write(operations)
        except TransactionCancelled as error:
            if error.failed(0):
                raise CardExists(card["code"]) from error
            raise
        metadata_keys.remember(tenant_id, VOUCHER, names)

    def code_of_id(self, tenant_id: str, voucher_id: str) -> str | None:
        """The code of the card whose ``v_`` id this is, or None."""
        pointer = self.table.get(keys.card_id_key(tenant_id, voucher_id), consistent=True)
        return pointer["code"] if pointer else None

    def get_card(self, tenant_id: str, code: str) -> dict[str, Any] | None:
        return self.table.get(keys.card_key(tenant_id, code), consistent=True)

    def read_state(self, tenant_id: str, code: str) -> CardState | None:
        """The card and its active buckets: ONE strongly consistent Query of its partition."""
        items = list(
            self.table.query_all(
                keys.card_partition(tenant_id, code),
                sort_condition="#sk BETWEEN :card AND :end",
                values={":card": keys.CARD_SK, ":end": keys.CARD_AND_BUCKETS_END},
                consistent=True,
            )
        )
        card = next((item for item in items if item[keys.SK] == keys.CARD_SK), None)
        if card is None:
            return None
        buckets = [item for item in items if item[keys.SK].startswith(keys.POINTS_BUCKET_SK_PREFIX)]
        return CardState(card, buckets)

    # -- the ledger -------------------------------------------------------------------------------

    def write_change(
        self,
        tenant_id: str,
        state: CardState,
        transaction: dict[str, Any],
        *,
        card_fields: dict[str, Any],
        bucket_operations: Sequence[dict[str, Any]] = (),
        source_id: str | None = None,
        extra_operations: Sequence[dict[str, Any]] = (),
    ) -> None:
        """One change, atomically: the card (its new ``balance``/``total``/... in ``card_fields``,
        version + 1, only if still at the version read), the transaction, the source marker, the
        buckets' changes and the caller's operations. ``CardChanged`` / ``SourceAlreadyUsed`` say
        why it was refused; nothing was written then."""
        code = state.card["code"]
        names = {"#version": "version"}
        values: dict[str, Any] = {":seen": state.version, ":next": state.version + 1}
        clauses = ["#version = :next"]
        for i, (name, value) in enumerate(card_fields.items()):
            names[f"#c{i}"], values[f":c{i}"] = name, value
            clauses.append(f"#c{i} = :c{i}")
        operations = [
            self.table.update_op(
                keys.card_key(tenant_id, code),
                "SET " + ", ".join(clauses),
                condition="#version = :seen",
                names=names,
                values=values,
            ),
            self.table.put_op(transaction_item(tenant_id, transaction), condition="attribute_not_exists(pk)"),
        ]
        if source_id is not None:
            operations.append(
                self.table.put_op(
                    {
                        **keys.card_source_key(tenant_id, code, source_id),
                        "entity": SOURCE_ENTITY,
                        "sourceId": source_id,
                        "transactionVersion": transaction["version"],
                    },
                    condition="attribute_not_exists(pk)",
                )
            )
        operations.extend(bucket_operations)
        operations.extend(extra_operations)
        try:
            self.table.transact_write(operations)
        except TransactionCancelled as error:
            if error.failed(0):
                raise CardChanged(error.items[0]) from error
            if source_id is not None and error.failed(2):
                raise SourceAlreadyUsed(error.items[2] or {}) from error
            raise

    def source_marker(self, tenant_id: str, code: str, source_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.card_source_key(tenant_id, code, source_id), consistent=True)

    def get_transaction(self, tenant_id: str, code: str, version: int) -> dict[str, Any] | None:
        return self.table.get(keys.card_transaction_key(tenant_id, code, version), consistent=True)

    def transactions(
        self,
        tenant_id: str,
        code: str,
        *,
        limit: int,
        after_version: int | None = None,
        newest_first: bool = False,
    ) -> Page:
        """One card's transactions in created (= ledger) order, or newest first; from after
        ``after_version`` (exclusive) in that direction. Page.last_key set when more remain."""
        if after_version is None:
            condition = "begins_with(#sk, :prefix)"
            values: dict[str, Any] = {":prefix": keys.CARD_TRANSACTION_SK_PREFIX}
        elif newest_first:
            condition = "#sk BETWEEN :low AND :after"
            values = {
                ":low": keys.CARD_TRANSACTION_SK_PREFIX,
                ":after": keys.card_transaction_sort(after_version - 1),
            }
        else:
            condition = "#sk BETWEEN :after AND :high"
            values = {
                ":after": keys.card_transaction_sort(after_version + 1),
                ":high": keys.CARD_TRANSACTION_SK_PREFIX + "~",
            }
        return self.table.query_page(
            keys.card_partition(tenant_id, code),
            size=limit,
            sort_condition=condition,
            values=values,
            forward=not newest_first,
            consistent=True,
        )

    def transactions_of_card(
        self, tenant_id: str, code: str, *, start_key: keys.Key | None = None, limit: int = 1000
    ) -> Page:
        """A page of one card's ledger in created order (for exports: pass ``last_key`` on)."""
        return self.table.query(
            keys.card_partition(tenant_id, code),
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.CARD_TRANSACTION_SK_PREFIX},
            start_key=start_key,
            limit=limit,
        )

    def transactions_of_campaign_shard(
        self,
        tenant_id: str,
        campaign_id: str,
        shard: int,
        *,
        start_key: keys.Key | None = None,
        limit: int = 1000,
    ) -> Page:
        """A page of one of a campaign's CARD_SHARDS transaction partitions, in created order
        (merge the shards by ``gsi1sk`` for the campaign's order)."""
        return self.table.query(
            keys.campaign_transactions_partition(tenant_id, campaign_id, shard),
            index=keys.GSI1[0],
            partition_attribute=keys.GSI1[1],
            start_key=start_key,
            limit=limit,
        )

    def points_buckets_of_campaign_shard(
        self,
        tenant_id: str,
        campaign_id: str,
        shard: int,
        *,
        start_key: keys.Key | None = None,
        limit: int = 1000,
    ) -> Page:
        """A page of one of a campaign's bucket partitions (active and expired), by expiry."""
        return self.table.query(
            keys.campaign_buckets_partition(tenant_id, campaign_id, shard),
            index=keys.GSI1[0],
            partition_attribute=keys.GSI1[1],
            start_key=start_key,
            limit=limit,
        )

    def buckets_of_card(self, tenant_id: str, code: str) -> list[dict[str, Any]]:
        """A card's buckets, active ones first (by expiry), then expired ones (by expiry)."""
        partition = keys.card_partition(tenant_id, code)
        active = self.table.query_all(
            partition,
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.POINTS_BUCKET_SK_PREFIX},
        )
        expired = self.table.query_all(
            partition,
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.EXPIRED_BUCKET_SK_PREFIX},
        )
        return [*active, *expired]


__all__ = [
    "CardChanged",
    "CardExists",
    "CardState",
    "CardStore",
    "ConditionFailed",
    "SourceAlreadyUsed",
]
