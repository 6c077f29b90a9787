"""Customers in the Voucherify dialect: upsert by source_id, read by id or source_id, delete;
created by redemptions, with redemptions_total_* kept in the redemption's own transaction;
exported as the customer object."""

from __future__ import annotations

import pytest

from local.stack import LocalStack
from offers.services.voucherify_fields import customer_id
from offers.store.customers import CustomerStore
from offers.store.table import Table, TransactionCancelled
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import promotion_body
from tests.support.voucherify import AppKeyClient, export, fetch_csv, make_app_key


@pytest.fixture
def v1(api: ApiClient) -> AppKeyClient:
    return make_app_key(api)


ADA = {
    "source_id": "ada-42",
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "phone": "+44 20 0000",
    "birthdate": "1815-12-10",
    "description": "first programmer",
    "address": {"city": "London", "country": "GB", "postal_code": "W1"},
    "metadata": {"tier": "gold", "tags": ["a", "b"]},
}


def test_given_a_new_source_id_then_created_and_the_same_source_id_updates_it(v1: AppKeyClient):
    created = v1.request("POST", "/v1/customers", ADA)
    updated = v1.request("POST", "/v1/customers", {"source_id": "ada-42", "name": "Ada King"})

    body = created.json()
    assert body["id"].startswith("cust_") and body["object"] == "customer"
    assert {k: body[k] for k in ADA} == ADA
    assert body["summary"]["redemptions"]["total_redeemed"] == 0
    again = updated.json()
    assert (again["id"], again["name"], again["email"], again["created_at"]) == (
        body["id"],
        "Ada King",
        "ada@example.com",
        body["created_at"],
    )
    assert v1.request("GET", f"/v1/customers/{body['id']}").json() == again
    assert v1.request("GET", "/v1/customers/ada-42").json() == again


def test_given_an_id_then_it_updates_that_customer_and_an_unknown_id_is_404(v1: AppKeyClient):
    made = v1.request("POST", "/v1/customers", {"name": "No source"}).json()

    renamed = v1.request("POST", "/v1/customers", {"id": made["id"], "email": "n@example.com"})
    unknown = v1.request("POST", "/v1/customers", {"id": "cust_000000000000000000000000", "name": "x"})

    assert "source_id" not in made
    assert renamed.json()["email"] == "n@example.com" and renamed.json()["name"] == "No source"
    assert unknown.status == 404
    assert unknown.json()["resource_type"] == "customer"


def test_given_a_customer_when_deleted_then_204_and_then_404(v1: AppKeyClient):
    made = v1.request("POST", "/v1/customers", ADA).json()

    assert v1.request("DELETE", "/v1/customers/ada-42").status == 204

    for path in (f"/v1/customers/{made['id']}", "/v1/customers/ada-42"):
        missing = v1.request("GET", path)
        assert missing.status == 404
        assert missing.json()["key"] == "not_found"
    assert v1.request("DELETE", f"/v1/customers/{made['id']}").status == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"source_id": "x", "birthdate": "yesterday"}, "birthdate"),
        ({"source_id": "x", "address": {"planet": "Mars"}}, "address.planet"),
        ({"source_id": "x", "nickname": "y"}, "nickname"),
        ({"source_id": ""}, "source_id"),
    ],
)
def test_given_a_bad_customer_then_400_invalid_payload_naming_the_property(v1: AppKeyClient, body, field):
    response = v1.request("POST", "/v1/customers", body)

    assert response.status == 400
    assert response.json()["key"] == "invalid_payload"
    assert f"Property .{field} " in response.json()["details"]


def test_given_another_tenants_keys_then_the_customer_is_not_found(api: ApiClient, v1: AppKeyClient):
    v1.request("POST", "/v1/customers", ADA)
    theirs = make_app_key(api.as_tenant(TENANT_B))

    assert theirs.request("GET", "/v1/customers/ada-42").status == 404
    assert theirs.request("DELETE", "/v1/customers/ada-42").status == 404
    assert v1.request("GET", "/v1/customers/ada-42").status == 200


# -- created by redemptions, totals kept by them -------------------------------------------------------


def redeem(api: ApiClient, offer: dict, order: str, **who) -> dict:
    response = api.post("/redemptions", {"orderId": order, "promotionId": offer["id"], **who})
    assert response.status == 201, response.body
    return response.json()


def totals(v1: AppKeyClient, source_id: str) -> dict:
    response = v1.request("GET", f"/v1/customers/{source_id}")
    assert response.status == 200, response.body
    return response.json()["summary"]["redemptions"]


