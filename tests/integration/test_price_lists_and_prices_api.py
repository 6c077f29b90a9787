"""Price lists and prices through the emulated HTTP API on moto."""

from __future__ import annotations

from tests.integration.test_bad_input import Injected, cancelled_by
from tests.support.client import TENANT_B, ApiClient
from tests.support.factories import days_from_now


def price_list(api: ApiClient, **overrides) -> dict:
    body = {"name": "United States", "isDefault": False, "currency": "USD", **overrides}
    response = api.post("/price-lists", body)
    assert response.status == 201, response.body
    return response.json()


def offer(base=100, sale=None, start=-1, end=30, **extra) -> dict:
    price = {"base": base} | ({"sale": sale} if sale is not None else {})
    return {"startAt": days_from_now(start), "endAt": days_from_now(end), "price": price, **extra}


def price_body(list_id: int | None, item_id=1, sku="SKU-1", offers=None, **extra) -> dict:
    body = {"itemId": item_id, "itemSku": sku, "offers": offers or [offer()], **extra}
    if list_id is not None:
        body["priceListId"] = list_id
    return body


# -- price lists ------------------------------------------------------------------------------------


def test_given_price_lists_when_created_then_numeric_ids_per_tenant_and_the_fields(api: ApiClient):
    first = price_list(api)
    second = price_list(api, name="Canada", currency="CAD")
    other = price_list(api.as_tenant(TENANT_B))
    assert (first["id"], second["id"], other["id"]) == (1000001, 1000002, 1000001)
    assert first["currency"] == "USD" and first["isDeleted"] is False and first["channelId"] == "12"
    assert first["endAt"] == "2099-12-31T23:59:59.999Z"
    assert api.get(f"/price-lists/{first['id']}").json() == first
    assert api.as_tenant(TENANT_B).get(f"/price-lists/{second['id']}").status == 404


def test_given_a_default_list_when_another_is_made_default_then_only_the_new_one_is_default(api: ApiClient):
    first = price_list(api, isDefault=True)
    second = price_list(api, isDefault=True)
    assert api.get(f"/price-lists/{first['id']}").json()["isDefault"] is False
    assert api.get(f"/price-lists/{second['id']}").json()["isDefault"] is True
    updated = api.put(f"/price-lists/{first['id']}", {"name": "Back", "isDefault": True, "currency": "USD"})
    assert updated.status == 200 and updated.json()["name"] == "Back"
    defaults = api.get("/price-lists", query={"isDefault": "true"}).json()["data"]
    assert [d["id"] for d in defaults] == [first["id"]]


def test_given_lists_when_listed_then_sorted_paged_and_filtered(api: ApiClient):
    ids = [price_list(api, name=f"L{n}")["id"] for n in range(5)]
    price_list(api, name="later", startAt=days_from_now(5), endAt=days_from_now(10))
    by_id = api.get("/price-lists", query={"sort": "+id", "size": 2}).json()
    assert [d["id"] for d in by_id["data"]] == ids[:2]
    rest = api.get(
        "/price-lists", query={"sort": "+id", "size": 10, "startCursor": by_id["query"]["nextCursor"]}
    )
    assert [d["id"] for d in rest.json()["data"]] == [*ids[2:], ids[-1] + 1]
    newest = api.get("/price-lists").json()["data"]
    assert newest[0]["name"] == "later"
    active = api.get("/price-lists", query={"status": "ACTIVE", "sort": "-id", "size": 100}).json()["data"]
    assert [d["id"] for d in active] == ids[::-1]
    assert api.get("/price-lists", query={"sort": "name"}).status == 400


def test_given_a_list_when_deleted_then_is_deleted_and_gone(api: ApiClient):
    default = price_list(api, isDefault=True)
    response = api.delete(f"/price-lists/{default['id']}")
    assert response.status == 200 and response.json()["isDeleted"] is True
    assert api.get(f"/price-lists/{default['id']}").json()["type"] == "PRICE_LIST_NOT_FOUND"
    assert api.get("/price-lists").json()["data"] == []
    assert api.post("/prices", price_body(None)).json()["type"] == "PRICE_LIST_NOT_FOUND"


