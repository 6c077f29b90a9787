"""App keys (fabric dialect) and the /v1 authorizer that resolves them to the tenant."""

from __future__ import annotations

import hashlib

from offers.store import keys
from offers.store.table import Table
from tests.support.client import TENANT_B, ApiClient
from tests.support.voucherify import make_app_key


def test_given_a_new_app_key_then_its_token_is_shown_once_and_stored_only_as_a_hash(api: ApiClient):
    response = api.post("/app-keys", {"name": "shop backend"})

    assert response.status == 201
    created = response.json()
    assert created["appId"].startswith(f"{api.tenant_id}.")
    assert len(created["appToken"]) >= 40
    assert created["name"] == "shop backend"
    listed = api.get("/app-keys").json()["data"]
    assert listed == [{"appId": created["appId"], "name": "shop backend", "createdAt": created["createdAt"]}]
    stored = Table().get(keys.app_key_key(api.tenant_id, created["appId"]))
    assert stored["tokenHash"] == hashlib.sha256(created["appToken"].encode()).hexdigest()
    assert created["appToken"] not in str(stored)


def test_given_an_app_key_when_used_on_v1_then_it_answers_for_its_tenant(api: ApiClient):
    client = make_app_key(api)

    response = client.request("GET", "/v1/exports")

    assert response.status == 200, response.body
    assert response.json() == {"object": "list", "data_ref": "exports", "exports": [], "total": 0}


def test_given_a_wrong_token_or_unknown_app_id_then_401_in_voucherify_format(api: ApiClient):
    client = make_app_key(api)
    for app_id, token in (
        (client.app_id, client.app_token[:-1] + ("A" if client.app_token[-1] != "A" else "B")),
        (f"{TENANT_B}.{client.app_id.split('.')[1]}", client.app_token),
        ("not-an-app-id", client.app_token),
    ):
        client.app_id, client.app_token = app_id, token
        response = client.request("GET", "/v1/exports")
        assert response.status == 401
        body = response.json()
        assert {k: body[k] for k in ("code", "key", "message")} == {
            "code": 401,
            "key": "unauthorized",
            "message": "Unauthorized",
        }
        assert body["request_id"]


def test_given_no_app_headers_then_api_gateway_answers_401(api: ApiClient):
    client = make_app_key(api)

    response = client.request("GET", "/v1/exports", keys=False)

    assert (response.status, response.json()) == (401, {"message": "Unauthorized"})


def test_given_a_revoked_key_then_it_is_refused_and_other_keys_still_work(api: ApiClient):
    revoked, kept = make_app_key(api, "old"), make_app_key(api, "new")

    assert api.delete(f"/app-keys/{revoked.app_id}").status == 204

    assert revoked.request("GET", "/v1/exports").status == 401
    assert kept.request("GET", "/v1/exports").status == 200
    assert [k["appId"] for k in api.get("/app-keys").json()["data"]] == [kept.app_id]
    assert api.delete(f"/app-keys/{revoked.app_id}").status == 404


def test_given_another_tenants_key_then_it_can_be_neither_listed_nor_revoked(api: ApiClient):
    theirs = make_app_key(api.as_tenant(TENANT_B))

    assert api.get("/app-keys").json()["data"] == []
    assert api.delete(f"/app-keys/{theirs.app_id}").status == 404
    assert theirs.request("GET", "/v1/exports").status == 200


def test_given_a_bad_app_key_body_then_400_naming_the_field(api: ApiClient):
    response = api.post("/app-keys", {"name": "", "scope": "all"})

    assert response.status == 400
    assert {d["field"] for d in response.json()["details"]} == {"name", "scope"}
