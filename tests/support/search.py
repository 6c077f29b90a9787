"""A small, varied set of promotions for search tests, and the two dialects' request shapes.

Each promotion is created through POST /promotions (so it is indexed exactly as in use) and
is known by a one-letter label. Days are relative to now.
"""

from __future__ import annotations

import json
from typing import Any

from offers.store import keys
from offers.store.table import Table
from tests.support.client import ApiClient
from tests.support.factories import days_from_now, promotion_body

V3_PATH = "/promotions/search"
V2_PATH = "/api-offers/promo/search"

# label: (name, type, start, end, level, stackingType, isImplicit, isExclusive, isEnabled, eligiblePriceLists)
CATALOG = {
    "A": ("Black Friday", "PRODUCT", -10, -5, 1, "STACKABLE", True, False, True, [1, 2]),
    "B": ("black  FRIDAY", "CART", -1, 5, 2, "EXCLUSIVE", True, True, True, [2, 3]),
    "C": ("Cyber Monday", "SHIPPING", 3, 4, 3, "UNIVERSAL", True, False, True, [4]),
    "D": ("Clearance", "QUANTITY", -20, None, 0, "TYPE_EXCLUSIVE", True, False, True, []),
    "E": ("Spring coupon", "PRODUCT", -2, 10, 5, "STACKABLE", False, False, False, [1]),
    "F": ("Summer", "BUYGET", -3, 1, 4, "STACKABLE", True, True, True, [5]),
}
# status at the time of the test: A expired, B active, C scheduled, D active (open-ended),
# E disabled (a coupon, with codes SPRING10 and SPRING20), F active.
COUPON_CODES = {"SPRING10": "E", "SPRING20": "E"}


def catalog_body(label: str) -> dict[str, Any]:
    name, type_, start, end, level, stacking, implicit, exclusive, enabled, price_lists = CATALOG[label]
    extra: dict[str, Any] = {}
    if type_ == "BUYGET":  # a BUYGET discount says what to buy
        (discount,) = promotion_body()["discounts"]
        extra["discounts"] = [{**discount, "buy": {"quantity": 2}}]
    return promotion_body(
        **extra,
        name=name,
        type=type_,
        startAt=days_from_now(start),
        endAt=None if end is None else days_from_now(end),
        level=level,
        stackingType=stacking,
        isImplicit=implicit,
        isExclusive=exclusive,
        isEnabled=enabled,
        eligiblePriceLists=price_lists,
    )


def add_code(tenant_id: str, code: str, coupon_id: str) -> None:
    """A coupon code item as the coupon endpoints store it (they are built elsewhere)."""
    Table().put({**keys.code_key(tenant_id, code), "code": code, "promotionId": coupon_id})


def create_catalog(api: ApiClient) -> dict[str, dict[str, Any]]:
    """Label -> the created promotion (as POST /promotions answered), created A..F in order."""
    created = {}
    for label in CATALOG:
        response = api.post("/promotions", catalog_body(label))
        assert response.status == 201, response.body
        created[label] = response.json()
    for code, label in COUPON_CODES.items():
        add_code(api.tenant_id, code, created[label]["id"])
    return created


def labels_by_id(catalog: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {promotion["id"]: label for label, promotion in catalog.items()}


def site_context(tenant_id: str) -> dict[str, str]:
    return {"x-site-context": json.dumps({"account": tenant_id, "channel": 12})}


class Searcher:
    """Runs one search in either dialect and answers with the labels found, in order."""

    def __init__(self, api: ApiClient, catalog: dict[str, dict[str, Any]], dialect: str):
        self.api = api
        self.catalog = catalog
        self.dialect = dialect
        self._labels = labels_by_id(catalog)

    def post(self, body: dict[str, Any]) -> Any:
        if self.dialect == "v2":
            return self.api.post(V2_PATH, body, headers=site_context(self.api.tenant_id), tenant_header=False)
        return self.api.post(V3_PATH, body)

    def labels(self, body: dict[str, Any]) -> list[str]:
        response = self.post(body)
        assert response.status == 200, response.body
        id_field = "_id" if self.dialect == "v2" else "id"
        return [self._labels[item[id_field]] for item in response.json()["data"]]


# -- one filter, written once, sent in either dialect --------------------------------------------

V3_TO_V2_FIELDS = {
    "id": "_id",
    "promoId": "promoId",
    "couponCode": "promoCodes",
    "status": "state",
    "name": "title",
    "type": "type",
    "startAt": "startDate",
    "endAt": "endDate",
    "updatedAt": "updatedAt",
    "level": "level",
    "stackingType": "stackingType",
    "isImplicit": "isImplicit",
    "isExclusive": "isExclusive",
    "eligiblePriceLists": "eligiblePriceList",
}
V3_TO_V2_SORTS = {"updatedAt": "updatedAt", "name": "title", "startAt": "startDate", "endAt": "endDate"}


def _v2_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def dialect_filter(dialect: str, field: str, operator: str, value: Any) -> dict[str, Any]:
    """A v3 filter as ``dialect`` writes it (v2: v2 field name, text, IN comma-separated)."""
    if dialect == "v3":
        return {"field": field, "operator": operator, "value": value}
    text = ",".join(map(_v2_text, value)) if isinstance(value, list) else _v2_text(value)
    return {"field": V3_TO_V2_FIELDS[field], "value": text, "operator": operator}


def dialect_sort(dialect: str, sort: str) -> str:
    """'+startAt' -> '+startDate' in v2."""
    if dialect == "v3":
        return sort
    return sort[0] + V3_TO_V2_SORTS.get(sort[1:], sort[1:])


def resolve(value: Any, catalog: dict[str, dict[str, Any]]) -> Any:
    """Filter values may name a catalog promotion's field: '@B.id' -> B's id (lists too)."""
    if isinstance(value, list):
        return [resolve(v, catalog) for v in value]
    if isinstance(value, str) and value.startswith("@"):
        label, field = value[1:].split(".")
        return catalog[label][field]
    if isinstance(value, str) and value.startswith("days:"):
        return days_from_now(float(value.removeprefix("days:")))
    return value


def filters(searcher: Searcher, *conditions: tuple[str, str, Any]) -> list[dict[str, Any]]:
    """(v3 field, operator, value) triples as ``searcher``'s dialect writes them."""
    return [
        dialect_filter(searcher.dialect, field, operator, resolve(value, searcher.catalog))
        for field, operator, value in conditions
    ]


def newest_first(labels: Any) -> list[str]:
    """The default order (-updatedAt) of catalog labels: the catalog was created A..F."""
    return sorted(labels, reverse=True)


def assert_refused(response: Any, error_type: str, field: str) -> None:
    """A 400 in the fabric error format, of ``error_type``, naming ``field`` among its details."""
    assert response.status == 400, response.body
    body = response.json()
    assert body["type"] == error_type
    assert body["message"]
    assert field in [detail["field"] for detail in body["details"]]