def test_given_bad_price_lists_then_400_naming_the_field(api: ApiClient):
    bad = api.post("/price-lists", {"name": "x", "isDefault": False, "currency": "usd"})
    assert bad.status == 400 and bad.json()["details"][0]["field"] == "currency"
    no_end = api.post(
        "/price-lists", {"name": "x", "isDefault": False, "currency": "USD", "startAt": days_from_now(1)}
    )
    assert no_end.status == 400 and "endAt is required" in no_end.json()["message"]
    assert api.get("/price-lists/abc").status == 400


# -- prices -------------------------------------------------------------------------------------------


def test_given_a_price_when_saved_then_readable_by_item_id_and_sku_in_the_default_list(api: ApiClient):
    default = price_list(api, isDefault=True)
    body = price_body(
        None,
        offers=[offer(base=19.999, sale=15)],
        categories=["shoes"],
        attributes=[{"name": "color", "value": "red"}],
    )
    response = api.post("/prices", body)
    assert response.status == 201, response.body
    record = response.json()
    assert record["priceListId"] == default["id"] and record["currency"] == "USD"
    assert record["offers"][0]["price"] == {
        "base": 20,
        "sale": 15,
        "cost": None,
        "clearance": None,
    }  # rounded half-even to cents
    by_id = api.get("/prices/1").json()
    by_sku = api.get("/prices/sku/SKU-1").json()
    assert by_id == by_sku
    assert by_id["query"] == {"size": 10, "offset": 0, "count": 1}
    assert by_id["priceMetadata"]["categories"] == ["shoes"]
    assert api.get("/prices/2").json()["type"] == "ITEMID_NOT_FOUND"
    assert api.get("/prices/sku/NOPE").json()["type"] == "ITEMSKU_NOT_FOUND"
    assert api.as_tenant(TENANT_B).get("/prices/1").status == 404


def test_given_a_price_when_saved_again_then_offers_replaced_and_sku_moved(api: ApiClient):
    list_id = price_list(api)["id"]
    api.post("/prices", price_body(list_id))
    second = api.post("/prices", price_body(list_id, sku="SKU-NEW", offers=[offer(base=5)]))
    assert second.status == 201
    assert (
        api.get("/prices/sku/SKU-NEW", query={"priceListId": list_id}).json()["data"][0]["price"]["base"] == 5
    )
    assert api.get("/prices/sku/SKU-1", query={"priceListId": list_id}).status == 404
    taken = api.post("/prices", price_body(list_id, item_id=2, sku="SKU-NEW"))
    assert taken.status == 409 and taken.json()["type"] == "ITEMSKU_CONFLICT"


def test_given_offers_of_one_item_that_overlap_then_400(api: ApiClient):
    list_id = price_list(api)["id"]
    response = api.post(
        "/prices", price_body(list_id, offers=[offer(start=-1, end=10), offer(start=5, end=20)])
    )
    assert response.status == 400 and "overlaps" in response.json()["message"]
    assert api.get("/prices/1", query={"priceListId": list_id}).status == 404


def test_given_offers_when_read_by_status_then_active_or_scheduled(api: ApiClient):
    list_id = price_list(api)["id"]
    api.post(
        "/prices", price_body(list_id, offers=[offer(base=1, start=-1, end=5), offer(base=2, start=5, end=9)])
    )
    active = api.get("/prices/1", query={"priceListId": list_id, "status": "ACTIVE"}).json()["data"]
    scheduled = api.get("/prices/1", query={"priceListId": list_id, "status": "SCHEDULED"}).json()["data"]
    assert [o["price"]["base"] for o in active] == [1] and [o["price"]["base"] for o in scheduled] == [2]


