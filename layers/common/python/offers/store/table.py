"""A thin, typed layer over the low-level DynamoDB client for the service's single table.

It speaks plain dicts (see ``codec``), turns ConditionalCheckFailed into ``ConditionFailed``
for stores to rename into domain errors, retries transient failures where that is safe
(``retries``), and knows nothing about entities or keys.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from offers.errors import FieldProblem, InvalidInput, TemporarilyUnavailable
from offers.settings import get_settings
from offers.store.clients import dynamodb
from offers.store.codec import from_item, to_item
from offers.store.keys import PK, SK, Key, oversize_key_attribute
from offers.store.retries import (
    RETRY_AFTER_SECONDS,
    backoff_delay,
    cancellation_reasons,
    error_code,
    with_retries,
)
from offers.store.sizes import check_item_fits

_SINGLE_WRITES = {"PutItem": "put_item", "UpdateItem": "update_item", "DeleteItem": "delete_item"}
# Unprocessed items of a batch call are sent again up to this many times, then 503.
BATCH_ATTEMPTS = 8


class ConditionFailed(Exception):
    """A conditional write's condition did not hold; ``item`` is the item as it was, if asked."""

    def __init__(self, item: dict[str, Any] | None = None):
        super().__init__("condition failed")
        self.item = item


class TransactionCancelled(Exception):
    """A transaction was cancelled; ``reasons`` has one code per operation ("None" = fine)."""

    def __init__(self, reasons: list[str], items: list[dict[str, Any] | None]):
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons
        self.items = items

    def failed(self, index: int) -> bool:
        return self.reasons[index] == "ConditionalCheckFailed"


@dataclass
class Page:
    items: list[dict[str, Any]]
    last_key: Key | None


def _checked(item: dict[str, Any]) -> dict[str, Any]:
    """``to_item`` of a key or an item whose key attributes DynamoDB will accept (else 400)."""
    too_long = oversize_key_attribute(item)
    if too_long is not None:
        raise InvalidInput(
            "a value in this request is too long to be stored or looked up",
            code="VALUE_TOO_LONG",
            problems=[FieldProblem(too_long, "is too long for a DynamoDB key")],
        )
    return to_item(item)


