"""``make app-key TENANT=<24 chars>``: a Voucherify app key for TENANT from the running local server.

App keys live in the server's (in-memory) table, so this asks the server for one, exactly as a
user would: ``POST /app-keys`` with a dev bearer token for the tenant. Prints
``OFFERS_APP_ID=...`` and ``OFFERS_APP_TOKEN=...`` as the last two lines.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable

from local import devtokens

DEFAULT_URL = "http://127.0.0.1:3000"


def app_key_lines(created: dict) -> list[str]:
    return [f"OFFERS_APP_ID={created['appId']}", f"OFFERS_APP_TOKEN={created['appToken']}"]


def request_app_key(post: Callable[[str, dict[str, str], bytes], tuple[int, bytes]], tenant_id: str) -> dict:
    """POST /app-keys through ``post(path, headers, body)`` for ``tenant_id``; the created key."""
    token = devtokens.mint_token(devtokens.load_or_create_key(), tenant_id=tenant_id)
    headers = {
        "authorization": f"Bearer {token}",
        "x-fabric-tenant-id": tenant_id,
        "content-type": "application/json",
    }
    status, body = post("/app-keys", headers, json.dumps({"name": "local development"}).encode())
    if status != 201:
        raise RuntimeError(f"POST /app-keys answered {status}: {body[:500]!r}")
    return json.loads(body)


def _http_post(base_url: str) -> Callable[[str, dict[str, str], bytes], tuple[int, bytes]]:
    def post(path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        request = urllib.request.Request(base_url + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    return post


def main() -> None:
    tenant_id = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else devtokens.DEMO_TENANT_ID
    if len(tenant_id) != 24:
        raise SystemExit(f"TENANT must be exactly 24 characters, got {len(tenant_id)}")
    base_url = os.environ.get("OFFERS_API_URL") or f"http://127.0.0.1:{os.environ.get('OFFERS_PORT', '3000')}"
    try:
        created = request_app_key(_http_post(base_url), tenant_id)
    except (OSError, RuntimeError) as error:
        raise SystemExit(
            f"could not get an app key from the local server at {base_url} ({error}): is make serve running?"
        ) from None
    print(f"# app key for tenant {tenant_id} (X-App-Id / X-App-Token)", file=sys.stderr)
    print("\n".join(app_key_lines(created)))


if __name__ == "__main__":
    main()
