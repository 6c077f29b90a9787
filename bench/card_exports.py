"""A card's transactions export (seed 004): task memory flat in the card's ledger size.

For each size, a child process runs the emulation (moto's server, as `make serve` does) and
seeds ONE gift card with that many ledger entries straight into its table (additions and
spends, each with its Voucherify ``details``, as store/cards.py writes them; the API would take
hours). This process then exports the card's transactions with every field, newest first, as
POST /v1/vouchers/{code}/transactions/export asks: the engine's real steps (plan -> every
segment task -> finalize), each in a fresh process as a Lambda invocation runs it, measuring
that task's peak memory (bench/export.py's method: resident high-water mark minus the idle
process). The CSV is then read back and checked: one row per ledger entry, newest first, and
its amounts add up to the card's balance.

Goal: the largest task's peak memory at the large size <= 1.2x that at the small size. The
segment task holds a CSV part of up to 8 MiB before it uploads it (objects.CsvChunkWriter); a
ledger whose whole file is smaller than one part never fills it, so compare sizes past one part
(about 12,000 entries with every field) to see the export's own growth.

Usage: python bench/card_exports.py [--sizes 10000,100000] [--segment-rows N]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from export import (
    ROOT,
    function_environment,
    measured,
    mib,
    ours_csv_seconds,
    plain_csv_seconds,
    use_emulation,
)
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from local.aws import LOCAL_REGION, MOTO_LOCK, EmbeddedAwsServer
from local.stack import LOCAL_PARAMETERS
from local.template import Template
from offers.clock import format_timestamp
from offers.services import export_engine
from offers.services.card_export_requests import TRANSACTIONS, export_record
from offers.services.card_ledger import new_transaction
from offers.services.voucherify_fields import voucher_id
from offers.services.voucherify_fields.card_ledger import voucher_transaction_row_maker
from offers.settings import get_settings
from offers.store import keys, objects
from offers.store.cards import CARD_ENTITY, transaction_item
from offers.store.codec import from_item, to_item
from offers.store.exports import ExportStore

TENANT = "cccccccccccccccccccccccc"
CODE = "BENCH-GIFT-CARD"
START = datetime(2025, 1, 1, tzinfo=UTC)


def ledger_items(count: int) -> Iterator[dict[str, Any]]:
    """The card, then ``count`` transactions: an opening 1,000,000, then spends of 1..50 cents
    (with an order and a redemption in details) and every tenth entry a manual top-up."""
    card: dict[str, Any] = {
        "code": CODE,
        "id": voucher_id(TENANT, CODE),
        "type": "GIFT_VOUCHER",
        "balance": 0,
        "total": 0,
        "version": 0,
        "active": True,
        "createdAt": format_timestamp(START),
    }
    for n in range(count):
        stamp = format_timestamp(START + timedelta(seconds=n * 7))
        if n == 0 or n % 10 == 0:
            amount, kind, extra = (1_000_000 if n == 0 else 500), "ADDITION", {}
            manual = {"source_id": f"top-up-{n}", "reason": "bench top-up"}
        else:
            amount, kind, manual = -(n % 50 + 1), "REDEMPTION", {}
            extra = {
                "order": {"id": f"ord_{n:020d}", "source_id": f"order-{n}"},
                "redemption": {"id": f"r_{n:024x}"},
            }
        total = int(card["total"]) + max(amount, 0)
        transaction = new_transaction(
            card,
            kind=kind,
            amount=amount,
            total=total,
            now=stamp,
            operation="MANUAL" if kind == "ADDITION" else "AUTOMATIC",
            details=extra,
            **manual,
        )
        card.update(balance=transaction["balance"], total=total, version=transaction["version"])
        yield to_item(transaction_item(TENANT, transaction))
    index = keys.card_index_attributes(TENANT, code=CODE, campaign_id=None, created_at=card["createdAt"])
    yield to_item({**keys.card_key(TENANT, CODE), "entity": CARD_ENTITY, **index, **card})


def serve_seeded(rows: int) -> None:
    """Child: start the emulation, seed the card's ledger, print the endpoint, serve until stdin closes."""
    template = Template(parameters=LOCAL_PARAMETERS)
    os.environ.update(function_environment(template))
    server = EmbeddedAwsServer(template).start()
    table = template.physical_id("OffersTable")
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][LOCAL_REGION]
    began = time.perf_counter()
    balance = 0
    with MOTO_LOCK:
        for item in ledger_items(rows):
            backend.put_item(table, item)
            if item["sk"]["S"] == keys.CARD_SK:
                balance = int(item["balance"]["N"])
    print(f"SEEDED {rows} {time.perf_counter() - began:.1f} {balance}", flush=True)
    print(f"READY {server.endpoint_url}", flush=True)
    sys.stdin.read()
    server.stop()


