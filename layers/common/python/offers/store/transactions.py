"""TransactWriteItems: the operations a transaction is made of, and running it.

A transaction cancelled by a failed condition is ``TransactionCancelled`` with one reason per
operation (and the item as it was, for conditions), for stores to rename into domain errors.
One cancelled only by conflicts or throttling wrote nothing and is retried (``retries``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from offers.store.clients import dynamodb
from offers.store.codec import from_item
from offers.store.expressions import expression_params
from offers.store.keys import Key
from offers.store.retries import cancellation_reasons, error_code, with_retries
from offers.store.sizes import check_item_fits, checked_item


class TransactionCancelled(Exception):
    """A transaction was cancelled; ``reasons`` has one code per operation ("None" = fine)."""

    def __init__(self, reasons: list[str], items: list[dict[str, Any] | None]):
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons
        self.items = items

    def failed(self, index: int) -> bool:
        return self.reasons[index] == "ConditionalCheckFailed"


def transact_write(operations: Sequence[dict[str, Any]], *, token: str | None = None) -> None:
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


def put_op(table_name: str, item: dict[str, Any], **expr: Any) -> dict[str, Any]:
    check_item_fits(item)
    return {"Put": {"TableName": table_name, "Item": checked_item(item), **_op_params(**expr)}}


def update_op(table_name: str, key: Key, update: str, **expr: Any) -> dict[str, Any]:
    return {
        "Update": {"TableName": table_name, "Key": checked_item(key), **_op_params(update=update, **expr)}
    }


def delete_op(table_name: str, key: Key, **expr: Any) -> dict[str, Any]:
    return {"Delete": {"TableName": table_name, "Key": checked_item(key), **_op_params(**expr)}}


def check_op(table_name: str, key: Key, condition: str, **expr: Any) -> dict[str, Any]:
    return {
        "ConditionCheck": {
            "TableName": table_name,
            "Key": checked_item(key),
            **_op_params(condition=condition, **expr),
        }
    }


def _op_params(**expr: Any) -> dict[str, Any]:
    params = expression_params(**expr)
    if "ConditionExpression" in params:
        params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return params
