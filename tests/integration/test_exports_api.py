"""REDEMPTION exports end to end: API -> Step Functions (moto runs the real definition) ->
Lambda tasks (the real handlers) -> CSV chunks in S3 -> presigned download, on moto."""

from __future__ import annotations

import csv
import io
from collections import Counter
from urllib.parse import urlsplit

import pytest

from local.gateway import HttpRequest
from local.stack import LocalStack
from offers.services import export_engine
from offers.settings import get_settings
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import coupon_body, days_from_now, promotion_body, wait_until

COLUMNS = [
    "redemptionId",
    "orderId",
    "promotionId",
    "promotionName",
    "couponCode",
    "userId",
    "email",
    "storeId",
    "status",
    "redeemedAt",
    "createdAt",
    "updatedAt",
    "additionalAttributes",
]


@pytest.fixture
def tuned(monkeypatch):
    """Small chunks and segments, so a few hundred rows make several of each."""

    def tune(**values: object) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, str(value))
        get_settings.cache_clear()

    yield tune
    get_settings.cache_clear()


def export(api: ApiClient, filters: list | None = None, *, wait: bool = True) -> dict:
    response = api.post("/offers-exports", {"type": "REDEMPTION", "filters": filters or []})
    assert response.status == 201, response.body
    created = response.json()
    if not wait:
        return created

    def finished() -> dict | None:
        current = api.get(f"/offers-exports/{created['exportId']}").json()
        return None if current["status"] == "IN_PROGRESS" else current

    return wait_until(finished, timeout=120)


def download(api: ApiClient, stack: LocalStack, file_id: str) -> list[list[str]]:
    link = api.post("/offers-exports/actions/download-export-file", {"fileId": file_id})
    assert link.status == 200, link.body
    url = urlsplit(link.json()["url"])
    assert stack.gateway is not None
    response = stack.gateway.handle(HttpRequest("GET", url.path, url.query, {"host": url.netloc}))
    assert response.status == 200, response.body
    return list(csv.reader(io.StringIO(response.body.decode("utf-8"), newline="")))


def redeem_many(api: ApiClient, count: int, **fields) -> list[dict]:
    offer = api.post("/promotions", promotion_body(limits=[])).json()
    made = []
    for i in range(count):
        body = {"orderId": f"order-{i:04d}", "promotionId": offer["id"], "userId": f"user-{i % 4}", **fields}
        response = api.post("/redemptions", body)
        assert response.status == 201, response.body
        made.append(response.json())
    return made


# -- creating -----------------------------------------------------------------------------------


def test_given_a_redemption_export_when_created_then_201_at_once_with_the_seeds_fields(api: ApiClient):
    response = api.post(
        "/offers-exports",
        {"type": "REDEMPTION", "filters": [{"field": "userId", "operator": "EQUAL", "value": "u"}]},
    )
    assert response.status == 201
    body = response.json()
    assert {
        "exportId",
        "startedAt",
        "status",
        "type",
        "endedAt",
        "totalDataExported",
        "errors",
        "filters",
    } <= set(body)
    assert (body["status"], body["type"], body["endedAt"], body["totalDataExported"], body["errors"]) == (
        "IN_PROGRESS",
        "REDEMPTION",
        None,
        0,
        [],
    )
    assert body["filters"] == [{"field": "userId", "operator": "EQUAL", "value": "u"}]


def redemption_filter(field: str, operator: str, value: object) -> dict:
    return {"type": "REDEMPTION", "filters": [{"field": field, "operator": operator, "value": value}]}


