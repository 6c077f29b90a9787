"""A thin, typed layer over the low-level DynamoDB client for the service's single table.

It speaks plain dicts (see ``codec``), turns ConditionalCheckFailed into ``ConditionFailed``
for stores to rename into domain errors, retries transient failures where that is safe
(``retries``), and knows nothing about entities or keys. ``Table`` is what the stores use;
batches (``batches``), transactions (``transactions``), expressions (``expressions``) and
size checks (``sizes``) each have their own module, and their names stay importable here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from offers.errors import InvalidInput
from offers.settings import get_settings
from offers.store import batches, transactions
from offers.store.batches import BATCH_ATTEMPTS
from offers.store.clients import dynamodb
from offers.store.codec import from_item, to_item
from offers.store.expressions import expression_params, fields_update
from offers.store.keys import PK, SK, Key
from offers.store.retries import with_retries
from offers.store.sizes import check_item_fits, checked_item
from offers.store.transactions import TransactionCancelled

_SINGLE_WRITES = {"PutItem": "put_item", "UpdateItem": "update_item", "DeleteItem": "delete_item"}


class ConditionFailed(Exception):
    """A conditional write's condition did not hold; ``item`` is the item as it was, if asked."""

    def __init__(self, item: dict[str, Any] | None = None):
        super().__init__("condition failed")
        self.item = item


@dataclass
class Page:
    items: list[dict[str, Any]]
    last_key: Key | None


