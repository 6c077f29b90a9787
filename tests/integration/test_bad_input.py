"""Issue 9: every bad input is a clear 4xx in the dialect's format, never a 5xx.

Each test sends what a careless or hostile client might, through the emulated HTTP API, and
checks the status, the error body's shape and the field it names.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from offers.store import retries
from offers.store.clients import dynamodb
from tests.support.client import ApiClient
from tests.support.factories import coupon_body, promotion_body
from tests.support.search import V2_PATH, site_context


def assert_fabric_error(response, status: int, field: str | None = None) -> dict:
    assert response.status == status, response.body[:300]
    body = response.json()
    assert isinstance(body["type"], str) and isinstance(body["message"], str)
    if field is not None:
        assert field in [d["field"] for d in body.get("details", [])], body
    return body


def create_promotion(api: ApiClient) -> str:
    response = api.post("/promotions", promotion_body())
    assert response.status == 201
    return response.json()["id"]


# -- 1, 2: timestamps ----------------------------------------------------------------------------

YEAR_1_EAST = "0001-01-01T00:00:00+14:00"
YEAR_9999_WEST = "9999-12-31T23:59:59-14:00"


@pytest.mark.parametrize("field", ["startAt", "endAt"])
def test_given_a_promotion_date_outside_utc_years_when_created_then_400_out_of_range(api: ApiClient, field):
    value = YEAR_1_EAST if field == "startAt" else YEAR_9999_WEST
    body = assert_fabric_error(api.post("/promotions", promotion_body(**{field: value})), 400, field)
    assert "out of range" in body["message"]
    assert_fabric_error(api.post("/coupons", coupon_body(**{field: value})), 400, field)


def test_given_an_extreme_redeemed_at_when_redeeming_then_400_naming_it(api: ApiClient):
    promotion_id = create_promotion(api)
    response = api.post(
        "/redemptions", {"orderId": "o-1", "promotionId": promotion_id, "redeemedAt": YEAR_1_EAST}
    )
    assert_fabric_error(response, 400, "redeemedAt")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/redemptions", "redeemedAtTo"),
        ("/redemptions", "redeemedAtFrom"),
        ("/coupons/codes", "endDate"),
        ("/coupons/codes", "startDate"),
    ],
)
def test_given_an_extreme_list_bound_when_listing_then_400_naming_it(api: ApiClient, path, field):
    assert_fabric_error(api.get(path, query={field: YEAR_9999_WEST}), 400, field)


@pytest.mark.parametrize("value", [0, 1764500000, 0.5, True, "1764500000", "0.5"])
def test_given_a_number_as_a_timestamp_when_created_then_400_not_a_unix_time(api: ApiClient, value):
    body = assert_fabric_error(api.post("/promotions", promotion_body(startAt=value)), 400, "startAt")
    assert "ISO 8601" in body["message"]


@pytest.mark.parametrize(
    ("path", "field"), [("/redemptions", "redeemedAtTo"), ("/coupons/codes", "startDate")]
)
def test_given_a_number_as_a_list_bound_when_listing_then_400_naming_it(api: ApiClient, path, field):
    assert_fabric_error(api.get(path, query={field: "0.5"}), 400, field)


@pytest.mark.parametrize("value", [0, 1, "true", None])
def test_given_a_flag_that_is_not_a_json_boolean_when_toggled_then_400_and_unchanged(api: ApiClient, value):
    promotion_id = create_promotion(api)
    response = api.post(f"/promotions/{promotion_id}/actions/toggle", {"isEnabled": value})
    assert_fabric_error(response, 400, "isEnabled")
    assert api.get(f"/promotions/{promotion_id}").json()["isEnabled"] is True
    assert_fabric_error(api.post("/promotions", promotion_body(isExclusive=value)), 400, "isExclusive")


def test_given_an_extreme_bound_on_a_coupons_codes_when_listing_then_400_naming_it(api: ApiClient):
    coupon_id = api.post("/coupons", coupon_body(["EDGE-1"])).json()["id"]
    assert_fabric_error(
        api.get(f"/coupons/{coupon_id}/codes", query={"endDate": YEAR_9999_WEST}), 400, "endDate"
    )


def test_given_a_search_bound_that_rounds_past_9999_when_searching_then_400(api: ApiClient):
    response = api.post(
        "/promotions/search",
        {"filters": [{"field": "updatedAt", "operator": "LESS_THAN", "value": "9999-12-31T23:59:59.9999Z"}]},
    )
    body = assert_fabric_error(response, 400)
    assert "out of range" in body["message"]


def test_given_an_extreme_export_filter_when_exporting_then_400(api: ApiClient):
    response = api.post(
        "/offers-exports",
        {
            "type": "REDEMPTION",
            "filters": [{"field": "redeemedAt", "operator": "LESS_THAN", "value": YEAR_9999_WEST}],
        },
    )
    body = assert_fabric_error(response, 400, "filters[0].value")
    assert "out of range" in body["message"]


@pytest.mark.parametrize(
    ("path", "lower", "upper"),
    [("/redemptions", "redeemedAtFrom", "redeemedAtTo"), ("/coupons/codes", "startDate", "endDate")],
)
def test_given_one_bound_zoned_and_one_not_when_listing_then_both_are_utc(api: ApiClient, path, lower, upper):
    response = api.get(path, query={lower: "2026-01-01T00:00:00", upper: "2026-02-01T00:00:00Z"})
    assert response.status == 200, response.body
    reversed_range = api.get(path, query={lower: "2026-02-01T00:00:00", upper: "2026-01-01T00:00:00Z"})
    assert_fabric_error(reversed_range, 400)


# -- 3: cursors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cursor", ["abc.é", "é", "abc.def", "%%%.%%%"])
def test_given_a_malformed_cursor_when_listing_then_400_on_every_cursor_list(api: ApiClient, cursor):
    coupon_id = api.post("/coupons", coupon_body(["CURSOR-1"])).json()["id"]
    for path in ["/promotions", "/redemptions", "/coupons/codes", f"/coupons/{coupon_id}/codes"]:
        assert_fabric_error(api.get(path, query={"startCursor": cursor}), 400, "startCursor")


# -- 4, 5, 9: the body: JSON media type, depth, an object ------------------------------------------

JSON_BODY_ROUTES = [
    ("POST", "/promotions"),
    ("PUT", "/promotions/{id}"),
    ("POST", "/promotions/{id}/actions/toggle"),
    ("POST", "/promotions/search"),
    ("POST", "/coupons"),
    ("PUT", "/coupons/{id}"),
    ("POST", "/coupons/actions/generate-codes"),
    ("PUT", "/coupons/{id}/codes/SOMECODE"),
    ("POST", "/redemptions"),
    ("PUT", "/redemptions/{id}"),
    ("PUT", "/redemptions/batch"),
    ("POST", "/offers-exports"),
    ("POST", "/offers-exports/actions/download-export-file"),
    ("POST", "/api-offers/promo/search"),
]


def send_raw(
    api: ApiClient, method: str, path: str, body: bytes, content_type: str | None = "application/json"
):
    headers = {"content-type": content_type}
    v2 = path.startswith("/api-offers/")  # fabric v2 names the tenant in x-site-context
    if v2:
        headers["x-site-context"] = json.dumps({"account": api.tenant_id})
    path = path.replace("{id}", "0" * 24)
    return api.request(method, path, raw_body=body, headers=headers, tenant_header=not v2)


@pytest.mark.parametrize(
    "content_type", ["APPLICATION/JSON", "application/json; charset=utf-8", "Application/Json;charset=UTF-8"]
)
def test_given_json_in_any_letter_case_or_with_parameters_when_posted_then_accepted(
    api: ApiClient, content_type
):
    response = send_raw(api, "POST", "/promotions", json.dumps(promotion_body()).encode(), content_type)
    assert response.status == 201, response.body


def test_given_a_body_without_content_type_when_posted_then_it_is_read_as_json(api: ApiClient):
    response = send_raw(api, "POST", "/promotions", json.dumps(promotion_body()).encode(), None)
    assert response.status == 201, response.body


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"],
)
def test_given_another_media_type_when_posted_to_any_json_route_then_415(api: ApiClient, content_type):
    for method, path in JSON_BODY_ROUTES:
        response = send_raw(api, method, path, json.dumps(promotion_body()).encode(), content_type)
        body = assert_fabric_error(response, 415)
        assert body["type"] == "UNSUPPORTED_MEDIA_TYPE", (method, path)


def test_given_json_nested_5000_levels_when_posted_to_any_json_route_then_400(api: ApiClient):
    deep = ('{"a":' * 5000 + "1" + "}" * 5000).encode()
    for method, path in JSON_BODY_ROUTES:
        body = assert_fabric_error(send_raw(api, method, path, deep), 400, "body")
        assert "nested too deeply" in body["message"], (method, path)


def test_given_json_nested_just_past_the_limit_when_posted_then_400(api: ApiClient):
    deep = json.dumps(promotion_body(name=json.loads("[" * 40 + "]" * 40))).encode()
    assert_fabric_error(send_raw(api, "POST", "/promotions", deep), 400, "body")


@pytest.mark.parametrize("payload", [[{"isEnabled": False}, {"isEnabled": True}], [], "text", 42, None])
def test_given_a_json_body_that_is_not_an_object_when_posted_to_any_json_route_then_400(
    api: ApiClient, payload
):
    for method, path in JSON_BODY_ROUTES:
        body = assert_fabric_error(send_raw(api, method, path, json.dumps(payload).encode()), 400, "body")
        assert "must be a JSON object" in body["message"], (method, path)


def test_given_a_promotion_array_when_posted_then_nothing_is_created(api: ApiClient):
    response = send_raw(api, "POST", "/promotions", json.dumps([promotion_body(), promotion_body()]).encode())
    assert_fabric_error(response, 400, "body")
    assert api.get("/promotions").json()["data"] == []


def test_given_a_body_that_is_not_utf8_when_posted_then_400(api: ApiClient):
    response = send_raw(api, "POST", "/promotions", b'{"name": "caf\xe9 \xff"}')
    assert_fabric_error(response, 400, "body")


# -- 8: the v2 search's x-site-context header ------------------------------------------------------


@pytest.mark.parametrize("value", [False, True])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/promotions/search", "offset"),
        ("/promotions/search", "size"),
        (V2_PATH, "offset"),
        (V2_PATH, "limit"),
    ],
)
def test_given_a_json_boolean_as_a_search_offset_or_page_size_then_400_naming_it(
    api: ApiClient, path, field, value
):
    headers = {"headers": site_context(api.tenant_id), "tenant_header": False} if path == V2_PATH else {}
    response = api.post(path, {field: value}, **headers)
    assert_fabric_error(response, 400, field)


@pytest.mark.parametrize(
    "site_context", ['{"account":' + "[" * 2000 + "]" * 2000 + "}", "[" * 4000, '["x"]', "{", "é"]
)
def test_given_a_malformed_site_context_when_searching_v2_then_400_in_the_v2_format(
    api: ApiClient, site_context
):
    response = api.request(
        "POST",
        "/api-offers/promo/search",
        json_body={},
        tenant_header=False,
        headers={"x-site-context": site_context},
    )
    assert_fabric_error(response, 400, "x-site-context")


# -- 7: the authorizer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", ["eyJhbGciOlsiUlMyNTYiXX0.e30.AAAA", "eyJhbGciOnt9fQ.e30.AAAA", "é.é.é", "a.b", "x" * 10_000]
)
def test_given_a_malformed_token_when_calling_any_route_then_401_unauthorized(api: ApiClient, token):
    routes = [("GET", "/promotions"), ("POST", "/redemptions"), ("POST", "/api-offers/promo/search")]
    for method, path in routes:
        response = api.request(method, path, token=token, json_body={})
        assert (response.status, response.json()) == (401, {"message": "Unauthorized"}), (method, path)


# -- Also: transient DynamoDB failures are retried, then 503 with Retry-After -----------------------


class Injected:
    """Makes the store's DynamoDB client raise ``error`` on ``method`` for the next ``times`` calls."""

    def __init__(self, monkeypatch, method: str, error: ClientError, times: int):
        self.client = dynamodb()
        self.original = getattr(self.client, method)
        self.error, self.times, self.calls = error, times, 0
        monkeypatch.setattr(self.client, method, self)
        monkeypatch.setattr(retries.time, "sleep", lambda _: None)

    def __call__(self, **params):
        self.calls += 1
        if self.calls <= self.times:
            raise self.error
        return self.original(**params)