@pytest.mark.parametrize(
    ("body", "status", "error_type", "field"),
    [
        ({"type": "COUPONS"}, 400, "REQUEST_VALIDATION", "type"),
        (redemption_filter("color", "EQUAL", "x"), 400, "INVALID_FILTER_FIELD", "filters[0].field"),
        (
            redemption_filter("userId", "LESS_THAN", "x"),
            400,
            "INVALID_FILTER_OPERATOR",
            "filters[0].operator",
        ),
        (
            redemption_filter("redeemedAt", "EQUAL", "x"),
            400,
            "INVALID_FILTER_OPERATOR",
            "filters[0].operator",
        ),
        (redemption_filter("redeemedAt", "LESS_THAN", "soon"), 400, "REQUEST_VALIDATION", "filters[0].value"),
        (redemption_filter("userId", "EQUAL", ["a", "b"]), 400, "REQUEST_VALIDATION", "filters[0].value"),
        (redemption_filter("userId", "LIKE", "a"), 400, "REQUEST_VALIDATION", "filters[0].operator"),
    ],
)
def test_given_a_bad_export_request_then_400_naming_the_field_and_nothing_is_created(
    api: ApiClient, body, status, error_type, field
):
    response = api.post("/offers-exports", body)
    assert (response.status, response.json()["type"]) == (status, error_type)
    assert field in {d["field"] for d in response.json()["details"]}
    assert api.get("/offers-exports").json()["query"]["count"] == 0


# -- running ------------------------------------------------------------------------------------


def test_given_redemptions_when_exported_then_one_csv_with_every_row_in_time_order(api, stack):
    made = redeem_many(
        api, 40, additionalAttributes=[{"name": "note", "values": ['say "hi", then', "line\nbreak"]}]
    )
    done = export(api)
    assert (done["status"], done["totalDataExported"], done["errors"]) == ("COMPLETED", 40, [])
    assert done["endedAt"] >= done["startedAt"]
    assert done["progress"] == {"rowsSoFar": 40, "segmentsDone": 1, "segmentsTotal": 1}
    assert done["fileId"] == done["exportId"]
    rows = download(api, stack, done["fileId"])
    assert rows[0] == COLUMNS
    assert [r[0] for r in rows[1:]] == [m["id"] for m in sorted(made, key=lambda m: m["redeemedAt"])]
    first = next(r for r in rows[1:] if r[0] == made[0]["id"])
    assert first[1:10] == [
        "order-0000",
        made[0]["promotionId"],
        made[0]["promotionName"],
        "",
        "user-0",
        "",
        "",
        "ACTIVE",
        made[0]["redeemedAt"],
    ]
    assert first[12] == '[{"name":"note","values":["say \\"hi\\", then","line\\nbreak"]}]'


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([{"field": "userId", "operator": "EQUAL", "value": "user-1"}], lambda m: m["userId"] == "user-1"),
        (
            [{"field": "orderId", "operator": "EQUAL", "value": "order-0007"}],
            lambda m: m["orderId"] == "order-0007",
        ),
        (
            [{"field": "storeId", "operator": "EQUAL", "value": "store-2"}],
            lambda m: m["storeId"] == "store-2",
        ),
        (
            [{"field": "email", "operator": "EQUAL", "value": "FAN@example.com"}],
            lambda m: m["email"] == "fan@example.com",
        ),
        (
            [{"field": "promoCode", "operator": "EQUAL", "value": "CODE-3"}],
            lambda m: m["couponCode"] == "CODE-3",
        ),
        (
            [
                {"field": "userId", "operator": "EQUAL", "value": "user-2"},
                {"field": "storeId", "operator": "EQUAL", "value": "store-2"},
            ],
            lambda m: m["userId"] == "user-2" and m["storeId"] == "store-2",
        ),
    ],
)
def test_given_equal_filters_when_exported_then_exactly_the_matching_rows(api, stack, filters, expected):
    offer = api.post("/coupons", coupon_body([f"CODE-{i}" for i in range(12)], limits=[])).json()
    made = []
    for i in range(12):
        body = {
            "orderId": f"order-{i:04d}",
            "promotionId": offer["id"],
            "couponCode": f"CODE-{i % 4}",
            "userId": f"user-{i % 3}",
            "storeId": f"store-{i % 5}",
            **({"email": "fan@example.com"} if i % 2 else {}),
        }
        made.append(api.post("/redemptions", body).json())
    done = export(api, filters)
    wanted = sorted(m["id"] for m in made if expected(m))
    assert done["totalDataExported"] == len(wanted) > 0
    assert sorted(r[0] for r in download(api, stack, done["fileId"])[1:]) == wanted


