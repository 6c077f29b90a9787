"""Coupons and their codes, through the emulated HTTP API on moto."""

from __future__ import annotations

import pytest

from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import coupon_body, promotion_body


def create_coupon(api: ApiClient, codes: list[str] | None = None, **overrides) -> dict:
    response = api.post("/coupons", coupon_body(codes, **overrides))
    assert response.status == 201, response.body
    return response.json()


def codes_of(api: ApiClient, coupon_id: str, **query) -> list[str]:
    found, cursor = [], None
    while True:
        page = api.get(
            f"/coupons/{coupon_id}/codes",
            query={"size": 100, **query, **({"startCursor": cursor} if cursor else {})},
        ).json()
        found += [c["code"] for c in page["data"]]
        cursor = page["query"]["nextCursor"]
        if cursor is None:
            return found


def tenant_codes(api: ApiClient, **query) -> list[str]:
    found, cursor = [], None
    while True:
        page = api.get(
            "/coupons/codes", query={"size": 100, **query, **({"startCursor": cursor} if cursor else {})}
        )
        assert page.status == 200, page.body
        found += [c["code"] for c in page.json()["data"]]
        cursor = page.json()["query"]["nextCursor"]
        if cursor is None:
            return found


# -- coupons ------------------------------------------------------------------------------------


def test_given_a_coupon_with_codes_when_created_then_it_is_explicit_and_its_codes_exist(api: ApiClient):
    coupon = create_coupon(api, ["SUMMER100", "SUMMER20"])
    assert coupon["isImplicit"] is False
    assert coupon["couponCodes"] == ["SUMMER100", "SUMMER20"]
    assert coupon["codeCount"] == 2
    assert coupon["limits"] == [
        {"type": "SITE_WIDE", "quantity": 1000},
        {"type": "CUSTOMER", "quantity": 1},
        {"type": "CODE", "quantity": 1},
    ]
    assert api.get(f"/coupons/{coupon['id']}").json() == coupon
    assert api.get(f"/promotions/{coupon['id']}").json()["isImplicit"] is False
    assert sorted(codes_of(api, coupon["id"])) == ["SUMMER100", "SUMMER20"]


def test_given_more_codes_than_one_transaction_holds_when_created_then_all_exist(api: ApiClient):
    codes = [f"BULK{i:04d}" for i in range(250)]
    coupon = create_coupon(api, codes)
    assert coupon["codeCount"] == 250
    assert sorted(codes_of(api, coupon["id"])) == codes


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"isImplicit": True}, "isImplicit", "False"),
        ({"couponCodes": ["DUP1", "DUP1"]}, "couponCodes", "unique"),
        ({"couponCodes": ["has space"]}, "couponCodes[0]", "pattern"),
        ({"couponCodes": ["X"]}, "couponCodes[0]", "pattern"),
        ({"limits": [{"type": "PER_MOON", "quantity": 1}]}, "limits[0].type", "CODE"),
    ],
)
def test_given_an_invalid_coupon_when_created_then_400_naming_the_field(
    api: ApiClient, overrides, field, fragment
):
    response = api.post("/coupons", coupon_body(["OK01"], **overrides))
    assert response.status == 400
    problems = {d["field"]: d["message"] for d in response.json()["details"]}
    assert field in problems, problems
    assert fragment in problems[field]


@pytest.mark.parametrize("count", [5, 150])
def test_given_a_code_that_exists_when_creating_a_coupon_then_409_and_nothing_is_created(
    api: ApiClient, count
):
    existing = create_coupon(api, ["TAKEN1"])
    codes = [f"NEW{i:04d}" for i in range(count)] + ["TAKEN1"]
    response = api.post("/coupons", coupon_body(codes, name="Clashing"))
    assert response.status == 409
    assert response.json()["type"] == "COUPON_CODE_EXISTS"
    assert "TAKEN1" in response.json()["message"]
    assert tenant_codes(api) == ["TAKEN1"]
    listed = api.get("/promotions", query={"size": 100}).json()["data"]
    assert [p["id"] for p in listed] == [existing["id"]]