def start_emulation(rows: int) -> tuple[subprocess.Popen, str, float, int]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(rows)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    seeded, balance = 0.0, 0
    for line in child.stdout:
        if line.startswith("SEEDED"):
            seeded, balance = float(line.split()[2]), int(line.split()[3])
        if line.startswith("READY"):
            return child, line.split()[1], seeded, balance
    raise RuntimeError("the emulation did not start")


def plan_task(export_id: str) -> Any:
    """What POST /v1/vouchers/{code}/transactions/export records (seed 004's fields, newest
    first), then the engine's plan step."""
    parameters = {"order": "-created_at", "fields": list(TRANSACTIONS.fields)}
    record = export_record(
        TRANSACTIONS, parameters, allowed=("order", "fields"), echo_defaults=False, only={"code": CODE}
    ).model_copy(update={"export_id": export_id})
    ExportStore().create(TENANT, record)
    planned = export_engine.plan_export(TENANT, export_id)
    return [item["segment"] for item in objects.get_json(planned["plan"]["key"])]


def read_back(export_id: str) -> dict[str, Any]:
    """The whole file: its rows, in order, and what they add up to."""
    body = objects.s3().get_object(Bucket=objects.bucket(), Key=keys.export_file_object(TENANT, export_id))[
        "Body"
    ]
    rows = csv.reader(io.TextIOWrapper(body, encoding="utf-8", newline=""))
    header = next(rows)
    at = {name: header.index(name) for name in ("amount", "balance", "created_at")}
    count, total, first_balance, previous, ordered = 0, 0, None, None, True
    for row in rows:
        count += 1
        total += int(row[at["amount"]])
        first_balance = row[at["balance"]] if first_balance is None else first_balance
        ordered = ordered and (previous is None or row[at["created_at"]] <= previous)
        previous = row[at["created_at"]]
    return {"rows": count, "sum": total, "newest_balance": int(first_balance or 0), "newest_first": ordered}


def row_path(count: int, repeats: int = 3) -> tuple[float, float]:
    """(ours: ledger item -> Voucherify fields -> CSV, csv.writer over the same rows) in rows/s,
    best of ``repeats``, no I/O: what a segment does per row once DynamoDB has answered."""
    fields = list(TRANSACTIONS.fields)
    items = [from_item(item) for item in ledger_items(count)][:-1]  # the card item comes last
    make_row = voucher_transaction_row_maker(fields)
    rows = [make_row(item) for item in items]
    ours = min(ours_csv_seconds(fields, map(make_row, items)) for _ in range(repeats))
    plain = min(plain_csv_seconds(fields, rows) for _ in range(repeats))
    return len(items) / ours, len(items) / plain


TASKS = {
    "plan": lambda arg: plan_task(arg["exportId"]),
    "segment": lambda arg: export_engine.run_segment(TENANT, arg["exportId"], arg["segment"]),
    "finalize": lambda arg: export_engine.finalize_export(TENANT, arg["exportId"]),
    "read-back": lambda arg: read_back(arg["exportId"]),
}