def test_given_prices_when_listed_then_paged_in_item_order(api: ApiClient):
    list_id = price_list(api)["id"]
    for n in (3, 1, 2):
        api.post("/prices", price_body(list_id, item_id=n, sku=f"S{n}"))
    first = api.get("/prices", query={"priceListId": list_id, "size": 2}).json()
    rest = api.get(
        "/prices", query={"priceListId": list_id, "size": 2, "startCursor": first["query"]["nextCursor"]}
    ).json()
    assert [p["itemId"] for p in first["data"] + rest["data"]] == [1, 2, 3]


def test_given_a_price_when_deleted_by_item_or_sku_then_gone(api: ApiClient):
    list_id = price_list(api, isDefault=True)["id"]
    api.post("/prices", price_body(list_id))
    api.post("/prices", price_body(list_id, item_id=2, sku="SKU-2"))
    deleted = api.delete("/prices/1")
    assert deleted.status == 200 and deleted.json()["isDeleted"] is True
    assert api.delete("/prices/sku/SKU-2").json()["itemId"] == 2
    assert api.get("/prices/sku/SKU-1").status == 404 and api.get("/prices/2").status == 404
    assert api.delete("/prices/1").status == 404


def test_given_a_batch_when_some_entries_fail_then_data_error_names_them_and_the_rest_is_saved(
    api: ApiClient,
):
    list_id = price_list(api)["id"]
    good = price_body(list_id, item_id=1, sku="A")
    bad_offer = price_body(
        list_id,
        item_id=2,
        sku="B",
        offers=[{"startAt": days_from_now(1), "endAt": days_from_now(0), "price": {"base": 1}}],
    )
    no_list = price_body(999, item_id=3, sku="C")
    response = api.post("/prices/batch", {"data": [good, bad_offer, no_list]})
    assert response.status == 400
    body = response.json()
    assert body["type"] == "DATA_ERROR"
    assert [(e["instance"], e["status"]) for e in body["errors"]] == [
        ("/data/1/offers/0", 400),
        ("/data/2", 404),
    ]
    assert [p["itemId"] for p in body["data"]] == [1]
    assert api.get("/prices/1", query={"priceListId": list_id}).status == 200
    all_good = api.post(
        "/prices/batch", {"data": [price_body(list_id, item_id=n, sku=f"S{n}") for n in range(5, 8)]}
    )
    assert all_good.status == 201 and len(all_good.json()["data"]) == 3
    too_many = api.post("/prices/batch", {"data": [good] * 101})
    assert too_many.status == 400


def test_given_a_list_with_prices_when_its_currency_changes_then_409(api: ApiClient):
    list_id = price_list(api)["id"]
    assert (
        api.put(f"/price-lists/{list_id}", {"name": "x", "isDefault": False, "currency": "EUR"}).status == 200
    )
    api.post("/prices", price_body(list_id))
    refused = api.put(f"/price-lists/{list_id}", {"name": "x", "isDefault": False, "currency": "USD"})
    assert refused.status == 409 and refused.json()["type"] == "PRICE_LIST_CURRENCY_LOCKED"
    assert api.get("/prices/1", query={"priceListId": list_id}).json()["priceMetadata"]["currency"] == "EUR"


def test_given_a_batch_naming_one_item_twice_when_saved_then_the_repeat_is_refused_and_the_first_kept(
    api: ApiClient,
):
    list_id = price_list(api)["id"]
    first = price_body(list_id, item_id=1, sku="A")
    again = price_body(
        list_id, item_id=1, sku="A", offers=[{"startAt": days_from_now(-1), "price": {"base": 9}}]
    )
    response = api.post("/prices/batch", {"data": [first, again]})
    assert response.status == 400
    body = response.json()
    assert [(e["instance"], e["status"]) for e in body["errors"]] == [("/data/1/itemId", 400)]
    assert "data[0]" in body["errors"][0]["detail"]
    assert [p["itemId"] for p in body["data"]] == [1]
    stored = api.get("/prices/1", query={"priceListId": list_id}).json()
    assert [o["price"]["base"] for o in stored["data"]] == [first["offers"][0]["price"]["base"]]