def cancelled_by(*reasons: str) -> ClientError:
    response = {
        "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
        "CancellationReasons": [{"Code": reason} for reason in reasons],
    }
    return ClientError(response, "TransactWriteItems")


def throttled(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


def limited_promotion(api: ApiClient) -> str:
    response = api.post("/promotions", promotion_body(limits=[{"type": "SITE_WIDE", "quantity": 1}]))
    assert response.status == 201
    return response.json()["id"]


@pytest.mark.parametrize("reason", ["TransactionConflict", "ThrottlingError", "InternalServerError"])
def test_given_a_redemption_cancelled_by_a_race_a_few_times_then_it_is_retried_and_counted_once(
    api: ApiClient, monkeypatch, reason
):
    promotion_id = limited_promotion(api)
    injected = Injected(monkeypatch, "transact_write_items", cancelled_by("None", reason, "None"), times=2)
    response = api.post("/redemptions", {"orderId": "race-1", "promotionId": promotion_id})
    assert response.status == 201, response.body
    assert injected.calls == 3
    second = api.post("/redemptions", {"orderId": "race-2", "promotionId": promotion_id})
    assert_fabric_error(second, 409)  # the limit of 1 holds: the retried write counted once


def test_given_a_redemption_cancelled_by_races_every_time_then_503_retry_after_and_nothing_written(
    api: ApiClient, monkeypatch
):
    promotion_id = limited_promotion(api)
    injected = Injected(monkeypatch, "transact_write_items", cancelled_by("TransactionConflict"), times=100)
    response = api.post("/redemptions", {"orderId": "race-1", "promotionId": promotion_id})
    body = assert_fabric_error(response, 503)
    assert body["type"] == "SERVICE_UNAVAILABLE"
    assert int(response.headers["retry-after"]) >= 1
    assert 1 < injected.calls <= 10
    monkeypatch.undo()
    assert api.get("/redemptions").json()["data"] == []
    assert api.post("/redemptions", {"orderId": "race-1", "promotionId": promotion_id}).status == 201


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"]
)
def test_given_throttled_writes_and_reads_when_they_persist_then_503_and_when_they_pass_then_served(
    api: ApiClient, monkeypatch, code
):
    promotion_id = create_promotion(api)
    Injected(monkeypatch, "get_item", throttled(code, "GetItem"), times=100)
    response = api.get(f"/promotions/{promotion_id}")
    assert_fabric_error(response, 503)
    assert "retry-after" in response.headers
    monkeypatch.undo()
    Injected(monkeypatch, "update_item", throttled(code, "UpdateItem"), times=2)
    response = api.post(f"/promotions/{promotion_id}/actions/toggle", {"isEnabled": False})
    assert response.status == 200, response.body
    assert api.get(f"/promotions/{promotion_id}").json()["isEnabled"] is False