def _expression_params(
    *,
    condition: str | None = None,
    update: str | None = None,
    key_condition: str | None = None,
    filter_expression: str | None = None,
    projection: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if projection:
        params["ProjectionExpression"] = projection
    if condition:
        params["ConditionExpression"] = condition
    if update:
        params["UpdateExpression"] = update
    if key_condition:
        params["KeyConditionExpression"] = key_condition
    if filter_expression:
        params["FilterExpression"] = filter_expression
    # DynamoDB refuses placeholders no expression uses; callers may pass a superset.
    used = set(_PLACEHOLDER.findall(" ".join(params.values())))
    names = {k: v for k, v in (names or {}).items() if k in used}
    values = {k: v for k, v in (values or {}).items() if k in used}
    if names:
        params["ExpressionAttributeNames"] = names
    if values:
        params["ExpressionAttributeValues"] = to_item(values)
    return params


_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


def fields_update(
    fields: dict[str, Any],
    remove: Sequence[str],
    names: dict[str, str] | None,
    values: dict[str, Any] | None,
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """SET each of ``fields``, REMOVE each of ``remove``: the expression and its placeholders."""
    check_item_fits(fields)  # what stays besides (counters, keys) is within the margin
    _checked(fields)  # index keys among the fields
    all_names = dict(names or {})
    all_values = dict(values or {})
    assignments = []
    for i, (name, value) in enumerate(fields.items()):
        all_names[f"#f{i}"] = name
        all_values[f":f{i}"] = value
        assignments.append(f"#f{i} = :f{i}")
    removals = []
    for i, name in enumerate(remove):
        all_names[f"#r{i}"] = name
        removals.append(f"#r{i}")
    expression = "SET " + ", ".join(assignments)
    if removals:
        expression += " REMOVE " + ", ".join(removals)
    return expression, all_names, all_values


class Table:
    def __init__(self, name: str | None = None):
        self._name = name

    @property
    def name(self) -> str:
        return self._name or get_settings().table_name

    # -- single items ---------------------------------------------------------------------

    def get(self, key: Key, *, consistent: bool = False) -> dict[str, Any] | None:
        response = with_retries(
            lambda: dynamodb().get_item(TableName=self.name, Key=_checked(key), ConsistentRead=consistent),
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
        params = _expression_params(condition=condition, names=names, values=values)
        self._conditional("PutItem", TableName=self.name, Item=_checked(item), **params)

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
        params = _expression_params(condition=condition, update=update, names=names, values=values)
        response = self._conditional(
            "UpdateItem",
            TableName=self.name,
            Key=_checked(key),
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
        params = _expression_params(condition=condition, names=names, values=values)
        response = self._conditional(
            "DeleteItem", TableName=self.name, Key=_checked(key), ReturnValues="ALL_OLD", **params
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
        _checked({partition_attribute: partition})
        key_condition = "#pk = :pk" + (f" AND {sort_condition}" if sort_condition else "")
        all_names = {"#pk": partition_attribute, **(names or {})}
        if sort_condition and "#sk" in sort_condition and "#sk" not in all_names:
            all_names["#sk"] = SK
        params = _expression_params(
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
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            request: dict[str, Any] = {
                self.name: {
                    "Keys": [_checked(k) for k in keys[start : start + 100]],
                    "ConsistentRead": consistent,
                }
            }
            for attempt in range(BATCH_ATTEMPTS):
                response = self._batch_call("BatchGetItem", request)
                found.extend(from_item(item) for item in response["Responses"].get(self.name, []))
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                _pause(attempt)
            else:
                raise _unprocessed("BatchGetItem")
        return found

    def batch_write(self, *, puts: Sequence[dict[str, Any]] = (), deletes: Sequence[Key] = ()) -> None:
        """Unconditional puts and deletes, 25 per call, retrying unprocessed ones with backoff."""
        requests = [{"PutRequest": {"Item": _checked(item)}} for item in puts]
        requests += [{"DeleteRequest": {"Key": _checked(key)}} for key in deletes]
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self.name: requests[start : start + 25]}
            for attempt in range(BATCH_ATTEMPTS):
                response = self._batch_call("BatchWriteItem", pending)
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
                _pause(attempt)
            else:
                raise _unprocessed("BatchWriteItem")

    @staticmethod
    def _batch_call(operation: str, request: dict[str, Any]) -> dict[str, Any]:
        """Batches hold unconditional puts and deletes, and gets: all safe to repeat."""
        call = dynamodb().batch_get_item if operation == "BatchGetItem" else dynamodb().batch_write_item
        return with_retries(lambda: call(RequestItems=request), operation=operation, repeatable=True)

    def transact_write(self, operations: Sequence[dict[str, Any]], *, token: str | None = None) -> None:
        """Run operations built with ``put_op``/``update_op``/``delete_op``/``check_op`` atomically."""
        client = dynamodb()
        params: dict[str, Any] = {"TransactItems": list(operations)}
        if token:
            params["ClientRequestToken"] = token
        try:
            # A cancelled transaction wrote nothing, so one cancelled only by conflicts or
            # throttling is retried; one of unknown outcome only under its idempotency token.
            with_retries(
                lambda: client.transact_write_items(**params),
                operation="TransactWriteItems",
                repeatable=token is not None,
            )
        except client.exceptions.ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons", [])
            raise TransactionCancelled(
                cancellation_reasons(error),
                [from_item(reason["Item"]) if reason.get("Item") else None for reason in reasons],
            ) from error

    # -- transaction operations -----------------------------------------------------------

    def put_op(self, item: dict[str, Any], **expr: Any) -> dict[str, Any]:
        check_item_fits(item)
        return {"Put": {"TableName": self.name, "Item": _checked(item), **self._op_params(**expr)}}

    def update_op(self, key: Key, update: str, **expr: Any) -> dict[str, Any]:
        return {
            "Update": {"TableName": self.name, "Key": _checked(key), **self._op_params(update=update, **expr)}
        }

    def delete_op(self, key: Key, **expr: Any) -> dict[str, Any]:
        return {"Delete": {"TableName": self.name, "Key": _checked(key), **self._op_params(**expr)}}

    def check_op(self, key: Key, condition: str, **expr: Any) -> dict[str, Any]:
        return {
            "ConditionCheck": {
                "TableName": self.name,
                "Key": _checked(key),
                **self._op_params(condition=condition, **expr),
            }
        }

    @staticmethod
    def _op_params(**expr: Any) -> dict[str, Any]:
        params = _expression_params(**expr)
        if "ConditionExpression" in params:
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return params


def _pause(attempt: int) -> None:
    time.sleep(backoff_delay(attempt))


def _unprocessed(operation: str) -> TemporarilyUnavailable:
    return TemporarilyUnavailable(
        f"the data store is busy ({operation}); retry shortly", retry_after=RETRY_AFTER_SECONDS
    )


__all__ = ["PK", "SK", "ConditionFailed", "Page", "Table", "TransactionCancelled"]
