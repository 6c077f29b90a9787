"""A raw Voucherify-dialect client for integration tests (e2e use the official SDK)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from local.gateway import HttpRequest, HttpResponse
from tests.support.client import ApiClient, Send


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