def test_given_date_ranges_when_exported_then_half_open_ranges_select_the_rows(api, stack):
    offer = api.post("/promotions", promotion_body(startAt=days_from_now(-30), limits=[])).json()
    made = [
        api.post(
            "/redemptions", {"orderId": f"o-{d}", "promotionId": offer["id"], "redeemedAt": days_from_now(-d)}
        ).json()
        for d in (20, 10, 5, 1)
    ]
    cut = made[1]["redeemedAt"]  # 10 days ago
    later = export(api, [{"field": "redeemedAt", "operator": "GREATER_THAN_OR_EQUAL_TO", "value": cut}])
    earlier = export(api, [{"field": "redeemedAt", "operator": "LESS_THAN", "value": cut}])
    assert sorted(r[1] for r in download(api, stack, later["fileId"])[1:]) == ["o-1", "o-10", "o-5"]
    assert [r[1] for r in download(api, stack, earlier["fileId"])[1:]] == ["o-20"]
    created_window = export(
        api,
        [
            {"field": "createdAt", "operator": "GREATER_THAN_OR_EQUAL_TO", "value": made[2]["createdAt"]},
            {"field": "createdAt", "operator": "LESS_THAN", "value": made[3]["createdAt"]},
        ],
    )
    assert [r[1] for r in download(api, stack, created_window["fileId"])[1:]] == ["o-5"]


def test_given_no_matching_rows_when_exported_then_completed_with_a_header_only_file(api, stack):
    done = export(api, [{"field": "userId", "operator": "EQUAL", "value": "nobody"}])
    assert (done["status"], done["totalDataExported"]) == ("COMPLETED", 0)
    assert download(api, stack, done["fileId"]) == [COLUMNS]
    assert len(done["files"]) == 1
    assert download(api, stack, done["files"][0]["fileId"]) == [COLUMNS]


def test_given_many_rows_when_exported_then_chunks_and_segments_split_and_add_up(api, stack, tuned):
    tuned(EXPORT_CHUNK_ROWS=70, EXPORT_SEGMENT_ROWS=150, EXPORT_SAMPLE_SIZE=10)
    made = redeem_many(api, 400)
    done = export(api)
    assert (done["status"], done["totalDataExported"]) == ("COMPLETED", 400)
    assert done["progress"]["segmentsTotal"] > 1
    assert done["progress"]["segmentsDone"] == done["progress"]["segmentsTotal"]
    assert len(done["files"]) >= 400 // 70
    seen: Counter[str] = Counter()
    for file in done["files"]:
        rows = download(api, stack, file["fileId"])
        assert rows[0] == COLUMNS  # every chunk is a CSV on its own
        assert len(rows) - 1 == file["rows"] <= 70
        seen.update(r[0] for r in rows[1:])
    assert seen == Counter(m["id"] for m in made)  # each row exactly once across chunks
    whole = download(api, stack, done["fileId"])
    assert whole[0] == COLUMNS and COLUMNS not in whole[1:]
    assert [r[0] for r in whole[1:]] == [m["id"] for m in sorted(made, key=lambda m: m["redeemedAt"])]


def test_given_a_segment_that_fails_once_then_it_is_retried_and_every_row_is_there_once(
    api, stack, tuned, monkeypatch
):
    tuned(EXPORT_CHUNK_ROWS=40, EXPORT_SEGMENT_ROWS=100, EXPORT_SAMPLE_SIZE=10)
    made = redeem_many(api, 250)
    real = export_engine.run_segment
    attempts: Counter[str] = Counter()

    def flaky(tenant_id: str, export_id: str, segment: dict) -> dict:
        attempts[segment["id"]] += 1
        if attempts[segment["id"]] == 1 and segment["id"] == "w00001":
            real_rows = export_engine.source_for

            def broken_source(export_type):  # writes some chunks, then dies mid-segment
                source = real_rows(export_type)

                class Dying:
                    columns = source.columns

                    def rows(self, *args):
                        for n, row in enumerate(source.rows(*args)):
                            if n == 30:
                                raise RuntimeError("injected failure after 30 rows")
                            yield row

                return Dying()

            monkeypatch.setattr(export_engine, "source_for", broken_source)
            try:
                return real(tenant_id, export_id, segment)
            finally:
                monkeypatch.setattr(export_engine, "source_for", real_rows)
        return real(tenant_id, export_id, segment)

    monkeypatch.setattr(export_engine, "run_segment", flaky)
    done = export(api)
    assert attempts["w00001"] == 2
    assert (done["status"], done["totalDataExported"]) == ("COMPLETED", 250)
    rows = download(api, stack, done["fileId"])[1:]
    assert Counter(r[0] for r in rows) == Counter(m["id"] for m in made)