def run_task(endpoint: str, name: str, arg: dict[str, Any], environment: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--task", name, "--endpoint", endpoint, "--arg", json.dumps(arg)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, **environment},
    )
    if done.returncode != 0:
        raise RuntimeError(f"task {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_card(endpoint: str, environment: dict[str, str]) -> dict[str, Any]:
    from offers.ids import new_id

    export_id = f"exp_{new_id()}"
    plan = run_task(endpoint, "plan", {"exportId": export_id}, environment)
    tasks = [("plan", plan)]
    for segment in plan["result"]:
        arg = {"exportId": export_id, "segment": segment}
        tasks.append((segment["id"], run_task(endpoint, "segment", arg, environment)))
    done = run_task(endpoint, "finalize", {"exportId": export_id}, environment)
    tasks.append(("finalize", done))
    check = run_task(endpoint, "read-back", {"exportId": export_id}, environment)["result"]
    return {
        "rows": done["result"]["rows"],
        "chunks": done["result"]["chunks"],
        "segments": len(plan["result"]),
        "seconds": sum(task["seconds"] for _, task in tasks),
        "segment_seconds": sum(task["seconds"] for name, task in tasks if name.startswith("w")),
        "peak": max(task["peak"] for _, task in tasks),
        "tasks": [(name, task["seconds"], task["peak"]) for name, task in tasks],
        "check": check,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--segment-rows", type=int, help="EXPORT_SEGMENT_ROWS for the export tasks")
    parser.add_argument("--csv-rows", type=int, default=100_000)
    parser.add_argument("--task", choices=sorted(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--arg", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve_seeded(args.serve)
        return
    if args.task is not None:
        use_emulation(args.endpoint)
        if os.environ.get("BENCH_SEGMENT_ROWS"):  # after the template's own settings
            os.environ["EXPORT_SEGMENT_ROWS"] = os.environ["BENCH_SEGMENT_ROWS"]
            get_settings.cache_clear()
        task = TASKS[args.task]
        print(json.dumps(measured(lambda: task(json.loads(args.arg)))))
        return

    environment = {"BENCH_SEGMENT_ROWS": str(args.segment_rows)} if args.segment_rows else {}
    os.environ.update(function_environment(Template(parameters=LOCAL_PARAMETERS)))
    peaks = {}
    for size in (int(s) for s in args.sizes.split(",")):
        child, endpoint, seeded, balance = start_emulation(size)
        try:
            mine = export_card(endpoint, environment)
        finally:
            child.communicate("")
        check = mine["check"]
        assert mine["rows"] == check["rows"] == size, (mine["rows"], check, size)
        assert check["sum"] == check["newest_balance"] == balance and check["newest_first"], (check, balance)
        peaks[size] = mine["peak"]
        print(
            f"\none gift card with {size:,} transactions (seeded in {seeded:.0f} s), all fields, newest first"
        )
        print(
            f"  {mine['seconds']:.1f}s in all, segments {mine['segment_seconds']:.1f}s ="
            f" {size / mine['segment_seconds']:,.0f} rows/s; largest task peak {mib(mine['peak'])}"
        )
        print(f"  {mine['segments']} segments, {mine['chunks']} chunks; per task:")
        for name, seconds, peak in mine["tasks"]:
            print(f"    {name:10} {seconds:7.1f}s {mib(peak):>14}")
        print(f"  CSV checked: {check['rows']:,} rows newest first, amounts sum to the balance {balance:,}")
    sizes = sorted(peaks)
    for smaller in sizes[:-1]:
        growth = peaks[sizes[-1]] / peaks[smaller]
        print(f"\nflat memory: task peak at {sizes[-1]:,} / at {smaller:,} = {growth:.2f} (goal <= 1.2)")
    ours_rate, plain_rate = row_path(args.csv_rows)
    print(
        f"row path over {args.csv_rows:,} ledger entries, all fields: csv.writer {plain_rate:,.0f} rows/s;"
        f" ours (item -> Voucherify fields -> CSV) {ours_rate:,.0f} rows/s = {ours_rate / plain_rate:.0%}"
    )


if __name__ == "__main__":
    main()
