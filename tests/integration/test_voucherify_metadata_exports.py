"""Metadata in Voucherify-dialect exports: ``metadata`` as one column per key found (from the
tenant's key set, kept by the writes that store metadata), ``metadata.X`` for one key, and
``metadata.X`` filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from local.stack import LocalStack
from offers.store import metadata_keys
from offers.store.metadata_keys import MetadataKeyStore
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import coupon_body, iso, promotion_body
from tests.support.voucherify import AppKeyClient, export, fetch_csv, make_app_key


@pytest.fixture
def v1(api: ApiClient) -> AppKeyClient:
    return make_app_key(api)


def ago(days: float) -> str:
    return iso(datetime.now(UTC).replace(microsecond=0) - timedelta(days=days))


def attributes(**values: str | list[str]) -> list[dict]:
    return [{"name": k, "values": v if isinstance(v, list) else [v]} for k, v in values.items()]


def csv_of(stack: LocalStack, v1: AppKeyClient, exported_object: str, **parameters) -> list[list[str]]:
    done = export(v1, {"exported_object": exported_object, "parameters": parameters})
    assert done["status"] == "DONE", done
    return fetch_csv(stack, v1, done["result"]["url"])[1]


@pytest.fixture
def customers(v1: AppKeyClient) -> None:
    for body in (
        {"source_id": "ada", "metadata": {"tier": "gold", "tags": ["a", "b"]}},
        {"source_id": "bob", "metadata": {"city": "Oslo", "tier": "silver"}},
        {"source_id": "cleo"},
    ):
        assert v1.request("POST", "/v1/customers", body).status == 200


def test_given_customers_with_metadata_then_metadata_is_one_column_per_key_found_sorted(
    stack: LocalStack, v1: AppKeyClient, customers: None
):
    rows = csv_of(stack, v1, "customer", fields=["source_id", "metadata"], order="created_at")

    assert rows == [
        ["source_id", "metadata.city", "metadata.tags", "metadata.tier"],
        ["ada", "", '["a","b"]', "gold"],
        ["bob", "Oslo", "", "silver"],
        ["cleo", "", "", ""],
    ]


def test_given_metadata_and_one_of_its_keys_then_that_key_is_one_column_where_it_was_named(
    stack: LocalStack, v1: AppKeyClient, customers: None
):
    rows = csv_of(
        stack, v1, "customer", fields=["metadata.tier", "source_id", "metadata"], order="created_at"
    )

    assert rows[0] == ["metadata.tier", "source_id", "metadata.city", "metadata.tags"]
    assert rows[1] == ["gold", "ada", "", '["a","b"]']


def test_given_metadata_columns_then_the_keys_come_from_the_kept_set_not_from_the_rows(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient, customers: None
):
    found = MetadataKeyStore().found(api.tenant_id, metadata_keys.CUSTOMER)

    assert found == ["city", "tags", "tier"]
    assert MetadataKeyStore().found(TENANT_B, metadata_keys.CUSTOMER) == []


def test_given_redemptions_publications_and_coupons_with_metadata_then_each_export_has_its_keys(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient
):
    coupon = api.post(
        "/coupons", coupon_body(["MD-1"], additionalAttributes=attributes(season="spring"))
    ).json()
    offer = api.post("/promotions", promotion_body(limits=[], startAt=ago(30))).json()
    for order, extra in (
        ("o-1", attributes(store="42", lane="7")),
        ("o-2", []),
        ("o-3", attributes(store="9")),
    ):
        body = {"orderId": order, "promotionId": offer["id"], "additionalAttributes": extra}
        assert api.post("/redemptions", body).status == 201
    published = v1.request(
        "POST",
        "/v1/publications",
        {"voucher": "MD-1", "customer": {"source_id": "a"}, "metadata": {"via": "mail"}},
    )
    assert published.status == 200, published.body

    redemptions = csv_of(stack, v1, "redemption", fields=["voucher_code", "metadata"], order="created_at")
    vouchers = csv_of(stack, v1, "voucher", fields=["code", "metadata"])
    publications = csv_of(stack, v1, "publication", fields=["voucher_code", "metadata"])

    assert redemptions == [
        ["voucher_code", "metadata.lane", "metadata.store"],
        ["", "7", "42"],
        ["", "", ""],
        ["", "", "9"],
    ]
    assert vouchers == [["code", "metadata.season"], ["MD-1", "spring"]]
    assert publications == [["voucher_code", "metadata.via"], ["MD-1", "mail"]]
    assert coupon["id"]


def test_given_a_coupon_put_with_new_attributes_then_its_vouchers_export_the_new_key(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient
):
    coupon = api.post("/coupons", coupon_body(["MD-2"], additionalAttributes=[])).json()
    body = coupon_body(["MD-2"], additionalAttributes=attributes(channel="web"))

    assert api.put(f"/coupons/{coupon['id']}", body).status == 200

    assert csv_of(stack, v1, "voucher", fields=["code", "metadata"]) == [
        ["code", "metadata.channel"],
        ["MD-2", "web"],
    ]


def test_given_metadata_fields_then_the_request_echoes_them_as_sent(v1: AppKeyClient, customers: None):
    body = {"exported_object": "customer", "parameters": {"fields": ["source_id", "metadata"]}}

    done = export(v1, body)

    assert done["parameters"]["fields"] == ["source_id", "metadata"]


# -- metadata.X filters --------------------------------------------------------------------------


def filtered(
    stack: LocalStack, v1: AppKeyClient, exported_object: str, field: str, filters: dict
) -> list[str]:
    rows = csv_of(stack, v1, exported_object, fields=[field], filters=filters)
    return sorted(row[0] for row in rows[1:])


def test_given_metadata_filters_on_customers_then_only_the_matching_customers(
    stack: LocalStack, v1: AppKeyClient, customers: None
):
    cases = [
        ({"metadata.tier": {"conditions": {"$is": "gold"}}}, ["ada"]),
        ({"metadata.tier": {"conditions": {"$in": ["gold", "silver"]}}}, ["ada", "bob"]),
        ({"metadata.tier": {"conditions": {"$is_not": "gold"}}}, ["bob", "cleo"]),
        ({"metadata.city": {"conditions": {"$has_value": ""}}}, ["bob"]),
        ({"metadata.city": {"conditions": {"$is_unknown": ""}}}, ["ada", "cleo"]),
        ({"metadata.tags": {"conditions": {"$contains": "b"}}}, ["ada"]),
        ({"metadata.tier": {"conditions": {"$starts_with": "sil"}}}, ["bob"]),
        ({"metadata.tier": {"conditions": {"$ends_with": "ver"}}}, ["bob"]),
        (
            {
                "junction": "or",
                "metadata.city": {"conditions": {"$is": "Oslo"}},
                "source_id": {"conditions": {"$is": "cleo"}},
            },
            ["bob", "cleo"],
        ),
    ]
    for filters, expected in cases:
        assert filtered(stack, v1, "customer", "source_id", filters) == expected, filters


def test_given_metadata_filters_on_redemptions_publications_and_vouchers_then_only_matching_rows(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient
):
    api.post("/coupons", coupon_body(["SP-1", "SP-2"], additionalAttributes=attributes(season="spring")))
    api.post(
        "/coupons", coupon_body(["SU-1"], name="Summer", additionalAttributes=attributes(season="summer"))
    )
    offer = api.post("/promotions", promotion_body(limits=[], startAt=ago(30))).json()
    for order, extra in (("o-1", attributes(store="42")), ("o-2", []), ("o-3", attributes(store="9"))):
        body = {"orderId": order, "promotionId": offer["id"], "additionalAttributes": extra}
        assert api.post("/redemptions", body).status == 201
    for code, via in (("SP-1", "mail"), ("SU-1", "shop")):
        body = {"voucher": code, "customer": {"source_id": f"c-{code}"}, "metadata": {"via": via}}
        assert v1.request("POST", "/v1/publications", body).status == 200

    store_42 = {"metadata.store": {"conditions": {"$is": "42"}}}
    assert filtered(stack, v1, "redemption", "order_id", store_42) == ["o-1"]
    no_store = {"metadata.store": {"conditions": {"$is_unknown": ""}}}
    assert filtered(stack, v1, "redemption", "order_id", no_store) == ["o-2"]
    by_mail = {"metadata.via": {"conditions": {"$in": ["mail"]}}}
    assert filtered(stack, v1, "publication", "voucher_code", by_mail) == ["SP-1"]
    spring = {"metadata.season": {"conditions": {"$is": "spring"}}}
    assert filtered(stack, v1, "voucher", "code", spring) == ["SP-1", "SP-2"]
    spring_or_su = {"junction": "or", **spring, "code": {"conditions": {"$ends_with": "U-1"}}}
    assert filtered(stack, v1, "voucher", "code", spring_or_su) == ["SP-1", "SP-2", "SU-1"]


def test_given_type_fitting_operators_then_only_matching_vouchers(
    stack: LocalStack, api: ApiClient, v1: AppKeyClient
):
    coupon = api.post("/coupons", coupon_body(["OP-1", "OP-2", "XP-3"])).json()
    redeemed = {"orderId": "o-1", "promotionId": coupon["id"], "couponCode": "OP-2", "userId": "u"}
    assert api.post("/redemptions", redeemed).status == 201

    cases = [
        ({"code": {"conditions": {"$ends_with": "-2"}}}, ["OP-2"]),
        ({"code": {"conditions": {"$contains": "P-"}}}, ["OP-1", "OP-2", "XP-3"]),
        ({"code": {"conditions": {"$not_contain": "OP"}}}, ["XP-3"]),
        ({"redemption_count": {"conditions": {"$more_than": 0}}}, ["OP-2"]),
        ({"redemption_count": {"conditions": {"$less_than_equal": 0}}}, ["OP-1", "XP-3"]),
        ({"created_at": {"conditions": {"$less_than_ago": 1}}}, ["OP-1", "OP-2", "XP-3"]),
        ({"created_at": {"conditions": {"$more_than_ago": 1}}}, []),
    ]
    for filters, expected in cases:
        assert filtered(stack, v1, "voucher", "code", filters) == expected, filters


def test_given_an_unknown_filter_field_or_operator_then_400_in_voucherify_format_naming_it(v1: AppKeyClient):
    for filters, named in (
        (
            {"metadata.tier": {"conditions": {"$sounds_like": "x"}}},
            "parameters.filters.metadata.tier.conditions.$sounds_like",
        ),
        ({"colour": {"conditions": {"$is": "x"}}}, "parameters.filters.colour"),
    ):
        body = {"exported_object": "customer", "parameters": {"filters": filters}}
        response = v1.request("POST", "/v1/exports", body)

        assert response.status == 400
        assert {k: response.json()[k] for k in ("code", "key")} == {"code": 400, "key": "invalid_payload"}
        assert named in response.json()["details"]


def test_given_redemptions_with_keys_already_in_the_set_then_they_add_no_operation_to_their_transaction(
    stack: LocalStack, api: ApiClient, monkeypatch
):
    from offers.store.table import Table

    offer = api.post("/promotions", promotion_body(limits=[], startAt=ago(30))).json()
    sizes = []
    transact = Table.transact_write

    def counted(self, operations, **kwargs):
        sizes.append(len(operations))
        return transact(self, operations, **kwargs)

    monkeypatch.setattr(Table, "transact_write", counted)
    for order, extra in (
        ("k-1", attributes(lane="1")),
        ("k-2", attributes(lane="2")),
        ("k-3", attributes(bay="3")),
    ):
        body = {"orderId": order, "promotionId": offer["id"], "additionalAttributes": extra}
        assert api.post("/redemptions", body).status == 201

    assert sizes[1] == sizes[0] - 1  # lane was known: no ADD
    assert sizes[2] == sizes[0]  # bay is new: ADDed
    assert MetadataKeyStore().found(api.tenant_id, metadata_keys.REDEMPTION) == ["bay", "lane"]