def test_given_the_same_code_in_two_tenants_then_each_has_its_own(api: ApiClient):
    create_coupon(api, ["SHARED"])
    other = api.as_tenant(TENANT_B).post("/coupons", coupon_body(["SHARED"]))
    assert other.status == 201


def test_given_a_promotion_or_unknown_id_when_used_as_a_coupon_then_404(api: ApiClient):
    promotion = api.post("/promotions", promotion_body()).json()
    for coupon_id in (promotion["id"], "0" * 24):
        assert api.get(f"/coupons/{coupon_id}").status == 404
        assert api.put(f"/coupons/{coupon_id}", coupon_body()).status == 404
        assert api.delete(f"/coupons/{coupon_id}").status == 404
        assert api.get(f"/coupons/{coupon_id}/codes").status == 404
    assert api.get(f"/promotions/{promotion['id']}").status == 200


def test_given_a_coupon_when_replaced_then_fields_change_codes_follow_and_counts_stay_true(api: ApiClient):
    coupon = create_coupon(api, ["KEEP", "DROP"])
    api.post("/coupons/actions/generate-codes", {"couponId": coupon["id"], "prefix": "GEN", "count": 3})
    response = api.put(f"/coupons/{coupon['id']}", coupon_body(["KEEP", "ADDED"], name="Renamed"))
    assert response.status == 200
    replaced = response.json()
    assert (replaced["name"], replaced["couponCodes"], replaced["codeCount"]) == (
        "Renamed",
        ["KEEP", "ADDED"],
        5,
    )
    assert sorted(codes_of(api, coupon["id"])) == ["ADDED", "GEN1", "GEN2", "GEN3", "KEEP"]


def test_given_a_taken_code_when_added_by_replace_then_409_and_the_coupon_is_unchanged(api: ApiClient):
    create_coupon(api, ["OTHER1"])
    coupon = create_coupon(api, ["MINE1"])
    response = api.put(f"/coupons/{coupon['id']}", coupon_body(["MINE1", "FRESH1", "OTHER1"], name="Changed"))
    assert response.status == 409
    assert api.get(f"/coupons/{coupon['id']}").json() == coupon
    assert codes_of(api, coupon["id"]) == ["MINE1"]
    assert "FRESH1" not in tenant_codes(api)


def test_given_a_coupon_with_codes_when_made_implicit_through_promotions_then_409(api: ApiClient):
    coupon = create_coupon(api, ["CODE1"])
    response = api.put(f"/promotions/{coupon['id']}", promotion_body(isImplicit=True))
    assert (response.status, response.json()["type"]) == (409, "COUPON_HAS_CODES")


@pytest.mark.parametrize("path", ["/coupons/{id}", "/promotions/{id}"])
def test_given_a_coupon_when_deleted_then_its_codes_are_free_again(api: ApiClient, path):
    coupon = create_coupon(api, ["AGAIN1", "AGAIN2"])
    api.post(
        "/coupons/actions/generate-codes",
        {"couponId": coupon["id"], "prefix": "AGAIN", "start": 2, "count": 2},
    )
    assert api.delete(path.format(id=coupon["id"])).status == 204
    assert api.get(f"/coupons/{coupon['id']}").status == 404
    assert tenant_codes(api) == []
    assert create_coupon(api, ["AGAIN1", "AGAIN2", "AGAIN3", "AGAIN4"])["codeCount"] == 4


# -- code generation ----------------------------------------------------------------------------


def test_given_prefix_start_and_count_when_generating_then_fabric_sequential_codes(api: ApiClient):
    coupon = create_coupon(api)
    response = api.post(
        "/coupons/actions/generate-codes",
        {"couponId": coupon["id"], "prefix": "SPRING", "start": 200, "count": 10},
    )
    assert response.status == 201
    generation = response.json()
    expected = [f"SPRING{n}" for n in range(201, 211)]
    assert generation["codes"] == expected
    assert (generation["status"], generation["requested"], generation["generated"]) == ("COMPLETED", 10, 10)
    assert sorted(codes_of(api, coupon["id"])) == sorted(expected)
    assert api.get(f"/coupons/{coupon['id']}").json()["codeCount"] == 10
    progress = api.get(f"/coupons/{coupon['id']}/code-generations/{generation['id']}").json()
    assert (progress["status"], progress["generated"]) == ("COMPLETED", 10)


