"""The Voucherify exports dialect driven by the official SDK (voucherify==6.1.1), as a user's
code would drive it, against the local server over HTTP."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from voucherify import ApiClient as SdkClient
from voucherify import Configuration, CustomersApi, ExportsApi, PublicationsApi
from voucherify.exceptions import BadRequestException, NotFoundException, UnauthorizedException
from voucherify.models.customers_create_request_body import CustomersCreateRequestBody
from voucherify.models.exports_create_request_body import ExportsCreateRequestBody
from voucherify.models.publications_create_request_body import PublicationsCreateRequestBody

from local.template import ROOT
from tests.e2e.conftest import LocalServer
from tests.support.client import ApiClient
from tests.support.factories import coupon_body, iso, promotion_body, wait_until
from tests.support.voucherify import SEED_002_FIELDS, seed_002_request

NOW = datetime.now(UTC).replace(microsecond=0)


def at(days: float) -> str:
    return iso(NOW + timedelta(days=days))


def exports_api(server: LocalServer, app_id: str, app_token: str) -> ExportsApi:
    config = Configuration(host=server.url, api_key={"X-App-Id": app_id, "X-App-Token": app_token})
    return ExportsApi(SdkClient(config))


def new_tenant(http_api: ApiClient) -> tuple[ApiClient, dict]:
    """A fresh tenant (the session's server is shared) and an app key of its own."""
    fabric = http_api.as_tenant(f"vf{secrets.token_hex(11)}")
    key = fabric.post("/app-keys", {"name": "sdk tests"})
    assert key.status == 201, key.body
    return fabric, key.json()


@pytest.fixture
def tenant(http_api: ApiClient, local_server: LocalServer):
    """A tenant with four redemptions over ten days, and the SDK with its app key."""
    fabric, key = new_tenant(http_api)
    offer = fabric.post("/promotions", promotion_body(limits=[], startAt=at(-30))).json()
    redemptions = {}
    for order, days, user in (
        ("o-9", -9, "anna"),
        ("o-5", -5, "bob"),
        ("o-3", -3, "cleo"),
        ("o-1", -1, "anna"),
    ):
        body = {"orderId": order, "promotionId": offer["id"], "redeemedAt": at(days), "userId": user}
        response = fabric.post("/redemptions", body)
        assert response.status == 201, response.body
        redemptions[order] = response.json()
    return fabric, key, exports_api(local_server, key["appId"], key["appToken"]), redemptions


def create(sdk: ExportsApi, body: dict):
    return sdk.create_export(ExportsCreateRequestBody.from_dict(body))


def wait_done(sdk: ExportsApi, export_id: str):
    return wait_until(lambda: (e := sdk.get_export(export_id)).status in ("DONE", "ERROR") and e, timeout=120)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_given_seed_002s_request_through_the_sdk_then_scheduled_done_and_exactly_the_matching_rows(tenant):
    _, _, sdk, redemptions = tenant
    body = seed_002_request(at(-6), at(-2))

    created = create(sdk, body)

    assert (created.object, created.status, created.channel, created.exported_object) == (
        "export",
        "SCHEDULED",
        "API",
        "redemption",
    )
    assert created.id.startswith("exp_")
    done = wait_done(sdk, created.id)
    assert done.status == "DONE"
    assert done.parameters.fields == SEED_002_FIELDS
    token = parse_qs(urlsplit(done.result.url).query)["token"][0]
    rows = csv_rows(sdk.download_export(created.id, token))
    assert rows[0] == SEED_002_FIELDS
    assert [row[0] for row in rows[1:]] == [redemptions["o-3"]["id"], redemptions["o-5"]["id"]]
    assert [row[5] for row in rows[1:]] == ["SUCCESS", "SUCCESS"]


def test_given_exports_then_the_sdk_lists_pages_and_deletes_them(tenant):
    _, _, sdk, _ = tenant
    made = [create(sdk, {"exported_object": "redemption"}).id for _ in range(3)]

    first = sdk.list_exports(limit=2, page=1, order="-created_at")
    second = sdk.list_exports(limit=2, page=2, order="-created_at")

    assert (first.object, first.data_ref, first.total) == ("list", "exports", 3)
    assert [e.id for e in first.exports + second.exports] == made[::-1]
    for export_id in made:
        wait_done(sdk, export_id)
    sdk.delete_export(made[0])
    with pytest.raises(NotFoundException) as missing:
        sdk.get_export(made[0])
    error = json.loads(missing.value.body)
    assert (error["key"], error["resource_id"], error["resource_type"]) == ("not_found", made[0], "export")
    assert sdk.list_exports().total == 2


def test_given_bad_requests_then_the_sdk_raises_with_voucherifys_error_bodies(tenant, local_server):
    _, key, sdk, _ = tenant

    with pytest.raises(BadRequestException) as bad_fields:
        create(sdk, {"exported_object": "redemption", "parameters": {"fields": ["id", "code"]}})
    with pytest.raises(BadRequestException) as bad_filter:
        create(
            sdk,
            {
                "exported_object": "redemption",
                "parameters": {"filters": {"colour": {"conditions": {"$is": "x"}}}},
            },
        )
    with pytest.raises(BadRequestException) as not_yet:
        create(sdk, {"exported_object": "order"})
    with pytest.raises(NotFoundException):
        sdk.delete_export("exp_0123456789abcdef01234567")
    with pytest.raises(UnauthorizedException) as unauthorized:
        exports_api(local_server, key["appId"], "wrong-token").list_exports()

    assert json.loads(bad_fields.value.body)["key"] == "invalid_export_fields"
    assert "Allowed fields: id, object, date" in json.loads(bad_fields.value.body)["details"]
    assert "parameters.filters.colour" in json.loads(bad_filter.value.body)["details"]
    assert json.loads(not_yet.value.body)["key"] == "invalid_payload"
    assert json.loads(unauthorized.value.body)["key"] == "unauthorized"


def test_given_bad_list_parameters_then_invalid_query_params(tenant, local_server: LocalServer):
    _, key, sdk, _ = tenant
    # the SDK itself refuses page 0 before sending, so send it through its raw REST client
    headers = {"X-App-Id": key["appId"], "X-App-Token": key["appToken"]}

    raw = sdk.api_client.rest_client.request("GET", f"{local_server.url}/v1/exports?page=0", headers=headers)

    raw.read()
    assert raw.status == 400
    error = json.loads(raw.data)
    assert (error["code"], error["key"], error["message"]) == (
        400,
        "invalid_query_params",
        "Invalid query params",
    )
    assert "page" in error["details"]


def test_given_another_tenant_or_a_revoked_key_then_nothing_is_seen_downloaded_or_deleted(
    tenant, http_api: ApiClient, local_server: LocalServer
):
    fabric, key, sdk, _ = tenant
    done = wait_done(sdk, create(sdk, {"exported_object": "redemption"}).id)
    token = parse_qs(urlsplit(done.result.url).query)["token"][0]
    _, other_key = new_tenant(http_api)
    theirs = exports_api(local_server, other_key["appId"], other_key["appToken"])

    with pytest.raises(NotFoundException):
        theirs.get_export(done.id)
    with pytest.raises(NotFoundException):
        theirs.delete_export(done.id)
    with pytest.raises(UnauthorizedException):
        theirs.download_export(done.id, token)
    assert theirs.list_exports().total == 0

    assert fabric.delete(f"/app-keys/{key['appId']}").status == 204
    with pytest.raises(UnauthorizedException):
        sdk.list_exports()
    with pytest.raises(UnauthorizedException):
        sdk.download_export(done.id, token)  # the keys it sends are refused now


def test_given_result_url_then_curl_follows_it_to_the_csv(tenant):
    _, _, sdk, _ = tenant
    done = wait_done(
        sdk, create(sdk, {"exported_object": "redemption", "parameters": {"fields": ["order_id"]}}).id
    )

    curl = subprocess.run(
        ["curl", "-sSfL", done.result.url], capture_output=True, text=True, timeout=60, check=True
    )

    assert csv_rows(curl.stdout) == [["order_id"], ["o-9"], ["o-5"], ["o-3"], ["o-1"]]


def test_given_make_serves_demo_key_then_the_sdk_works_with_it(local_server: LocalServer):
    sdk = exports_api(local_server, local_server.app_id, local_server.app_token)

    assert sdk.list_exports().object == "list"


def test_given_make_app_key_then_its_last_two_lines_are_a_working_key(local_server: LocalServer):
    tenant_id = f"mk{secrets.token_hex(11)}"
    made = subprocess.run(
        [sys.executable, "-m", "local.appkeys", tenant_id],
        cwd=ROOT,
        env={"OFFERS_API_URL": local_server.url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    app_id_line, app_token_line = made.stdout.strip().splitlines()[-2:]

    assert app_id_line.startswith(f"OFFERS_APP_ID={tenant_id}.")
    sdk = exports_api(local_server, app_id_line.partition("=")[2], app_token_line.partition("=")[2])
    assert sdk.list_exports().total == 0


def test_given_a_campaigns_codes_then_the_sdk_exports_them_as_vouchers(tenant):
    fabric, _, sdk, _ = tenant
    coupon = fabric.post("/coupons", coupon_body(["E2E-1", "E2E-2"], startAt=at(-1))).json()
    fabric.post("/coupons", coupon_body(["OTHER-1"], startAt=at(-1)))

    parameters = {"fields": ["code", "campaign", "active"], "campaign_id": coupon["id"]}
    created = create(sdk, {"exported_object": "voucher", "parameters": parameters})
    done = wait_done(sdk, created.id)

    token = parse_qs(urlsplit(done.result.url).query)["token"][0]
    rows = csv_rows(sdk.download_export(created.id, token))
    assert rows[0] == ["code", "campaign", "active"]
    assert sorted(rows[1:]) == [["E2E-1", "Spring coupon", "true"], ["E2E-2", "Spring coupon", "true"]]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_given_the_readmes_voucherify_curl_block_then_it_downloads_the_csv(local_server: LocalServer):
    text = (ROOT / "README.md").read_text()
    script = re.search(r"### Voucherify exports.*?```sh\n(.*?)```", text, re.S).group(1)
    env = {
        "PATH": os.environ["PATH"],
        "OFFERS_API_URL": local_server.url,
        "OFFERS_APP_ID": local_server.app_id,
        "OFFERS_APP_TOKEN": local_server.app_token,
    }

    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "id,object,date,voucher_code,customer_id,result"


def test_given_the_sdk_then_customers_and_publications_round_trip_and_export(tenant):
    fabric, _, sdk, _ = tenant
    config = sdk.api_client
    customers, publications = CustomersApi(config), PublicationsApi(config)
    assert fabric.post("/coupons", coupon_body(["SDK-1", "SDK-2"], startAt=at(-1))).status == 201

    made = customers.create_customer(
        CustomersCreateRequestBody.from_dict(
            {"source_id": "sdk-ann", "name": "Ann", "address": {"city": "Oslo"}}
        )
    )
    published = publications.create_publication(
        publications_create_request_body=PublicationsCreateRequestBody.from_dict(
            {"voucher": "SDK-2", "customer": {"source_id": "sdk-ann"}}
        )
    )
    listed = publications.list_publications(limit=10, page=1)
    found = customers.get_customer("sdk-ann")

    assert made.id.startswith("cust_") and made.address.city == "Oslo"
    assert (published.vouchers, published.customer_id, published.tracking_id) == (
        ["SDK-2"],
        made.id,
        "sdk-ann",
    )
    assert [p.id for p in listed.publications] == [published.id] and listed.total == 1
    assert (found.id, found.name) == (made.id, "Ann")
    done = wait_done(sdk, create(sdk, {"exported_object": "publication"}).id)
    token = parse_qs(urlsplit(done.result.url).query)["token"][0]
    rows = csv_rows(sdk.download_export(done.id, token))
    assert rows[0] == ["voucher_code", "customer_id", "date", "channel"]
    assert [row[:2] for row in rows[1:]] == [["SDK-2", made.id]]
    customers.delete_customer("sdk-ann")
    with pytest.raises(NotFoundException):
        customers.get_customer("sdk-ann")


def test_given_the_sdk_then_list_publications_filters_and_orders_and_a_campaign_publishes_by_name(tenant):
    from voucherify.models.parameter_order_list_publications import ParameterOrderListPublications
    from voucherify.models.parameter_result_list_publications import ParameterResultListPublications

    fabric, _, sdk, _ = tenant
    publications = PublicationsApi(sdk.api_client)
    assert fabric.post("/coupons", coupon_body(["LP-1", "LP-2"], startAt=at(-1))).status == 201
    assert fabric.post("/coupons", coupon_body(["FALL-1"], name="Fall", startAt=at(-1))).status == 201
    for body in (
        {"voucher": "LP-2", "customer": {"source_id": "lp-ann"}},
        {"voucher": "LP-1", "customer": {"source_id": "lp-bob"}},
        {"campaign": {"name": "Fall"}, "customer": {"source_id": "lp-ann"}},
    ):
        publications.create_publication(
            publications_create_request_body=PublicationsCreateRequestBody.from_dict(body)
        )

    by_customer = publications.list_publications(
        customer="lp-ann", order=ParameterOrderListPublications.VOUCHER_CODE
    )
    by_campaign = publications.list_publications(campaign="Fall")
    by_voucher = publications.list_publications(
        voucher="LP-1", result=ParameterResultListPublications.SUCCESS
    )
    failures = publications.list_publications(result=ParameterResultListPublications.FAILURE)

    assert ([p.vouchers for p in by_customer.publications], by_customer.total) == ([["FALL-1"], ["LP-2"]], 2)
    assert [p.vouchers for p in by_campaign.publications] == [["FALL-1"]]
    assert [p.tracking_id for p in by_voucher.publications] == ["lp-bob"]
    assert (failures.publications, failures.total) == ([], 0)


def test_given_the_sdk_then_metadata_is_one_column_per_key_and_vouchers_come_in_the_order_asked(tenant):
    fabric, _, sdk, _ = tenant
    for codes, season in ((["MC-2", "MC-9"], "spring"), (["MC-5"], None)):
        attributes = [{"name": "season", "values": [season]}] if season else []
        attributes += [{"name": "aisle", "values": ["7"]}] if not season else []
        body = coupon_body(codes, startAt=at(-1), additionalAttributes=attributes)
        assert fabric.post("/coupons", body).status == 201

    parameters = {"fields": ["code", "metadata"], "order": "-code"}
    created = create(sdk, {"exported_object": "voucher", "parameters": parameters})
    done = wait_done(sdk, created.id)

    assert (done.status, done.parameters.fields, done.parameters.order) == (
        "DONE",
        ["code", "metadata"],
        "-code",
    )
    token = parse_qs(urlsplit(done.result.url).query)["token"][0]
    assert csv_rows(sdk.download_export(created.id, token)) == [
        ["code", "metadata.aisle", "metadata.season"],
        ["MC-9", "", "spring"],
        ["MC-5", "7", ""],
        ["MC-2", "", "spring"],
    ]
