"""Price lists in DynamoDB: numeric ids per tenant, one default per tenant.

The default is a pointer item (``DEFAULT``) next to the lists. Making a list default writes
the list, unsets the previous default and moves the pointer in one transaction, conditioned
on the pointer still naming the list it named when read: two concurrent switches can't both
win, so a tenant never has two defaults.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from offers.clock import format_timestamp
from offers.errors import Conflict, NotFound
from offers.models.prices import FIRST_PRICE_LIST_ID, PriceListRecord, PriceListSort
from offers.store import keys
from offers.store.table import Page, Table, TransactionCancelled

ENTITY = "PRICE_LIST"
_SWITCH_ATTEMPTS = 3


class PriceListNotFound(NotFound):
    code = "PRICE_LIST_NOT_FOUND"

    def __init__(self, price_list_id: int | None = None):
        super().__init__(
            "No price list found with this ID"
            if price_list_id is not None
            else "No price list given and the tenant has no default price list"
        )


def to_item(tenant_id: str, record: PriceListRecord) -> dict[str, Any]:
    body = record.model_dump(mode="json", by_alias=True)
    index = (
        {} if record.is_deleted else keys.price_list_index_attributes(tenant_id, record.id, body["updatedAt"])
    )
    return {**keys.price_list_key(tenant_id, record.id), "entity": ENTITY, **index, **body}


def from_item(item: dict[str, Any]) -> PriceListRecord:
    return PriceListRecord.model_validate(item)


class PriceListStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def next_id(self, tenant_id: str) -> int:
        item = self.table.update(
            keys.price_list_id_counter_key(tenant_id),
            "SET #n = if_not_exists(#n, :before_first) + :one",
            names={"#n": "value"},
            values={":before_first": FIRST_PRICE_LIST_ID - 1, ":one": 1},
            return_values="UPDATED_NEW",
        )
        return int(item["value"])

    def get(self, tenant_id: str, price_list_id: int, *, consistent: bool = False) -> PriceListRecord:
        item = self.table.get(keys.price_list_key(tenant_id, price_list_id), consistent=consistent)
        if item is None or item.get("isDeleted"):
            raise PriceListNotFound(price_list_id)
        return from_item(item)

    def get_many(self, tenant_id: str, price_list_ids: list[int]) -> dict[int, PriceListRecord]:
        items = self.table.batch_get([keys.price_list_key(tenant_id, i) for i in price_list_ids])
        return {item["id"]: from_item(item) for item in items if not item.get("isDeleted")}

    def default_id(self, tenant_id: str, *, consistent: bool = False) -> int | None:
        pointer = self.table.get(keys.default_price_list_key(tenant_id), consistent=consistent)
        return int(pointer["priceListId"]) if pointer else None

    def resolve(self, tenant_id: str, price_list_id: int | None) -> PriceListRecord:
        """The list asked for, or the tenant's default when none is named."""
        if price_list_id is None:
            price_list_id = self.default_id(tenant_id)
            if price_list_id is None:
                raise PriceListNotFound()
        return self.get(tenant_id, price_list_id)

    # -- writes ---------------------------------------------------------------------------------

    def save(self, tenant_id: str, record: PriceListRecord, *, create: bool) -> None:
        """Create or replace a list, moving the default pointer in the same transaction."""
        for _ in range(_SWITCH_ATTEMPTS):
            current_default = self.default_id(tenant_id, consistent=True)
            operations = [
                self.table.put_op(
                    to_item(tenant_id, record),
                    condition="attribute_not_exists(pk)"
                    if create
                    else "attribute_exists(pk) AND isDeleted = :no",
                    values={":no": False},
                )
            ]
            operations += self._default_operations(tenant_id, record, current_default)
            try:
                self.table.transact_write(operations)
                return
            except TransactionCancelled as error:
                if error.failed(0) and create:  # the id sequence is behind the stored lists
                    raise Conflict(
                        f"price list {record.id} exists already", code="PRICE_LIST_EXISTS"
                    ) from error
                if error.failed(0):
                    raise PriceListNotFound(record.id) from error
                # the default moved meanwhile: read it again and retry
        raise Conflict("the default price list is being changed concurrently; try again", code="CONFLICT")

    def _default_operations(
        self, tenant_id: str, record: PriceListRecord, current: int | None
    ) -> list[dict[str, Any]]:
        pointer = keys.default_price_list_key(tenant_id)
        guard = (
            {"condition": "attribute_not_exists(pk)"}
            if current is None
            else {"condition": "priceListId = :current", "values": {":current": current}}
        )
        if record.is_default and not record.is_deleted:
            if current == record.id:
                return []
            operations = [self.table.put_op({**pointer, "priceListId": record.id}, **guard)]
            if current is not None:
                operations.append(
                    self.table.update_op(
                        keys.price_list_key(tenant_id, current),
                        "SET isDefault = :no",
                        condition="attribute_exists(pk)",
                        values={":no": False},
                    )
                )
            return operations
        if current == record.id:  # this list stops being the default: the tenant has none
            return [self.table.delete_op(pointer, **guard)]
        return []

    def delete(self, tenant_id: str, price_list_id: int, now: datetime) -> PriceListRecord:
        """Soft delete (fabric answers the record with isDeleted: true); prices stay, unreachable."""
        record = self.get(tenant_id, price_list_id, consistent=True)
        deleted = record.model_copy(update={"is_deleted": True, "is_default": False, "updated_at": now})
        self.save(tenant_id, deleted, create=False)  # also clears the default pointer if it was this one
        return deleted

    # -- lists ----------------------------------------------------------------------------------

    def list_page(
        self,
        tenant_id: str,
        *,
        size: int,
        start_key: keys.Key | None,
        sort: PriceListSort,
        active_at: datetime | None,
        is_default: bool | None,
    ) -> Page:
        """A page of live lists in ``sort`` order, filtered; reads on until the page is full."""
        partition, query, key_attributes = _list_query(tenant_id, sort, active_at, is_default)
        items: list[dict[str, Any]] = []
        while True:
            page = self.table.query(partition, limit=size + 1, start_key=start_key, **query)
            for item in page.items:
                items.append(item)
                if len(items) > size:
                    last = items[size - 1]
                    return Page([from_item(i) for i in items[:size]], {k: last[k] for k in key_attributes})
            if page.last_key is None:
                return Page([from_item(i) for i in items], None)
            start_key = page.last_key

    def offset_page(
        self,
        tenant_id: str,
        *,
        offset: int,
        size: int,
        sort: PriceListSort,
        active_at: datetime | None,
        is_default: bool | None,
    ) -> tuple[list[PriceListRecord], int]:
        """Lists ``offset`` to ``offset + size`` in ``sort`` order, and how many match: every
        matching list is read to count them (a tenant's lists are few; callers cap the offset)."""
        partition, query, _ = _list_query(tenant_id, sort, active_at, is_default)
        matching = list(self.table.query_all(partition, **query))
        return [from_item(item) for item in matching[offset : offset + size]], len(matching)


