"""A raw Voucherify-dialect client for integration tests (e2e use the official SDK)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from local.gateway import HttpRequest, HttpResponse
from local.stack import LocalStack
from tests.support.client import ApiClient, Send
from tests.support.factories import wait_until


@dataclass
class AppKeyClient:
    send: Send
    app_id: str
    app_token: str
    host: str = "api.example.com"

    def request(
        self, method: str, path: str, body: Any = None, *, query: dict | None = None, keys: bool = True
    ) -> HttpResponse:
        headers = {"host": self.host}
        if keys:
            headers.update({"x-app-id": self.app_id, "x-app-token": self.app_token})
        raw = b""
        if body is not None:
            raw = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        return self.send(HttpRequest(method, path, urlencode(query or {}), headers, raw))


def make_app_key(api: ApiClient, name: str = "tests") -> AppKeyClient:
    response = api.post("/app-keys", {"name": name})
    assert response.status == 201, response.body
    created = response.json()
    return AppKeyClient(api.send, created["appId"], created["appToken"])


SEED_002_FIELDS = ["id", "object", "date", "voucher_code", "customer_id", "result"]
# Seed 004: the fields its example request asks for, and those its example response echoes
# (related_transaction_id after details).
SEED_004_REQUEST_FIELDS = [
    "id",
    "type",
    "source_id",
    "reason",
    "balance",
    "amount",
    "created_at",
    "voucher_id",
    "campaign_id",
    "details",
    "source",
]
SEED_004_RESPONSE_FIELDS = [*SEED_004_REQUEST_FIELDS[:10], "related_transaction_id", "source"]


def seed_002_request(after: str, before: str) -> dict:
    """Seed 002's example: redemption fields, a created_at window, newest first."""
    return {
        "exported_object": "redemption",
        "parameters": {
            "order": "-created_at",
            "fields": SEED_002_FIELDS,
            "filters": {
                "junction": "and",
                "created_at": {"conditions": {"$after": [after], "$before": [before]}},
            },
        },
    }


def export(v1: AppKeyClient, body: dict) -> dict:
    response = v1.request("POST", "/v1/exports", body)
    assert response.status == 200, response.body
    created = response.json()
    assert created["status"] == "SCHEDULED"

    def finished() -> dict | None:
        current = v1.request("GET", f"/v1/exports/{created['id']}").json()
        return current if current["status"] in ("DONE", "ERROR") else None

    return wait_until(finished, timeout=120)


def fetch_csv(
    stack: LocalStack, v1: AppKeyClient, url: str, *, keys: bool = False
) -> tuple[str, list[list[str]]]:
    """Follow result.url as curl -L does: the /v1 link, then the presigned S3 redirect."""
    link = urlsplit(url)
    first = v1.request("GET", link.path, query={k: v[0] for k, v in parse_qs(link.query).items()}, keys=keys)
    assert first.status == 302, first.body
    target = urlsplit(first.headers["location"])
    assert stack.gateway is not None
    second = stack.gateway.handle(HttpRequest("GET", target.path, target.query, {"host": target.netloc}))
    assert second.status == 200, second.body
    return second.headers["content-type"], list(csv.reader(io.StringIO(second.body.decode(), newline="")))


def card_ledger(v1: AppKeyClient, code: str, *, page_size: int = 100) -> list[dict[str, Any]]:
    """Every transaction of a card, oldest first, following GET /v1/vouchers/{code}/transactions' paging."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        query = {"limit": str(page_size), "order": "created_at"}
        if after:
            query["starting_after_id"] = after
        response = v1.request("GET", f"/v1/vouchers/{code}/transactions", query=query)
        assert response.status == 200, response.body
        page = response.json()
        found += page["data"]
        if not page["has_more"]:
            return found
        after = page["more_starting_after"]