def test_given_no_coupon_when_generating_then_codes_are_returned_and_nothing_is_stored(api: ApiClient):
    response = api.post("/coupons/actions/generate-codes", {"prefix": "SPRING", "start": 200, "count": 3})
    assert (response.status, response.json()) == (200, {"codes": ["SPRING201", "SPRING202", "SPRING203"]})
    assert tenant_codes(api) == []


def test_given_a_random_spec_when_generating_then_codes_follow_it_and_are_unique(api: ApiClient):
    coupon = create_coupon(api)
    spec = {"couponId": coupon["id"], "type": "RANDOM", "count": 300, "prefix": "VIP-", "suffix": "-X"}
    numeric = {**spec, "length": 12, "charset": "NUMERIC"}
    codes = api.post("/coupons/actions/generate-codes", numeric).json()["codes"]
    assert len(set(codes)) == 300
    for code in codes:
        assert code.startswith("VIP-") and code.endswith("-X")
        assert len(code) == len("VIP-") + 12 + len("-X")
        assert code[4:-2].isdigit()
    unambiguous = api.post("/coupons/actions/generate-codes", {**spec, "count": 50}).json()["codes"]
    assert not any(set(code[4:-2]) & set("01IOL") for code in unambiguous)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"prefix": "S", "count": 3}, "prefix"),
        (
            {"count": 1},
            "prefix",
        ),  # sequential by default: no prefix is a 400, not a 500 (found by the fuzzer)
        ({"prefix": "TOOLONGPREFIX1", "count": 3}, "prefix"),
        ({"prefix": "SPRING", "count": 0}, "count"),
        ({"prefix": "SPRING", "count": 1_000_001}, "count"),
        ({"type": "RANDOM", "count": 1000, "length": 4}, "length"),
        ({"type": "RANDOM", "count": 10, "charset": "EMOJI"}, "charset"),
        ({"type": "SOMETIMES", "count": 10}, "type"),
        ({"prefix": "SPRING", "count": 5000}, "count"),
        ({"prefix": "SPRING", "count": 3, "couponId": "nope"}, "couponId"),
    ],
)
def test_given_a_bad_generation_request_when_sent_then_400_naming_the_field(api: ApiClient, body, field):
    response = api.post("/coupons/actions/generate-codes", body)
    assert response.status == 400, response.body
    assert field in {d["field"] for d in response.json()["details"]}


def test_given_an_unknown_coupon_or_a_promotion_when_generating_then_404(api: ApiClient):
    promotion = api.post("/promotions", promotion_body()).json()
    for coupon_id in ("0" * 24, promotion["id"]):
        response = api.post(
            "/coupons/actions/generate-codes", {"couponId": coupon_id, "prefix": "AB", "count": 2}
        )
        assert response.status == 404
    assert tenant_codes(api) == []


def test_given_a_range_that_overlaps_existing_codes_when_generating_then_409_and_nothing_is_left(
    api: ApiClient,
):
    first = create_coupon(api)
    second = create_coupon(api)
    api.post(
        "/coupons/actions/generate-codes",
        {"couponId": first["id"], "prefix": "WEEK", "start": 150, "count": 10},
    )
    response = api.post(
        "/coupons/actions/generate-codes", {"couponId": second["id"], "prefix": "WEEK", "count": 300}
    )
    assert response.status == 409
    assert response.json()["type"] == "COUPON_CODE_EXISTS"
    assert "WEEK151" in response.json()["message"]
    assert codes_of(api, second["id"]) == []
    assert api.get(f"/coupons/{second['id']}").json()["codeCount"] == 0
    assert len(tenant_codes(api)) == 10


# -- code lists and assignment ------------------------------------------------------------------