def _list_query(
    tenant_id: str, sort: PriceListSort, active_at: datetime | None, is_default: bool | None
) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """The partition, Query parameters and key attributes that list live lists in ``sort`` order."""
    clauses, values = ["isDeleted = :no"], {":no": False}
    if active_at is not None:
        clauses.append("startAt <= :now AND endAt > :now")
        values[":now"] = format_timestamp(active_at)
    if is_default is not None:
        clauses.append("isDefault = :default")
        values[":default"] = is_default
    if sort in (PriceListSort.UPDATED_ASC, PriceListSort.UPDATED_DESC):
        partition = keys.price_list_updated_partition(tenant_id)
        where: dict[str, Any] = {"index": keys.GSI1[0], "partition_attribute": keys.GSI1[1]}
        key_attributes: tuple[str, ...] = (keys.PK, keys.SK, keys.GSI1[1], keys.GSI1[2])
    else:
        partition = keys.price_lists_partition(tenant_id)
        where = {"sort_condition": "begins_with(#sk, :prefix)"}
        values[":prefix"] = keys.PRICE_LIST_SK_PREFIX
        key_attributes = (keys.PK, keys.SK)
    query = {
        "filter_expression": " AND ".join(clauses),
        "values": values,
        "forward": sort in (PriceListSort.UPDATED_ASC, PriceListSort.ID_ASC),
        **where,
    }
    return partition, query, key_attributes
