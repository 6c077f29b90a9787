"""E2E: `python -m local.server` (what `make serve` runs) on a free loopback port, over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from local import devtokens
from local.template import ROOT
from tests.support.client import ApiClient, http_sender

STARTUP_TIMEOUT_SECONDS = 120


@dataclass
class LocalServer:
    url: str
    tenant_id: str
    token: str
    process: subprocess.Popen
    output: deque
    aws_endpoint: str = ""
    app_id: str = ""
    app_token: str = ""


def _start_server(extra_env: dict[str, str] | None = None) -> LocalServer:
    env = {**os.environ, "OFFERS_PORT": "0", "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "local.server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed: dict[str, str] = {}
    output: deque = deque(maxlen=2000)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    assert process.stdout is not None
    while len(printed) < 6:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"local server exited early:\n{''.join(output)}")
        output.append(line)
        name, sep, value = line.strip().partition("=")
        if sep and name in (
            "OFFERS_API_URL",
            "OFFERS_TENANT_ID",
            "OFFERS_TOKEN",
            "OFFERS_APP_ID",
            "OFFERS_APP_TOKEN",
        ):
            printed[name] = value
        if "AWS is emulated in memory (moto, at " in line:
            printed["aws"] = line.split("(moto, at ", 1)[1].split(")", 1)[0]
        if time.monotonic() > deadline:
            raise RuntimeError("local server did not start in time")

    def drain() -> None:  # keep the pipe empty so the server never blocks on logging
        for rest in process.stdout:  # type: ignore[union-attr]
            output.append(rest)

    threading.Thread(target=drain, daemon=True).start()
    return LocalServer(
        printed["OFFERS_API_URL"],
        printed["OFFERS_TENANT_ID"],
        printed["OFFERS_TOKEN"],
        process,
        output,
        printed["aws"],
        printed["OFFERS_APP_ID"],
        printed["OFFERS_APP_TOKEN"],
    )


def _stop(server: LocalServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    server = _start_server()
    try:
        yield server
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def export_server() -> Iterator[LocalServer]:
    """A server whose exports split into chunks of 60,000 rows and segments of ~100,000."""
    server = _start_server(
        {"OFFERS_PARAMETER_ExportChunkRows": "60000", "OFFERS_PARAMETER_ExportSegmentRows": "100000"}
    )
    try:
        yield server
    finally:
        _stop(server)


@pytest.fixture(scope="session")
def signing_key():
    return devtokens.load_or_create_key()


@pytest.fixture
def http_api(local_server: LocalServer, signing_key) -> ApiClient:
    return ApiClient(
        http_sender(local_server.url),
        lambda tenant: devtokens.mint_token(signing_key, tenant_id=tenant),
    )