# -- 6: bodies within the field limits whose record would pass DynamoDB's 400 KB item limit ------

BIG_ATTRIBUTES = [{"name": f"attribute-{i}", "values": ["x" * 500] * 50} for i in range(50)]


def test_given_a_redemption_whose_attributes_make_it_over_400_kb_when_redeemed_then_413_and_nothing_stored(
    api: ApiClient,
):
    promotion_id = limited_promotion(api)
    response = api.post(
        "/redemptions",
        {"orderId": "big-1", "promotionId": promotion_id, "additionalAttributes": BIG_ATTRIBUTES},
    )
    body = assert_fabric_error(response, 413, "additionalAttributes")
    assert body["type"] == "PAYLOAD_TOO_LARGE"
    assert api.get("/redemptions").json()["data"] == []
    assert api.post("/redemptions", {"orderId": "big-1", "promotionId": promotion_id}).status == 201


def test_given_a_promotion_with_20_targets_of_1000_values_when_created_or_replaced_then_413_naming_it(
    api: ApiClient,
):
    targets = [{"type": "SKU", "operator": "IN", "values": [f"sku-{j:04d}-" + "y" * 30 for j in range(1000)]}]
    big = promotion_body(targets=targets * 20)
    assert_fabric_error(api.post("/promotions", big), 413, "targets")
    assert_fabric_error(api.post("/coupons", coupon_body(targets=targets * 20)), 413, "targets")
    promotion_id = create_promotion(api)
    assert_fabric_error(api.put(f"/promotions/{promotion_id}", big), 413, "targets")
    assert api.get(f"/promotions/{promotion_id}").json()["targets"] == []