def test_given_codes_when_assigned_unassigned_and_deactivated_then_lists_follow(api: ApiClient):
    coupon = create_coupon(api, ["C1", "C2", "C3"])
    base = f"/coupons/{coupon['id']}/codes"
    assigned = api.put(f"{base}/C2", {"userId": "customer-7"})
    assert assigned.status == 200
    assert (assigned.json()["userId"], assigned.json()["status"]) == ("customer-7", "ACTIVE")
    assert tenant_codes(api, userId="customer-7") == ["C2"]
    assert codes_of(api, coupon["id"], userId="customer-7") == ["C2"]
    assert api.put(f"{base}/C3", {"status": "INACTIVE"}).json()["status"] == "INACTIVE"
    assert codes_of(api, coupon["id"], status="INACTIVE") == ["C3"]
    assert tenant_codes(api, status="INACTIVE") == ["C3"]
    assert api.put(f"{base}/C2", {"userId": None}).json()["userId"] is None
    assert tenant_codes(api, userId="customer-7") == []


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 400), ({"status": "REDEEMED"}, 400), ({"status": "SLEEPING"}, 400), ({"userId": ""}, 400)],
)
def test_given_a_bad_code_update_when_sent_then_400(api: ApiClient, body, status):
    coupon = create_coupon(api, ["C1"])
    assert api.put(f"/coupons/{coupon['id']}/codes/C1", body).status == status


def test_given_an_unknown_code_or_another_coupons_code_when_updated_then_404(api: ApiClient):
    mine = create_coupon(api, ["MINE"])
    create_coupon(api, ["THEIRS"])
    assert api.put(f"/coupons/{mine['id']}/codes/NOPE", {"userId": "u"}).status == 404
    assert api.put(f"/coupons/{mine['id']}/codes/THEIRS", {"userId": "u"}).status == 404


def test_given_codes_over_many_coupons_when_listing_the_tenant_then_pages_cover_each_once_in_order(
    api: ApiClient,
):
    first = create_coupon(api, [f"A{i:03d}" for i in range(40)])
    second = create_coupon(api, [f"B{i:03d}" for i in range(45)])
    pages, cursor, seen = 0, None, []
    while True:
        query = {"size": 25, **({"startCursor": cursor} if cursor else {})}
        page = api.get("/coupons/codes", query=query).json()
        seen += [(c["createdAt"], c["code"]) for c in page["data"]]
        pages += 1
        cursor = page["query"]["nextCursor"]
        if cursor is None:
            break
    assert pages == 4
    assert len(seen) == 85 and len(set(seen)) == 85
    assert seen == sorted(seen)
    assert sorted(tenant_codes(api, promotionId=second["id"])) == [f"B{i:03d}" for i in range(45)]
    assert len(tenant_codes(api, promotionId=first["id"])) == 40


def test_given_a_date_range_when_listing_codes_then_only_codes_created_within_it(api: ApiClient):
    coupon = create_coupon(api, ["EARLY"])
    middle = api.get(f"/coupons/{coupon['id']}/codes").json()["data"][0]["createdAt"]
    api.post("/coupons/actions/generate-codes", {"couponId": coupon["id"], "prefix": "LATE", "count": 2})
    late = api.get(f"/coupons/{coupon['id']}/codes", query={"size": 10}).json()["data"][-1]["createdAt"]
    assert codes_of(api, coupon["id"], endDate=late) == ["EARLY"] or late == middle
    assert "EARLY" not in codes_of(api, coupon["id"], startDate=late)
    bad = api.get(f"/coupons/{coupon['id']}/codes", query={"startDate": late, "endDate": middle})
    assert bad.status == 400


def test_given_another_tenant_then_it_sees_none_of_the_coupons_or_codes(api: ApiClient):
    coupon = create_coupon(api, ["PRIVATE1"])
    other = api.as_tenant(TENANT_B)
    assert other.get(f"/coupons/{coupon['id']}").status == 404
    assert other.get(f"/coupons/{coupon['id']}/codes").status == 404
    assert other.get("/coupons/codes").json()["data"] == []
    assert other.put(f"/coupons/{coupon['id']}/codes/PRIVATE1", {"userId": "x"}).status == 404
    generate = other.post(
        "/coupons/actions/generate-codes", {"couponId": coupon["id"], "prefix": "AB", "count": 1}
    )
    assert generate.status == 404
