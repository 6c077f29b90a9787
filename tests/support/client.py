"""An API client for tests, the same whether it talks to the in-process gateway or real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from local.gateway import HttpRequest, HttpResponse

TENANT_A = "aaaaaaaaaaaaaaaaaaaaaaaa"
TENANT_B = "bbbbbbbbbbbbbbbbbbbbbbbb"

Send = Callable[[HttpRequest], HttpResponse]


def http_sender(base_url: str, timeout: float = 30) -> Send:
    """Sends requests over real HTTP (e2e)."""

    def send(request: HttpRequest) -> HttpResponse:
        url = base_url + request.path + (f"?{request.query}" if request.query else "")
        outgoing = urllib.request.Request(url, data=request.body or None, method=request.method)
        for name, value in request.headers.items():
            outgoing.add_header(name, value)
        try:
            with urllib.request.urlopen(outgoing, timeout=timeout) as reply:
                return HttpResponse(
                    reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
                )
        except urllib.error.HTTPError as error:
            return HttpResponse(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    return send


class ApiClient:
    def __init__(self, send: Send, token_for: Callable[[str], str], tenant_id: str = TENANT_A):
        self.send = send
        self.token_for = token_for
        self.tenant_id = tenant_id

    def as_tenant(self, tenant_id: str) -> ApiClient:
        return ApiClient(self.send, self.token_for, tenant_id)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: bytes | None = None,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        tenant_header: bool = True,
        token: str | None = None,
    ) -> HttpResponse:
        all_headers = {"authorization": f"Bearer {token or self.token_for(self.tenant_id)}"}
        if tenant_header:
            all_headers["x-fabric-tenant-id"] = self.tenant_id
        body = raw_body if raw_body is not None else b""
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers["content-type"] = "application/json"
        all_headers.update(headers or {})
        all_headers = {k: v for k, v in all_headers.items() if v is not None}
        return self.send(HttpRequest(method, path, urlencode(query or {}), all_headers, body))

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("POST", path, json_body=json_body, **kwargs)

    def put(self, path: str, json_body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("PUT", path, json_body=json_body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("DELETE", path, **kwargs)
