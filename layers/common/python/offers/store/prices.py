"""Item prices in DynamoDB: one record per item and price list, kept under two keys.

The record is written under its item id and again under its SKU (same attributes), in one
transaction, so a price can be read by either identifier with GetItem or BatchGet. The SKU
copy is written only if the SKU is free or already this item's: one SKU, one item per list.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from offers.errors import Conflict, NotFound
from offers.models.prices import PriceRecord
from offers.store import keys
from offers.store.price_lists import PriceListNotFound
from offers.store.table import Page, Table, TransactionCancelled

ENTITY = "PRICE"


class PriceNotFound(NotFound):
    def __init__(self, *, item_id: int | None = None, sku: str | None = None):
        if sku is not None:
            super().__init__(f"no price found for SKU {sku}", code="ITEMSKU_NOT_FOUND")
        else:
            super().__init__(f"no price found for item {item_id}", code="ITEMID_NOT_FOUND")


class SkuTaken(Conflict):
    code = "ITEMSKU_CONFLICT"

    def __init__(self, sku: str):
        super().__init__(f"SKU {sku} already belongs to another item in this price list")


def _body(record: PriceRecord) -> dict[str, Any]:
    return {"entity": ENTITY, **record.model_dump(mode="json", by_alias=True, exclude_none=True)}


def price_items(tenant_id: str, record: PriceRecord) -> list[dict[str, Any]]:
    """The two items of a price: under its item id, and under its SKU."""
    body = _body(record)
    return [
        {**keys.price_item_key(tenant_id, record.price_list_id, record.item_id), **body},
        {**keys.price_sku_key(tenant_id, record.price_list_id, record.item_sku), **body},
    ]


def from_item(item: dict[str, Any]) -> PriceRecord:
    return PriceRecord.model_validate(item)


class PriceStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def get(
        self,
        tenant_id: str,
        price_list_id: int,
        *,
        item_id: int | None = None,
        sku: str | None = None,
        consistent: bool = False,
    ) -> PriceRecord:
        key = (
            keys.price_sku_key(tenant_id, price_list_id, sku)
            if sku is not None
            else keys.price_item_key(tenant_id, price_list_id, item_id or 0)
        )
        item = self.table.get(key, consistent=consistent)
        if item is None:
            raise PriceNotFound(item_id=item_id, sku=sku)
        return from_item(item)

    def find(self, tenant_id: str, price_list_id: int, item_id: int) -> PriceRecord | None:
        item = self.table.get(keys.price_item_key(tenant_id, price_list_id, item_id), consistent=True)
        return from_item(item) if item else None

    def save(self, tenant_id: str, record: PriceRecord, previous: PriceRecord | None) -> None:
        """Create or replace, conditioned on what was read (a concurrent change is a 409)."""
        by_item, by_sku = price_items(tenant_id, record)
        if previous is None:
            item_guard: dict[str, Any] = {"condition": "attribute_not_exists(pk)"}
        else:
            item_guard = {"condition": "updatedAt = :seen", "values": {":seen": body_stamp(previous)}}
        operations = [
            self.table.put_op(by_item, **item_guard),
            self.table.put_op(
                by_sku,
                condition="attribute_not_exists(pk) OR itemId = :item",
                values={":item": record.item_id},
            ),
            self.table.check_op(
                keys.price_list_key(tenant_id, record.price_list_id),
                "attribute_exists(pk) AND isDeleted = :no",
                values={":no": False},
            ),
        ]
        if previous is None:  # a new item in the list: counted in the same transaction
            operations.append(self._count_op(tenant_id, record.price_list_id, +1))
        if previous is not None and previous.item_sku != record.item_sku:
            operations.append(
                self.table.delete_op(
                    keys.price_sku_key(tenant_id, record.price_list_id, previous.item_sku),
                    condition="itemId = :item",
                    values={":item": record.item_id},
                )
            )
        try:
            self.table.transact_write(operations)
        except TransactionCancelled as error:
            if error.failed(2):
                raise PriceListNotFound(record.price_list_id) from error
            if error.failed(1):
                raise SkuTaken(record.item_sku) from error
            if error.failed(0) or (len(operations) > 3 and error.failed(3)):
                raise Conflict(
                    f"the price of item {record.item_id} was changed concurrently; read it and try again",
                    code="CONFLICT",
                ) from error
            raise

    def delete(self, tenant_id: str, record: PriceRecord) -> None:
        item_guard = {"condition": "itemId = :item", "values": {":item": record.item_id}}
        try:
            self.table.transact_write(
                [
                    self.table.delete_op(
                        keys.price_item_key(tenant_id, record.price_list_id, record.item_id), **item_guard
                    ),
                    self.table.delete_op(
                        keys.price_sku_key(tenant_id, record.price_list_id, record.item_sku), **item_guard
                    ),
                    self._count_op(tenant_id, record.price_list_id, -1),
                ]
            )
        except TransactionCancelled as error:
            raise PriceNotFound(item_id=record.item_id) from error

    def _count_op(self, tenant_id: str, price_list_id: int, delta: int) -> dict[str, Any]:
        return self.table.update_op(
            keys.price_count_key(tenant_id, price_list_id),
            "ADD #n :delta",
            names={"#n": "prices"},
            values={":delta": delta},
        )

    def count(self, tenant_id: str, price_list_id: int) -> int:
        """The list's number of priced items (GetItem of its counter)."""
        item = self.table.get(keys.price_count_key(tenant_id, price_list_id))
        return max(0, int(item["prices"])) if item else 0

    def offset_page(self, tenant_id: str, price_list_id: int, offset: int, size: int) -> list[PriceRecord]:
        """Items ``offset`` to ``offset + size`` in item id order: a Query reading past the offset
        (callers cap it), stopping as soon as the page is full."""
        items = self.table.query_all(
            keys.prices_partition(tenant_id, price_list_id),
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.PRICE_ITEM_SK_PREFIX},
            limit=min(offset + size, 1000),
        )
        return [from_item(item) for item in islice(items, offset, offset + size)]

    def list_page(self, tenant_id: str, price_list_id: int, size: int, start_key: keys.Key | None) -> Page:
        """A list's prices in item id order."""
        page = self.table.query_page(
            keys.prices_partition(tenant_id, price_list_id),
            size=size,
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.PRICE_ITEM_SK_PREFIX},
            start_key=start_key,
        )
        return Page([from_item(item) for item in page.items], page.last_key)

    def has_any(self, tenant_id: str, price_list_id: int) -> bool:
        page = self.table.query(
            keys.prices_partition(tenant_id, price_list_id),
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.PRICE_ITEM_SK_PREFIX},
            projection="itemId",
            limit=1,
        )
        return bool(page.items)


def body_stamp(record: PriceRecord) -> str:
    return record.model_dump(mode="json", by_alias=True)["updatedAt"]