def test_given_a_large_promotion_within_the_budget_when_created_then_stored_whole(api: ApiClient):
    targets = [{"type": "SKU", "operator": "IN", "values": [f"sku-{j:04d}-" + "y" * 30 for j in range(1000)]}]
    response = api.post("/promotions", promotion_body(targets=targets * 6))
    assert response.status == 201, response.body[:300]
    assert len(api.get(f"/promotions/{response.json()['id']}").json()["targets"]) == 6


# -- Also: values that become key parts are length-checked before DynamoDB --------------------------

LONG = "a" * 3000


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/promotions/{LONG}", None),
        ("PUT", f"/promotions/{LONG}", promotion_body()),
        ("DELETE", f"/promotions/{LONG}", None),
        ("POST", f"/promotions/{LONG}/actions/end", None),
        ("GET", f"/coupons/{LONG}", None),
        ("PUT", f"/coupons/000000000000000000000000/codes/{LONG}", {"status": "INACTIVE"}),
        ("GET", f"/coupons/000000000000000000000000/code-generations/{LONG}", None),
        ("GET", f"/redemptions/{LONG}", None),
        ("DELETE", f"/redemptions/{LONG}", None),
        ("GET", f"/offers-exports/{LONG}", None),
    ],
)
def test_given_an_over_long_path_id_or_code_when_called_then_404_quoting_little(
    api: ApiClient, method, path, body
):
    response = api.request(method, path, json_body=body)
    body = assert_fabric_error(response, 404)
    assert len(body["message"]) < 200


