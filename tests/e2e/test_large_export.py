"""A large REDEMPTION export through the local server: 200,000 rows, several chunks.

The redemptions are written straight into the server's embedded moto (the API would take
hours to make that many); the export then runs as in AWS: the real state machine, segment
workers in parallel processes, multipart chunks, the server-side join, and download links
fetched with curl from the local server.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from local import devtokens
from offers.models.redemptions import RedemptionRecord
from offers.settings import get_settings
from offers.store.codec import to_item
from offers.store.redemptions import redemption_item
from tests.e2e.conftest import LocalServer
from tests.support.client import ApiClient, http_sender

ROWS = 200_000
TENANT = "eeeeeeeeeeeeeeeeeeeeeeee"
PROMOTION = "6740e1f2a1b2c3d4e5f607aa"


def seed_redemptions(server: LocalServer, monkeypatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "offers-local-offers")
    monkeypatch.setenv("CURSOR_SECRET", "e2e-seeding-needs-no-real-secret")
    monkeypatch.setenv("REDEMPTION_SHARDS", "16")
    get_settings.cache_clear()
    client = boto3.client("dynamodb", endpoint_url=server.aws_endpoint, region_name="us-east-1")
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def item(i: int) -> dict:
        moment = start + timedelta(seconds=i * 7)
        record = RedemptionRecord(
            id=f"{i:024x}",
            order_id=f"order-{i}",
            promotion_id=PROMOTION,
            promotion_name="Big sale",
            user_id=f"user-{i % 1000}",
            redeemed_at=moment,
            created_at=moment,
            updated_at=moment,
        )
        return {"PutRequest": {"Item": to_item(redemption_item(TENANT, record))}}

    def write(first: int) -> None:
        requests = {"offers-local-offers": [item(i) for i in range(first, min(first + 25, ROWS))]}
        while requests:
            requests = client.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(0, ROWS, 25)))
    get_settings.cache_clear()


def curl(url: str) -> bytes:
    return subprocess.run(["curl", "-sf", url], capture_output=True, check=True, timeout=300).stdout


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_given_200000_redemptions_when_exported_then_chunks_and_the_whole_file_hold_each_row_once(
    export_server: LocalServer, monkeypatch
):
    seed_redemptions(export_server, monkeypatch)
    key = devtokens.load_or_create_key()
    api = ApiClient(http_sender(export_server.url), lambda t: devtokens.mint_token(key, tenant_id=t), TENANT)
    created = api.post("/offers-exports", {"type": "REDEMPTION"}).json()
    deadline = time.monotonic() + 900
    while True:
        response = api.get(f"/offers-exports/{created['exportId']}")
        assert response.status == 200, (response.status, response.body, "".join(export_server.output)[-3000:])
        done = response.json()
        if done["status"] != "IN_PROGRESS":
            break
        assert time.monotonic() < deadline, done
        time.sleep(2)
    assert (done["status"], done["totalDataExported"], done["errors"]) == ("COMPLETED", ROWS, [])
    assert done["progress"]["segmentsDone"] == done["progress"]["segmentsTotal"] >= 2
    assert len(done["files"]) >= ROWS // 60_000
    assert sum(f["rows"] for f in done["files"]) == ROWS

    seen = 0
    for file in done["files"]:
        link = api.post("/offers-exports/actions/download-export-file", {"fileId": file["fileId"]}).json()
        assert link["url"].startswith(export_server.url)
        rows = list(csv.reader(io.StringIO(curl(link["url"]).decode(), newline="")))
        assert rows[0][0] == "redemptionId"
        assert len(rows) - 1 == file["rows"] <= 60_000
        seen += file["rows"]
    assert seen == ROWS

    whole = api.post("/offers-exports/actions/download-export-file", {"fileId": done["fileId"]}).json()
    rows = list(csv.reader(io.StringIO(curl(whole["url"]).decode(), newline="")))
    ids = [row[0] for row in rows[1:]]
    assert len(ids) == ROWS
    assert ids == [f"{i:024x}" for i in range(ROWS)]  # every row once, in redeemedAt order
