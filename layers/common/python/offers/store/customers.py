"""Customers (Voucherify dialect) in DynamoDB: upserts, reads, deletes, and the operation a
redemption's transaction uses to create its customer and move its totals."""

from __future__ import annotations

from typing import Any

from offers.errors import NotFound
from offers.store import keys
from offers.store.table import ConditionFailed, Table

ENTITY = "CUSTOMER"
# Voucherify's redemptions_total_* aggregates -> stored attributes
TOTALS = {
    name: f"redemptionsTotal{''.join(part.title() for part in name.split('_'))}"
    for name in ("redeemed", "failed", "succeeded", "rolled_back", "rollback_failed", "rollback_succeeded")
}


# Voucherify's orders_* aggregates -> stored attributes; the average is total / count when read
ORDERS_TOTAL_AMOUNT, ORDERS_TOTAL_COUNT = "ordersTotalAmount", "ordersTotalCount"
ORDERS_LAST_AMOUNT, ORDERS_LAST_DATE = "ordersLastOrderAmount", "ordersLastOrderDate"


class CustomerNotFound(NotFound):
    resource_type = "customer"

    def __init__(self, customer_id: str):
        super().__init__(f"customer {customer_id} not found")
        self.resource_id = customer_id


def _creation(tenant_id: str, customer_id: str, now: str) -> tuple[list[str], dict[str, str], dict[str, Any]]:
    """SET clauses that create the item if it is new and leave an existing one's identity alone."""
    index = keys.customer_index_attributes(tenant_id, customer_id, now)
    names = {"#id": "id", "#entity": "entity", "#created": "createdAt", "#updated": "updatedAt"}
    values: dict[str, Any] = {":id": customer_id, ":entity": ENTITY, ":now": now}
    clauses = [
        "#id = if_not_exists(#id, :id)",
        "#entity = :entity",
        "#created = if_not_exists(#created, :now)",
        "#updated = :now",
    ]
    for i, (attribute, value) in enumerate(index.items()):
        names[f"#g{i}"], values[f":g{i}"] = attribute, value
        clauses.append(f"#g{i} = if_not_exists(#g{i}, :g{i})")
    return clauses, names, values


class CustomerStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def upsert(
        self, tenant_id: str, customer_id: str, fields: dict[str, Any], *, now: str, must_exist: bool = False
    ) -> dict[str, Any]:
        """Create or update: ``fields`` are SET (None REMOVEs), totals and identity are kept."""
        clauses, names, values = _creation(tenant_id, customer_id, now)
        removals = []
        for i, (name, value) in enumerate(fields.items()):
            names[f"#f{i}"] = name
            if value is None:
                removals.append(f"#f{i}")
            else:
                values[f":f{i}"] = value
                clauses.append(f"#f{i} = :f{i}")
        update = "SET " + ", ".join(clauses) + (" REMOVE " + ", ".join(removals) if removals else "")
        try:
            return self.table.update(
                keys.customer_key(tenant_id, customer_id),
                update,
                condition="attribute_exists(pk)" if must_exist else None,
                names=names,
                values=values,
            )
        except ConditionFailed as error:
            raise CustomerNotFound(customer_id) from error

    def get(self, tenant_id: str, customer_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.customer_key(tenant_id, customer_id), consistent=True)

    def delete(self, tenant_id: str, customer_id: str) -> None:
        try:
            self.table.delete(keys.customer_key(tenant_id, customer_id), condition="attribute_exists(pk)")
        except ConditionFailed as error:
            raise CustomerNotFound(customer_id) from error

    def totals_op(
        self,
        tenant_id: str,
        customer_id: str,
        source_id: str,
        changes: dict[str, int],
        now: str,
        *,
        order: tuple[int, str] | None = None,
    ) -> dict[str, Any]:
        """For a redemption's own transaction: create the customer if new (source_id set), ADD
        ``changes`` (keys of TOTALS) to its totals, and, for a redemption carrying an order
        amount (minor units, and its date), count the order in its orders_* aggregates."""
        clauses, names, values = _creation(tenant_id, customer_id, now)
        names["#source"], values[":source"] = "sourceId", source_id
        clauses.append("#source = if_not_exists(#source, :source)")
        additions = []
        for i, (total, delta) in enumerate(changes.items()):
            names[f"#t{i}"], values[f":t{i}"] = TOTALS[total], delta
            additions.append(f"#t{i} :t{i}")
        if order is not None:
            names |= {"#oa": ORDERS_TOTAL_AMOUNT, "#oc": ORDERS_TOTAL_COUNT}
            names |= {"#ola": ORDERS_LAST_AMOUNT, "#old": ORDERS_LAST_DATE}
            values |= {":oa": order[0], ":oc": 1, ":od": order[1]}
            additions += ["#oa :oa", "#oc :oc"]
            clauses += ["#ola = :oa", "#old = :od"]
        update = "SET " + ", ".join(clauses) + (" ADD " + ", ".join(additions) if additions else "")
        return self.table.update_op(
            keys.customer_key(tenant_id, customer_id), update, names=names, values=values
        )