def test_given_a_transient_failure_on_one_entry_when_a_batch_is_saved_then_that_entry_alone_is_unwritten(
    api: ApiClient, monkeypatch
):
    list_id = price_list(api)["id"]
    entries = [price_body(list_id, item_id=n, sku=f"S{n}") for n in (1, 2)]
    injected = Injected(monkeypatch, "transact_write_items", cancelled_by("TransactionConflict"), times=1000)
    response = api.post("/prices/batch", {"data": entries})
    assert response.status == 503 and int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert body["type"] == "DATA_ERROR" and [e["status"] for e in body["errors"]] == [503, 503]
    assert injected.calls > 2
    monkeypatch.undo()
    assert api.get("/prices", query={"priceListId": list_id}).json()["data"] == []  # no half-written item

    # one entry fails for good, one transiently: 400 (the client must fix something first)
    Injected(monkeypatch, "transact_write_items", cancelled_by("TransactionConflict"), times=1000)
    mixed = api.post("/prices/batch", {"data": [entries[0], price_body(999, item_id=3, sku="C")]})
    assert mixed.status == 400
    assert [e["status"] for e in mixed.json()["errors"]] == [503, 404]


# -- fabric's offset paging (size, offset -> query {size, offset, count}) ---------------------------


def test_given_price_lists_when_listed_with_an_offset_then_fabric_offset_pages_with_the_count(api: ApiClient):
    ids = [price_list(api, name=f"List {n}", isDefault=n == 3)["id"] for n in range(5)]
    price_list(api.as_tenant(TENANT_B))
    page = api.get("/price-lists", query={"sort": "+id", "size": 2, "offset": 1})
    assert page.status == 200, page.body
    body = page.json()
    assert body["query"] == {"size": 2, "offset": 1, "count": 5}
    assert [p["id"] for p in body["data"]] == ids[1:3]
    last = api.get("/price-lists", query={"sort": "-id", "size": 10, "offset": 4}).json()
    assert ([p["id"] for p in last["data"]], last["query"]["count"]) == ([ids[0]], 5)
    defaults = api.get("/price-lists", query={"isDefault": "true", "offset": 0}).json()
    assert ([p["id"] for p in defaults["data"]], defaults["query"]["count"]) == ([ids[3]], 1)
    past_the_end = api.get("/price-lists", query={"offset": 50}).json()
    assert past_the_end == {"query": {"size": 10, "offset": 50, "count": 5}, "data": []}
    assert "nextCursor" in api.get("/price-lists").json()["query"]  # no offset: cursor paging, as before
    both = api.get("/price-lists", query={"offset": 0, "startCursor": "x"})
    assert both.status == 400 and "offset" in both.json()["message"]
    assert api.get("/price-lists", query={"offset": 10_000}).status == 400  # the documented cap


def test_given_prices_when_listed_with_an_offset_then_offset_pages_counted_by_saves_and_deletes(
    api: ApiClient,
):
    list_id = price_list(api)["id"]
    for n in range(1, 6):
        assert api.post("/prices", price_body(list_id, item_id=n, sku=f"S{n}")).status == 201
    assert api.post("/prices", price_body(list_id, item_id=2, sku="S2-renamed")).status == 201  # an update
    assert api.delete("/prices/4", query={"priceListId": list_id}).status == 200
    batch = [price_body(list_id, item_id=n, sku=f"S{n}") for n in (6, 7)]
    assert api.post("/prices/batch", {"data": batch}).status == 201
    page = api.get("/prices", query={"priceListId": list_id, "size": 3, "offset": 2})
    assert page.status == 200, page.body
    body = page.json()
    assert body["query"] == {"size": 3, "offset": 2, "count": 6}
    assert [p["itemId"] for p in body["data"]] == [3, 5, 6]
    other_list = price_list(api)["id"]
    assert api.get("/prices", query={"priceListId": other_list, "offset": 0}).json()["query"]["count"] == 0
