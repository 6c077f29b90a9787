"""A few routes through ``sam local start-api``: API Gateway emulation, the authorizer and the
functions in their Lambda containers, against the emulator (part of ``make sam-local-check``).

What a user does after the README's steps: ``make sam-api`` (start-api with the emulator's
--env-vars file and LocalEndpointUrl), a bearer token from ``make token``, then a promotion
and a redemption.
"""

from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

from local import devtokens
from local.emulator import write_sam_environment
from local.samples import SAMPLE_TENANT_ID
from local.template import ROOT

SAM_HTTP_API = ROOT / "local" / "sam_http_api.py"

STARTUP_SECONDS = 120
REQUEST_SECONDS = 120  # a cold container: SAM builds the layered image, then starts it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sam local start-api exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"sam local start-api not listening on {port} after {STARTUP_SECONDS} s")


def _request(url: str, method: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any, float]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    elapsed = time.monotonic() - started
    try:
        return status, json.loads(raw or b"null"), elapsed
    except ValueError:
        return status, raw.decode(errors="replace"), elapsed


def _exercise(base_url: str) -> list[tuple[str, int, int, Any, float]]:
    """(route, expected, got, body, seconds) for each request, in order."""
    token = devtokens.mint_token(devtokens.load_or_create_key(), tenant_id=SAMPLE_TENANT_ID)
    headers = {
        "Authorization": f"Bearer {token}",
        "x-fabric-tenant-id": SAMPLE_TENANT_ID,
        "Content-Type": "application/json",
    }
    results = []

    def call(
        route: str, expected: int, path: str, method: str = "GET", body: Any = None, **extra: Any
    ) -> Any:
        status, answer, seconds = _request(base_url + path, method, extra.get("headers", headers), body)
        results.append((route, expected, status, answer, seconds))
        return answer if status == expected else None

    call("GET /promotions/{id}, no token", 401, "/promotions/000000000000000000000000", headers={})
    start = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    promotion = call(
        "POST /promotions",
        201,
        "/promotions",
        "POST",
        {
            "name": "sam local 10% off",
            "type": "CART",
            "startAt": start,
            "discounts": [{"unit": "PERCENTAGE_OFF", "value": 10}],
        },
    )
    if promotion:
        call("GET /promotions/{id}", 200, f"/promotions/{promotion['id']}")
        call("GET /promotions/{id} (warm)", 200, f"/promotions/{promotion['id']}")
        call(
            "POST /redemptions",
            201,
            "/redemptions",
            "POST",
            {"orderId": "order-sam-1", "promotionId": promotion["id"]},
        )
    return results


def check_api(sam_python: str, template: str, overrides: str, environment: dict[str, str]) -> int:
    """Start `sam local start-api` as `make sam-api` does, call a few routes, stop it; the
    number of failures."""
    port = _free_port()
    command = [
        sam_python, str(SAM_HTTP_API), "local", "start-api",
        "--template", template,
        "--env-vars", str(write_sam_environment()),
        "--parameter-overrides", overrides,
        "--host", "127.0.0.1", "--port", str(port),
        "--warm-containers", "LAZY",
    ]  # fmt: skip
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment, text=True)
        try:
            _wait_until_listening(port, process)
            results = _exercise(f"http://127.0.0.1:{port}")
        except RuntimeError as error:
            results = [("sam local start-api", 0, -1, str(error), 0.0)]
        finally:
            process.terminate()  # SIGTERM: SAM removes its warm containers
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        failures = 0
        print("\nsam local start-api (authorizer and functions in containers):")
        for route, expected, got, _, seconds in results:
            failures += got != expected
            verdict = "ok  " if got == expected else "FAIL"
            print(f"{verdict} {route:32} expected {expected:<4} got {got:<4} {seconds:5.1f} s")
        if failures:
            log.seek(0)
            print(log.read()[-4000:] + "\n" + "\n".join(f"{r[0]}: {r[3]}" for r in results))
    print(f"\n{len(results) - failures} passed, {failures} failed")
    return failures