class Table:
    def __init__(self, name: str | None = None):
        self._name = name

    @property
    def name(self) -> str:
        return self._name or get_settings().table_name

    # -- single items ---------------------------------------------------------------------

    def get(self, key: Key, *, consistent: bool = False) -> dict[str, Any] | None:
        response = with_retries(
            lambda: dynamodb().get_item(
                TableName=self.name, Key=checked_item(key), ConsistentRead=consistent
            ),
            operation="GetItem",
            repeatable=True,
        )
        item = response.get("Item")
        return from_item(item) if item else None

    def put(
        self,
        item: dict[str, Any],
        *,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        check_item_fits(item)
        params = expression_params(condition=condition, names=names, values=values)
        self._conditional("PutItem", TableName=self.name, Item=checked_item(item), **params)

    def update(
        self,
        key: Key,
        update: str,
        *,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        return_values: str = "ALL_NEW",
    ) -> dict[str, Any]:
        params = expression_params(condition=condition, update=update, names=names, values=values)
        response = self._conditional(
            "UpdateItem",
            TableName=self.name,
            Key=checked_item(key),
            ReturnValues=return_values,
            **params,
        )
        return from_item(response.get("Attributes", {}))

    def delete(
        self,
        key: Key,
        *,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        params = expression_params(condition=condition, names=names, values=values)
        response = self._conditional(
            "DeleteItem", TableName=self.name, Key=checked_item(key), ReturnValues="ALL_OLD", **params
        )
        return from_item(response.get("Attributes", {}))

    def update_fields(
        self,
        key: Key,
        fields: dict[str, Any],
        *,
        remove: Sequence[str] = (),
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """SET each of ``fields`` and REMOVE ``remove``, leaving every other attribute as it is.

        A replace that must not clobber attributes other writers own (counters, sets) uses
        this instead of PutItem.
        """
        expression, all_names, all_values = fields_update(fields, remove, names, values)
        return self.update(key, expression, condition=condition, names=all_names, values=all_values)

    def update_fields_op(
        self,
        key: Key,
        fields: dict[str, Any],
        *,
        remove: Sequence[str] = (),
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``update_fields`` as an operation of a transaction."""
        expression, all_names, all_values = fields_update(fields, remove, names, values)
        return self.update_op(key, expression, condition=condition, names=all_names, values=all_values)

    @staticmethod
    def _conditional(operation: str, **params: Any) -> dict[str, Any]:
        """PutItem, UpdateItem or DeleteItem; its condition's failure is ``ConditionFailed``."""
        client = dynamodb()
        call = getattr(client, _SINGLE_WRITES[operation])
        # Puts and deletes are idempotent; an update may be repeated only under a condition.
        repeatable = operation != "UpdateItem" or "ConditionExpression" in params
        try:
            return with_retries(
                lambda: call(ReturnValuesOnConditionCheckFailure="ALL_OLD", **params),
                operation=operation,
                repeatable=repeatable,
            )
        except client.exceptions.ConditionalCheckFailedException as error:
            old = error.response.get("Item")
            raise ConditionFailed(from_item(old) if old else None) from error

    # -- many items -----------------------------------------------------------------------

    def query(
        self,
        partition: str,
        *,
        sort_condition: str | None = None,
        values: dict[str, Any] | None = None,
        names: dict[str, str] | None = None,
        index: str | None = None,
        partition_attribute: str = PK,
        filter_expression: str | None = None,
        projection: str | None = None,
        limit: int | None = None,
        start_key: Key | None = None,
        forward: bool = True,
        consistent: bool = False,
    ) -> Page:
        """One Query call. ``sort_condition`` refers to the sort key as ``#sk`` and may use ``values``."""
        if start_key is not None and start_key.get(partition_attribute) != partition:
            # A cursor is HMAC-bound to its tenant and query already; this is the second wall.
            raise InvalidInput.for_field("startCursor", "does not belong to this query")
        checked_item({partition_attribute: partition})
        key_condition = "#pk = :pk" + (f" AND {sort_condition}" if sort_condition else "")
        all_names = {"#pk": partition_attribute, **(names or {})}
        if sort_condition and "#sk" in sort_condition and "#sk" not in all_names:
            all_names["#sk"] = SK
        params = expression_params(
            key_condition=key_condition,
            filter_expression=filter_expression,
            projection=projection,
            names=all_names,
            values={":pk": partition, **(values or {})},
        )
        if index:
            params["IndexName"] = index
        if limit:
            params["Limit"] = limit
        if start_key:
            params["ExclusiveStartKey"] = to_item(start_key)
        response = with_retries(
            lambda: dynamodb().query(
                TableName=self.name, ScanIndexForward=forward, ConsistentRead=consistent, **params
            ),
            operation="Query",
            repeatable=True,
        )
        last = response.get("LastEvaluatedKey")
        return Page([from_item(item) for item in response["Items"]], from_item(last) if last else None)

    def query_page(
        self,
        partition: str,
        *,
        size: int,
        key_attributes: Sequence[str] = (PK, SK),
        **kwargs: Any,
    ) -> Page:
        """Up to ``size`` items and the key to continue from, or None when nothing is left.

        Asks for one extra item so the last page never carries a cursor to an empty page;
        ``key_attributes`` are the table (and index) key names of the items queried.
        """
        page = self.query(partition, limit=size + 1, **kwargs)
        if len(page.items) > size:
            items = page.items[:size]
            return Page(items, {name: items[-1][name] for name in key_attributes})
        return Page(page.items, page.last_key)  # last_key set only if DynamoDB's 1 MB cap cut the page

    def query_all(self, partition: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item of a query, page by page (for bounded collections and background jobs)."""
        start_key = None
        while True:
            page = self.query(partition, start_key=start_key, **kwargs)
            yield from page.items
            if page.last_key is None:
                return
            start_key = page.last_key

    def batch_get(self, keys: Sequence[Key], *, consistent: bool = False) -> list[dict[str, Any]]:
        """Items for ``keys`` (missing ones are skipped), retrying unprocessed keys."""
        return batches.batch_get(self.name, keys, consistent=consistent)

    def batch_write(self, *, puts: Sequence[dict[str, Any]] = (), deletes: Sequence[Key] = ()) -> None:
        """Unconditional puts and deletes, 25 per call, retrying unprocessed ones with backoff."""
        batches.batch_write(self.name, puts=puts, deletes=deletes)

    def transact_write(self, operations: Sequence[dict[str, Any]], *, token: str | None = None) -> None:
        """Run operations built with ``put_op``/``update_op``/``delete_op``/``check_op`` atomically."""
        transactions.transact_write(operations, token=token)

    # -- transaction operations (run with ``transact_write``) ----------------------------

    def put_op(self, item: dict[str, Any], **expr: Any) -> dict[str, Any]:
        return transactions.put_op(self.name, item, **expr)

    def update_op(self, key: Key, update: str, **expr: Any) -> dict[str, Any]:
        return transactions.update_op(self.name, key, update, **expr)

    def delete_op(self, key: Key, **expr: Any) -> dict[str, Any]:
        return transactions.delete_op(self.name, key, **expr)

    def check_op(self, key: Key, condition: str, **expr: Any) -> dict[str, Any]:
        return transactions.check_op(self.name, key, condition, **expr)


# Re-exported: stores and other modules import these from here.
__all__ = [
    "BATCH_ATTEMPTS",
    "PK",
    "SK",
    "ConditionFailed",
    "Page",
    "Table",
    "TransactionCancelled",
    "fields_update",
]
