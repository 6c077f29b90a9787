"""``parameters.order`` in Voucherify-dialect exports: every order the reference allows per
object, ascending and descending (``-``); created_at from the index, the others sorted in one
segment in bounded memory (runs spilled to disk and merged), and capped."""

from __future__ import annotations

import pytest

from local.stack import LocalStack
from offers.services.export_sources import sorting
from tests.support.client import ApiClient
from tests.support.factories import coupon_body
from tests.support.voucherify import AppKeyClient, export, fetch_csv, make_app_key


@pytest.fixture
def v1(api: ApiClient) -> AppKeyClient:
    return make_app_key(api)


@pytest.fixture(autouse=True)
def small_runs(monkeypatch):
    monkeypatch.setattr(sorting, "RUN_ROWS", 2)  # several runs spilled and merged, even here


def column(
    stack: LocalStack, v1: AppKeyClient, exported_object: str, order: str, fields: list[str]
) -> list[list[str]]:
    done = export(v1, {"exported_object": exported_object, "parameters": {"fields": fields, "order": order}})
    assert done["status"] == "DONE", done
    assert done["parameters"]["order"] == order
    return fetch_csv(stack, v1, done["result"]["url"])[1][1:]


def test_given_vouchers_then_they_sort_by_code_either_way(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient
):
    codes = ["M-3", "A-9", "Z-1", "B-2", "K-7"]
    assert api.post("/coupons", coupon_body(codes)).status == 201

    assert column(stack, v1, "voucher", "code", ["code"]) == [[c] for c in sorted(codes)]
    assert column(stack, v1, "voucher", "-code", ["code"]) == [[c] for c in sorted(codes, reverse=True)]


def test_given_customers_then_they_sort_by_email_and_name_with_no_value_first(
    stack: LocalStack, v1: AppKeyClient
):
    for source_id, name, email in (
        ("c1", "Cleo", "cleo@x.io"),
        ("c2", "Ada", None),
        ("c3", "Bob", "abe@x.io"),
        ("c4", "Dan", "dan@x.io"),
    ):
        body = {"source_id": source_id, "name": name, **({"email": email} if email else {})}
        assert v1.request("POST", "/v1/customers", body).status == 200

    assert column(stack, v1, "customer", "email", ["source_id"]) == [["c2"], ["c3"], ["c1"], ["c4"]]
    assert column(stack, v1, "customer", "-name", ["name"]) == [["Dan"], ["Cleo"], ["Bob"], ["Ada"]]


def test_given_publications_then_they_sort_by_voucher_code(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient
):
    api.post("/coupons", coupon_body(["P-3", "P-1", "P-2"]))
    for code, customer in (("P-3", "a"), ("P-1", "b"), ("P-2", "c")):
        body = {"voucher": code, "customer": {"source_id": customer}}
        assert v1.request("POST", "/v1/publications", body).status == 200

    assert column(stack, v1, "publication", "-voucher_code", ["voucher_code", "customer_source_id"]) == [
        ["P-3", "a"],
        ["P-2", "c"],
        ["P-1", "b"],
    ]


def test_given_an_order_the_object_does_not_have_then_400_listing_its_orders(v1: AppKeyClient):
    body = {"exported_object": "publication", "parameters": {"order": "name"}}

    response = v1.request("POST", "/v1/exports", body)

    assert response.status == 400
    assert response.json()["key"] == "invalid_payload"
    assert "parameters.order" in response.json()["details"] and "-channel" in response.json()["details"]


def test_given_more_rows_than_a_sorted_export_holds_then_error_and_no_file(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient, monkeypatch
):
    monkeypatch.setattr(sorting, "MAX_SORTED_ROWS", 2)
    assert api.post("/coupons", coupon_body(["Q-1", "Q-2", "Q-3"])).status == 201

    by_code = export(v1, {"exported_object": "voucher", "parameters": {"fields": ["code"], "order": "code"}})
    by_time = export(
        v1, {"exported_object": "voucher", "parameters": {"fields": ["code"], "order": "-created_at"}}
    )

    assert (by_code["status"], by_code["result"]) == ("ERROR", None)
    assert by_time["status"] == "DONE"
