"""REDEMPTION exports: our engine against a naive baseline, at 100k and 1M rows.

For each size, a child process runs the emulation (moto's server, as `make serve` does) and
seeds that many redemptions straight into its tables (the API would take hours). This process
then exports them twice against that emulation, measuring only its own work:

- ours:     the engine's real steps in order (plan -> every segment task -> finalize), the
            same functions the state machine's Lambda tasks call; peak memory is the largest
            of any one task (a task is one Lambda invocation), plus the peak of the whole run.
- baseline: what a first version would do: one Query loop per ledger shard collecting every
            item, csv.DictWriter into memory, one put_object.

Both read through the same table layer, so the difference is the architecture alone. Segments
run one after another here; in AWS the Map state runs them in parallel, so our wall time is
an upper bound. Peak memory is tracemalloc's (Python allocations of this process; the
emulation lives in the child).

Then, with no I/O at all, our row-to-CSV path (CsvChunkWriter over the same rows) against a
plain csv.writer into a StringIO.

Goals: peak memory of an export task at 1M rows <= 1.2x that at 100k; ours <= 1/5 of the
baseline's memory at 1M; our CSV path >= 70% of plain csv.writer's throughput.

Usage: python bench/export.py [--sizes 100000,1000000] [--csv-rows 200000]
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common" / "python")]
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")

from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402

from local.aws import FAKE_CREDENTIALS, LOCAL_REGION, MOTO_LOCK, EmbeddedAwsServer  # noqa: E402
from local.stack import LOCAL_PARAMETERS  # noqa: E402
from local.template import Template  # noqa: E402
from offers.clock import utc_now  # noqa: E402
from offers.ids import new_id  # noqa: E402
from offers.models.exports import ExportRecord, ExportStatus, ExportType  # noqa: E402
from offers.models.redemptions import RedemptionRecord  # noqa: E402
from offers.services import export_engine  # noqa: E402
from offers.services.export_sources import REDEMPTION_COLUMNS, redemption_row, source_for  # noqa: E402
from offers.settings import get_settings  # noqa: E402
from offers.store import clients, keys, objects  # noqa: E402
from offers.store.codec import from_item, to_item  # noqa: E402
from offers.store.exports import ExportStore  # noqa: E402
from offers.store.redemptions import redemption_item  # noqa: E402
from offers.store.table import Table  # noqa: E402

TENANT = "bbbbbbbbbbbbbbbbbbbbbbbb"
SHARDS = "16"
START = datetime(2025, 1, 1, tzinfo=UTC)


def redemption_items(count: int) -> Iterator[dict[str, Any]]:
    """Realistic redemptions: a code on a third, an e-mail on half, attributes on a tenth."""
    for i in range(count):
        moment = START + timedelta(seconds=i * 3)
        record = RedemptionRecord(
            id=f"{i:024x}",
            order_id=f"order-{i:09d}",
            promotion_id=f"{i % 50:024x}",
            promotion_name=f'Promotion {i % 50}, "winter" edition',
            coupon_code=f"CODE{i:08d}" if i % 3 == 0 else None,
            email=f"shopper{i % 20_000}@example.com" if i % 2 == 0 else None,
            user_id=f"user-{i % 20_000}",
            store_id=f"store-{i % 40}",
            redeemed_at=moment,
            created_at=moment,
            updated_at=moment,
            additional_attributes=[{"name": "channel", "values": ["web", "app"]}] if i % 10 == 0 else [],
        )
        yield to_item(redemption_item(TENANT, record))


# -- the emulation (child process) ------------------------------------------------------------


def serve_seeded(rows: int) -> None:
    """Child: start the emulation, seed `rows` redemptions, print the endpoint, serve until stdin closes."""

    template = Template(parameters=LOCAL_PARAMETERS)
    os.environ.update(function_environment(template))
    server = EmbeddedAwsServer(template).start()
    table = template.physical_id("OffersTable")
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][LOCAL_REGION]
    began = time.perf_counter()
    with MOTO_LOCK:
        for item in redemption_items(rows):
            backend.put_item(table, item)
    print(f"SEEDED {rows} {time.perf_counter() - began:.1f}", flush=True)
    print(f"READY {server.endpoint_url}", flush=True)
    sys.stdin.read()
    server.stop()


def start_emulation(rows: int) -> tuple[subprocess.Popen, str, float]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(rows)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    seeded = 0.0
    for line in child.stdout:
        if line.startswith("SEEDED"):
            seeded = float(line.split()[2])
        if line.startswith("READY"):
            return child, line.split()[1], seeded
    raise RuntimeError("the emulation did not start")


def function_environment(template: Template) -> dict[str, str]:
    """What the export tasks see in Lambda (table, bucket, settings), the same in both processes."""
    spec = template.functions()["ExportSegmentFunction"]
    return {
        **spec.environment,
        **FAKE_CREDENTIALS,
        "REDEMPTION_SHARDS": SHARDS,
        "CURSOR_SECRET": "bench-needs-no-real-secret",
        "AWS_READ_TIMEOUT_SECONDS": "120",
    }


def use_emulation(endpoint: str) -> None:
    environment = function_environment(Template(parameters=LOCAL_PARAMETERS))
    os.environ.update({**environment, "AWS_ENDPOINT_URL": endpoint})
    get_settings.cache_clear()
    clients.client.cache_clear()
    objects._presigner.cache_clear()


# -- the two exports, one process per task ---------------------------------------------------


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def measured(work: Callable[[], Any]) -> dict[str, Any]:
    """Run `work` in this (fresh) process: its result, seconds and peak memory.

    Peak memory is the process's resident high-water mark during the work minus what the idle
    process held before it (interpreter, imports, SDK clients): what the task itself needs.
    Linux resets the high-water mark when 5 is written to /proc/self/clear_refs.
    """
    clients.client("dynamodb"), clients.client("s3")  # created before measuring: a fixed cost
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    idle = _status_bytes("VmRSS")
    began = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - began
    return {"result": result, "seconds": seconds, "peak": _status_bytes("VmHWM") - idle}


def plan_task(export_id: str) -> Any:
    ExportStore().create(
        TENANT,
        ExportRecord(
            export_id=export_id,
            type=ExportType.REDEMPTION,
            status=ExportStatus.IN_PROGRESS,
            filters=[],
            spec=source_for(ExportType.REDEMPTION).spec([]).model_dump(mode="json", exclude_none=True),
            started_at=utc_now(),
        ),
    )
    planned = export_engine.plan_export(TENANT, export_id)
    return [item["segment"] for item in objects.get_json(planned["plan"]["key"])]


def baseline_task() -> int:
    """The naive export: every item in memory, then one CSV string, then one PUT."""
    fields = dict(zip(REDEMPTION_COLUMNS, ["id", *REDEMPTION_COLUMNS[1:]], strict=True))
    items: list[dict[str, Any]] = []
    table = Table()
    for shard in range(get_settings().redemption_shards):
        start_key = None
        while True:
            page = table.query(
                keys.redemption_ledger_partition(TENANT, shard),
                index=keys.GSI1[0],
                partition_attribute=keys.GSI1[1],
                start_key=start_key,
            )
            items.extend(page.items)
            if page.last_key is None:
                break
            start_key = page.last_key
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REDEMPTION_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        row = {column: item.get(attribute) for column, attribute in fields.items()}
        if row["additionalAttributes"]:
            row["additionalAttributes"] = json.dumps(row["additionalAttributes"], separators=(",", ":"))
        writer.writerow(row)
    objects.put_bytes(f"bench/{TENANT}/baseline.csv", out.getvalue().encode(), "text/csv")
    return len(items)


TASKS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "plan": lambda arg: plan_task(arg["exportId"]),
    "segment": lambda arg: export_engine.run_segment(TENANT, arg["exportId"], arg["segment"]),
    "finalize": lambda arg: export_engine.finalize_export(TENANT, arg["exportId"]),
    "baseline": lambda arg: baseline_task(),
}


def run_task(endpoint: str, name: str, arg: dict[str, Any]) -> dict[str, Any]:
    """One task in a fresh process, as a Lambda invocation would run it."""
    done = subprocess.run(
        [sys.executable, __file__, "--task", name, "--endpoint", endpoint, "--arg", json.dumps(arg)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"task {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ours(endpoint: str) -> dict[str, Any]:
    export_id = new_id()
    plan = run_task(endpoint, "plan", {"exportId": export_id})
    tasks = [("plan", plan)]
    for segment in plan["result"]:
        tasks.append(
            (segment["id"], run_task(endpoint, "segment", {"exportId": export_id, "segment": segment}))
        )
    done = run_task(endpoint, "finalize", {"exportId": export_id})
    tasks.append(("finalize", done))
    return {
        "rows": done["result"]["rows"],
        "chunks": done["result"]["chunks"],
        "segments": len(plan["result"]),
        "seconds": sum(task["seconds"] for _, task in tasks),
        "peak": max(task["peak"] for _, task in tasks),
        "tasks": [(name, task["seconds"], task["peak"]) for name, task in tasks],
    }


def baseline(endpoint: str) -> dict[str, Any]:
    task = run_task(endpoint, "baseline", {})
    return {"rows": task["result"], "seconds": task["seconds"], "peak": task["peak"]}


# -- the CSV path alone -----------------------------------------------------------------------


def csv_paths(count: int, repeats: int = 3) -> tuple[float, float, float]:
    """(ours rows/s, ours incl. item->row rows/s, csv.writer rows/s), best of `repeats`."""

    items = [from_item(item) for item in redemption_items(count)]
    rows = [redemption_row(item) for item in items]

    def ours_over(source: Callable[[], Any]) -> float:
        # One chunk, one in-memory part: nothing reaches S3, only rows -> CSV bytes is timed.
        writer = objects.CsvChunkWriter(
            REDEMPTION_COLUMNS,
            lambda n: f"unused-{n}",
            max_rows=count + 1,
            max_bytes=1 << 40,
            part_size=1 << 40,
        )
        began = time.perf_counter()
        writer.write_rows(source())
        return time.perf_counter() - began

    def plain() -> float:
        began = time.perf_counter()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(REDEMPTION_COLUMNS)
        writer.writerows(rows)
        out.getvalue().encode()
        return time.perf_counter() - began

    best_ours = min(ours_over(lambda: rows) for _ in range(repeats))
    best_mapped = min(ours_over(lambda: map(redemption_row, items)) for _ in range(repeats))
    best_plain = min(plain() for _ in range(repeats))
    return count / best_ours, count / best_mapped, count / best_plain


# -- report -----------------------------------------------------------------------------------


def mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--csv-rows", type=int, default=200_000)
    parser.add_argument("--task", choices=sorted(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--arg", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve_seeded(args.serve)
        return
    if args.task is not None:
        use_emulation(args.endpoint)
        task = TASKS[args.task]
        print(json.dumps(measured(lambda: task(json.loads(args.arg)))))
        return

    os.environ.update(function_environment(Template(parameters=LOCAL_PARAMETERS)))
    results: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        child, endpoint, seeded = start_emulation(size)
        try:
            mine, naive = ours(endpoint), baseline(endpoint)
        finally:
            child.communicate("")
        assert mine["rows"] == naive["rows"] == size, (mine["rows"], naive["rows"], size)
        results[size] = (mine, naive)
        print(f"\n{size:,} redemptions (seeded in {seeded:.0f} s)")
        print(f"  {'':10} {'wall':>9} {'rows/s':>9} {'peak memory':>14}")
        for name, result in (("ours", mine), ("baseline", naive)):
            print(
                f"  {name:10} {result['seconds']:8.1f}s {result['rows'] / result['seconds']:9,.0f}"
                f" {mib(result['peak']):>14}"
            )
        print(f"  ours: {mine['segments']} segments, {mine['chunks']} chunks; per task:")
        for name, seconds, peak in mine["tasks"]:
            print(f"    {name:10} {seconds:7.1f}s {mib(peak):>14}")
        print(
            f"  ratios ours/baseline: wall {mine['seconds'] / naive['seconds']:.2f},"
            f" peak memory {mine['peak'] / naive['peak']:.3f}"
        )

    sizes = sorted(results)
    if len(sizes) >= 2:
        small, large = results[sizes[0]][0], results[sizes[-1]][0]
        growth = large["peak"] / small["peak"]
        print(f"\nflat memory: task peak at {sizes[-1]:,} / at {sizes[0]:,} = {growth:.2f} (goal <= 1.2)")
    mine, naive = results[sizes[-1]]
    print(f"memory at {sizes[-1]:,}: ours / baseline = {mine['peak'] / naive['peak']:.3f} (goal <= 0.2)")
    ours_rate, mapped_rate, plain_rate = csv_paths(args.csv_rows)
    print(
        f"\nCSV path over {args.csv_rows:,} rows: csv.writer {plain_rate:,.0f} rows/s;"
        f" ours {ours_rate:,.0f} rows/s = {ours_rate / plain_rate:.0%} (goal >= 70%);"
        f" ours incl. item->row {mapped_rate:,.0f} rows/s = {mapped_rate / plain_rate:.0%}"
    )


if __name__ == "__main__":
    main()