def test_given_redemptions_then_their_customer_exists_and_its_totals_follow_every_change(
    api: ApiClient, v1: AppKeyClient
):
    offer = api.post("/promotions", promotion_body(limits=[])).json()

    first = redeem(api, offer, "o-1", userId="bob")
    redeem(api, offer, "o-2", userId="bob")
    redeem(api, offer, "o-3", email="Cleo@Example.com")
    api.put(f"/redemptions/{first['id']}", {"status": "INACTIVE"})

    bob = v1.request("GET", "/v1/customers/bob").json()
    assert bob["id"] == customer_id(api.tenant_id, "bob") and bob["source_id"] == "bob"
    assert totals(v1, "bob") | {"total_failed": 0} == {
        "total_redeemed": 2,
        "total_failed": 0,
        "total_succeeded": 2,
        "total_rolled_back": 1,
        "total_rollback_failed": 0,
        "total_rollback_succeeded": 1,
    }
    assert totals(v1, "Cleo@Example.com")["total_redeemed"] == 1
    api.put(f"/redemptions/{first['id']}", {"status": "ACTIVE"})
    assert (totals(v1, "bob")["total_redeemed"], totals(v1, "bob")["total_rolled_back"]) == (2, 0)
    assert api.delete(f"/redemptions/{first['id']}").status == 200
    assert (totals(v1, "bob")["total_redeemed"], totals(v1, "bob")["total_succeeded"]) == (1, 1)


def test_given_a_redemption_that_fails_then_the_customer_totals_do_not_move(
    api: ApiClient, v1: AppKeyClient, monkeypatch
):
    offer = api.post("/promotions", promotion_body(limits=[])).json()
    redeem(api, offer, "o-1", userId="dora")
    real = Table.transact_write

    def conflict(self, operations, **kwargs):  # the transaction as DynamoDB cancels it
        raise TransactionCancelled(
            ["None"] * (len(operations) - 1) + ["TransactionConflict"], [None] * len(operations)
        )

    monkeypatch.setattr(Table, "transact_write", conflict)
    refused = api.post("/redemptions", {"orderId": "o-2", "promotionId": offer["id"], "userId": "dora"})
    monkeypatch.setattr(Table, "transact_write", real)

    assert refused.status >= 400
    assert totals(v1, "dora")["total_redeemed"] == 1


def test_given_customers_when_exported_then_their_fields_and_the_kept_totals(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient
):
    v1.request("POST", "/v1/customers", ADA)
    offer = api.post("/promotions", promotion_body(limits=[])).json()
    redeem(api, offer, "o-1", userId="ada-42")
    redeem(api, offer, "o-2", userId="eve")
    fields = [
        "source_id",
        "name",
        "email",
        "address_city",
        "redemptions_total_redeemed",
        "metadata",
        "birthdate",
    ]

    done = export(v1, {"exported_object": "customer", "parameters": {"fields": fields}})

    _, rows = fetch_csv(stack, v1, done["result"]["url"])
    assert rows[0] == [*fields[:5], "metadata.tags", "metadata.tier", "birthdate"]
    assert sorted(rows[1:]) == [
        ["ada-42", "Ada Lovelace", "ada@example.com", "London", "1", '["a","b"]', "gold", "1815-12-10"],
        ["eve", "", "", "", "1", "", "", ""],
    ]


def test_given_redemptions_without_an_order_amount_then_the_orders_aggregates_stay_zero(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient
):
    offer = api.post("/promotions", promotion_body(limits=[])).json()
    redeem(api, offer, "o-1", userId="nora")

    orders = v1.request("GET", "/v1/customers/nora").json()["summary"]["orders"]
    done = export(
        v1, {"exported_object": "customer", "parameters": {"fields": ["source_id", "orders_total_count"]}}
    )

    assert orders == {"total_amount": 0, "total_count": 0, "average_amount": 0, "last_order_amount": 0}
    assert fetch_csv(stack, v1, done["result"]["url"])[1][1:] == [["nora", "0"]]


def test_given_redemption_transactions_carrying_order_amounts_then_the_orders_aggregates_follow(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient
):
    """The operation a redemption with an order amount adds to its own transaction (the fabric
    redemption has no amount; the Voucherify one, with order.amount, uses this)."""
    store, who = CustomerStore(), customer_id(api.tenant_id, "olga")
    for amount, date in ((1000, "2026-01-02T10:00:00.000Z"), (2500, "2026-01-05T09:00:00.000Z")):
        operation = store.totals_op(api.tenant_id, who, "olga", {"redeemed": 1}, date, order=(amount, date))
        Table().transact_write([operation])

    orders = v1.request("GET", "/v1/customers/olga").json()["summary"]["orders"]
    fields = ["source_id", *(f"orders_{n}" for n in ("total_amount", "total_count", "average_amount"))]
    fields += ["orders_last_order_amount", "orders_last_order_date"]
    done = export(v1, {"exported_object": "customer", "parameters": {"fields": fields}})

    assert orders == {
        "total_amount": 3500,
        "total_count": 2,
        "average_amount": 1750,
        "last_order_amount": 2500,
        "last_order_date": "2026-01-05T09:00:00.000Z",
    }
    assert fetch_csv(stack, v1, done["result"]["url"])[1][1:] == [
        ["olga", "3500", "2", "1750", "2500", "2026-01-05T09:00:00.000Z"]
    ]
