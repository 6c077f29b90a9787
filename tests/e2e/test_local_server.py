"""The local server, as a developer uses it: start it, call it with curl-like HTTP."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from local.template import ROOT
from tests.e2e.conftest import LocalServer
from tests.support.client import TENANT_A, TENANT_B, ApiClient, http_sender
from tests.support.factories import coupon_body, promotion_body, wait_until


def test_given_the_server_started_then_it_printed_url_tenant_and_a_working_token(local_server: LocalServer):
    assert re.match(r"^http://127\.0\.0\.1:\d+$", local_server.url)
    assert len(local_server.tenant_id) == 24
    demo = ApiClient(http_sender(local_server.url), lambda _: local_server.token, local_server.tenant_id)
    response = demo.get("/promotions")
    assert response.status == 200
    assert response.json()["query"]["size"] == 10


def test_given_make_token_when_its_last_line_is_used_then_the_running_server_accepts_it(local_server):
    tenant = "cccccccccccccccccccccccc"
    printed = subprocess.run(
        ["make", "-s", "token", f"TENANT={tenant}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    token = printed.strip().splitlines()[-1]
    client = ApiClient(http_sender(local_server.url), lambda _: token, tenant)
    assert client.post("/promotions", promotion_body()).status == 201
    assert client.as_tenant(TENANT_B).get("/promotions").status == 403


def test_given_http_clients_when_managing_a_promotion_then_the_full_lifecycle_works(http_api: ApiClient):
    created = http_api.post("/promotions", promotion_body(name="E2E promo"))
    assert created.status == 201
    promotion = created.json()
    path = f"/promotions/{promotion['id']}"
    assert http_api.get(path).json()["name"] == "E2E promo"
    assert http_api.put(path, promotion_body(name="E2E renamed")).json()["name"] == "E2E renamed"
    assert http_api.post(f"{path}/actions/toggle", {"isEnabled": False}).json()["status"] == "DISABLED"
    assert http_api.post(f"{path}/actions/toggle", {"isEnabled": True}).json()["status"] == "ACTIVE"
    assert http_api.post(f"{path}/actions/end").json()["status"] == "EXPIRED"
    listed = [p["id"] for p in http_api.get("/promotions", query={"size": 100}).json()["data"]]
    assert promotion["id"] in listed
    assert http_api.delete(path).status == 204
    assert http_api.get(path).status == 404


def test_given_bad_requests_over_http_then_the_documented_errors(http_api: ApiClient):
    assert http_api.get("/promotions", headers={"authorization": None}).status == 401
    missing_tenant = http_api.get("/promotions", tenant_header=False)
    assert (missing_tenant.status, missing_tenant.json()["type"]) == (400, "TENANT_HEADER_REQUIRED")
    short_tenant = http_api.get("/promotions", headers={"x-fabric-tenant-id": "abc"})
    assert (short_tenant.status, short_tenant.json()["type"]) == (400, "REQUEST_VALIDATION")
    assert http_api.get("/promotions", token=http_api.token_for(TENANT_B)).status == 403
    invalid = http_api.post("/promotions", promotion_body(type="NOPE"))
    assert (invalid.status, invalid.json()["details"][0]["field"]) == (400, "type")
    assert http_api.get("/no-such-route").status == 404


def test_given_concurrent_creates_when_they_race_then_each_gets_its_own_promo_id(http_api: ApiClient):
    client = http_api.as_tenant(TENANT_A)
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: client.post("/promotions", promotion_body()), range(24)))
    assert all(r.status == 201 for r in responses)
    promo_ids = [r.json()["promoId"] for r in responses]
    assert len(set(promo_ids)) == len(promo_ids)


def test_given_a_code_with_limit_3_when_30_http_redemptions_race_then_exactly_3_succeed(http_api: ApiClient):
    client = http_api.as_tenant("dddddddddddddddddddddddd")
    coupon = client.post("/coupons", coupon_body(["RUSH"], limits=[{"type": "CODE", "quantity": 3}])).json()

    def attempt(i: int) -> int:
        body = {"orderId": f"order-{i}", "promotionId": coupon["id"], "couponCode": "RUSH"}
        return client.post("/redemptions", body).status

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(pool.map(attempt, range(30)))
    assert statuses == [201] * 3 + [409] * 27
    listed = client.get("/redemptions", query={"couponCode": "RUSH", "size": 100}).json()["data"]
    assert len(listed) == 3
    assert client.get(f"/coupons/{coupon['id']}/codes").json()["data"][0]["status"] == "REDEEMED"


def test_given_a_redemption_when_exported_then_the_download_link_works_against_the_local_server(
    http_api: ApiClient,
):
    offer = http_api.post("/promotions", promotion_body(limits=[])).json()
    redeemed = http_api.post("/redemptions", {"orderId": "e2e-order-1", "promotionId": offer["id"]})
    assert redeemed.status == 201, redeemed.body
    filters = [{"field": "orderId", "operator": "EQUAL", "value": "e2e-order-1"}]
    created = http_api.post("/offers-exports", {"type": "REDEMPTION", "filters": filters}).json()

    def finished() -> dict | None:
        current = http_api.get(f"/offers-exports/{created['exportId']}").json()
        return None if current["status"] == "IN_PROGRESS" else current

    done = wait_until(finished, timeout=120)
    assert (done["status"], done["totalDataExported"]) == ("COMPLETED", 1)
    link = http_api.post("/offers-exports/actions/download-export-file", {"fileId": done["fileId"]}).json()
    with urllib.request.urlopen(link["url"], timeout=30) as response:  # a plain GET, as curl would send
        rows = list(csv.reader(io.StringIO(response.read().decode(), newline="")))
    assert rows[0][:2] == ["redemptionId", "orderId"]
    assert [row[1] for row in rows[1:]] == ["e2e-order-1"]
    tampered = link["url"] + "0"  # the signature no longer matches
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(tampered, timeout=30)
    assert refused.value.code == 403