def test_given_a_segment_that_keeps_failing_then_error_with_readable_errors_and_no_download(
    api, stack, monkeypatch
):
    redeem_many(api, 5)

    def broken(*_: object) -> dict:
        raise RuntimeError("the ledger is unreadable")

    monkeypatch.setattr(export_engine, "run_segment", broken)
    done = export(api)
    assert done["status"] == "ERROR"
    assert done["errors"] == [{"type": "RuntimeError", "message": "the ledger is unreadable"}]
    assert done["endedAt"] is not None
    assert done["files"] == []
    refused = api.post("/offers-exports/actions/download-export-file", {"fileId": done["exportId"]})
    assert (refused.status, refused.json()["type"]) == (409, "EXPORT_NOT_COMPLETED")


# -- reading, listing, downloading ---------------------------------------------------------------


def test_given_exports_when_listed_then_newest_first_with_offset_paging_and_count(api: ApiClient):
    made = [export(api, wait=False)["exportId"] for _ in range(5)]
    page = api.get("/offers-exports", query={"size": 2, "offset": 1}).json()
    assert page["query"] == {"size": 2, "offset": 1, "count": 5}
    assert [e["exportId"] for e in page["data"]] == list(reversed(made))[1:3]
    assert api.get("/offers-exports", query={"size": 0}).status == 400
    assert api.get("/offers-exports", query={"offset": -1}).status == 400


def test_given_an_export_in_progress_when_downloading_then_409(api: ApiClient):
    created = export(api, wait=False)
    response = api.post("/offers-exports/actions/download-export-file", {"fileId": created["exportId"]})
    assert response.status in (200, 409)  # it may already have finished: then the link is fine
    if response.status == 409:
        assert response.json()["type"] == "EXPORT_NOT_COMPLETED"


def test_given_bad_file_ids_then_400_or_404(api: ApiClient, stack):
    redeem_many(api, 2)
    done = export(api)
    assert api.post("/offers-exports/actions/download-export-file", {"fileId": "../../etc"}).status == 400
    assert api.post("/offers-exports/actions/download-export-file", {"fileId": "0" * 24}).status == 404
    missing_chunk = api.post(
        "/offers-exports/actions/download-export-file", {"fileId": f"{done['exportId']}-00099"}
    )
    assert (missing_chunk.status, missing_chunk.json()["type"]) == (404, "FILE_NOT_FOUND")
    assert api.get("/offers-exports/" + "0" * 24).status == 404


def test_given_a_download_url_when_edited_or_pointed_elsewhere_then_403(api: ApiClient, stack):
    redeem_many(api, 2)
    done = export(api)
    url = urlsplit(
        api.post("/offers-exports/actions/download-export-file", {"fileId": done["fileId"]}).json()["url"]
    )
    assert stack.gateway is not None
    other_key = url.path.replace(done["exportId"] + ".csv", "manifest.json")
    for path, query in (
        (other_key, url.query),
        (url.path, url.query.replace("X-Amz-Expires=300", "X-Amz-Expires=9999")),
    ):
        assert stack.gateway.handle(HttpRequest("GET", path, query, {"host": url.netloc})).status == 403
    unsigned = stack.gateway.handle(HttpRequest("GET", url.path, "", {"host": url.netloc}))
    assert unsigned.status == 403


def test_given_another_tenant_then_it_can_neither_see_nor_download_the_export(api: ApiClient, stack):
    redeem_many(api, 3)
    done = export(api)
    other = api.as_tenant(TENANT_B)
    assert other.get(f"/offers-exports/{done['exportId']}").status == 404
    assert other.get("/offers-exports").json() == {"query": {"size": 10, "offset": 0, "count": 0}, "data": []}
    for file_id in (done["fileId"], done["files"][0]["fileId"]):
        response = other.post("/offers-exports/actions/download-export-file", {"fileId": file_id})
        assert response.status == 404
    assert export(other)["totalDataExported"] == 0  # its own exports never contain our rows