# -- Also: error messages quote at most about 100 characters of caller input --------------------------

JUNK = "Q" * 5000


def quotes_little(response) -> bool:
    return "Q" * 120 not in response.body.decode()


def test_given_5000_character_inputs_when_refused_then_the_error_quotes_at_most_about_100(api: ApiClient):
    search = "/promotions/search"
    refused = [
        api.post("/promotions", promotion_body(**{JUNK: 1})),
        api.post("/promotions", {JUNK: {JUNK: 1}}),
        api.post("/promotions", promotion_body(type=JUNK)),
        api.post(search, {"filters": [{"field": JUNK, "operator": "EQUAL", "value": "x"}]}),
        api.post(search, {"filters": [{"field": "id", "operator": "EQUAL", "value": JUNK}]}),
        api.post(search, {"filters": [{"field": "status", "operator": "IN", "value": [JUNK]}]}),
        api.post(search, {"filters": [{"field": "updatedAt", "operator": "LESS_THAN", "value": JUNK}]}),
        api.post(
            "/offers-exports",
            {"type": "REDEMPTION", "filters": [{"field": "x" * 64, "operator": "EQUAL", "value": "v"}]},
        ),
        api.request("POST", "/promotions", raw_body=b"{}", headers={"content-type": JUNK}),
        api.get(f"/promotions/{JUNK}"),
    ]
    for response in refused:
        assert 400 <= response.status < 500, response.body[:200]
        assert quotes_little(response), response.body[:300]


def test_given_a_thousand_bad_codes_when_refused_then_the_message_sums_up_and_details_list_them(
    api: ApiClient,
):
    response = api.post("/coupons", coupon_body(["!"] * 1000))
    body = assert_fabric_error(response, 400)
    assert len(body["message"]) < 1000
    assert 5 < len(body["details"]) <= 100


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "APPLICATION/JSON; x=y",
        None,
    ],
)
def test_given_no_body_under_any_content_type_when_a_body_is_required_then_400_naming_the_body(
    api: ApiClient, content_type
):
    body = assert_fabric_error(send_raw(api, "POST", "/promotions", b"", content_type), 400, "body")
    assert "is required" in body["message"]
    assert api.request("GET", "/promotions", headers={"content-type": content_type}).status == 200
