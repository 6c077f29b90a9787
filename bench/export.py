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

With ``--object voucher`` the same for Voucherify's voucher export over coupon codes (20
coupons, each 5% of the codes): task memory at each size, the row path (code item ->
Voucherify fields -> CSV) against plain csv.writer over the same rows, and the DynamoDB bytes
an export filtered to one campaign, one customer or one code reads, against the whole export
(goal <= 0.1 when the filter keeps 5% or less).

Usage: python bench/export.py [--object redemption|voucher] [--sizes 100000,1000000] [--csv-rows 200000]
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
from collections.abc import Callable, Iterable, Iterator, Sequence
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
from local.readmeter import ReadMeter  # noqa: E402
from local.stack import LOCAL_PARAMETERS  # noqa: E402
from local.template import Template  # noqa: E402
from offers.clock import utc_now  # noqa: E402
from offers.ids import new_id  # noqa: E402
from offers.models.coupons import CouponCodeRecord  # noqa: E402
from offers.models.exports import ExportRecord, ExportStatus, ExportType  # noqa: E402
from offers.models.promotions import PromotionRecord  # noqa: E402
from offers.models.redemptions import RedemptionRecord  # noqa: E402
from offers.services import export_engine  # noqa: E402
from offers.services.export_sources import (  # noqa: E402
    REDEMPTION_COLUMNS,
    V1_VOUCHER,
    redemption_row,
    source_for,
)
from offers.services.voucherify_fields import VOUCHER_FIELDS, voucher_row_maker  # noqa: E402
from offers.services.voucherify_filters import compile_filters  # noqa: E402
from offers.services.voucherify_vocabularies import VOUCHERS  # noqa: E402
from offers.settings import get_settings  # noqa: E402
from offers.store import clients, keys, objects  # noqa: E402
from offers.store.codec import from_item, to_item  # noqa: E402
from offers.store.coupons import code_item  # noqa: E402
from offers.store.exports import ExportStore  # noqa: E402
from offers.store.promotions import to_item as promotion_item  # noqa: E402
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


# Vouchers: 20 coupons (each 5% of the codes), a quarter of the codes assigned to customers.
COUPONS = 20
VOUCHER_EXPORT_FIELDS = list(VOUCHER_FIELDS[:20])  # code, type, value, campaign, dates, counts, metadata ...


def coupon_id(n: int) -> str:
    return f"c{n:023x}"


def coupon_items() -> list[dict[str, Any]]:
    return [
        to_item(
            promotion_item(
                TENANT,
                PromotionRecord(
                    id=coupon_id(n),
                    promo_id=100001 + n,
                    name=f'Coupon {n}, "spring" edition',
                    type="CART",
                    is_implicit=False,
                    discounts=[{"unit": "PERCENTAGE_OFF" if n % 2 else "AMOUNT_OFF", "value": 10 + n}],
                    limits=[{"type": "CODE", "quantity": 1}],
                    additional_attributes=[{"name": "season", "values": ["spring"]}],
                    start_at=START,
                    created_at=START,
                    updated_at=START,
                ),
            )
        )
        for n in range(COUPONS)
    ]


def code_items(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        moment = START + timedelta(seconds=i * 3)
        record = CouponCodeRecord(
            code=f"V{i:09d}",
            promotion_id=coupon_id(i % COUPONS),
            user_id=f"user-{i % 20_000}" if i % 4 == 0 else None,
            uses=i % 2,
            created_at=moment,
            updated_at=moment,
        )
        yield to_item(code_item(TENANT, record))


# -- the emulation (child process) ------------------------------------------------------------


def serve_seeded(rows: int, exported: str = "redemption") -> None:
    """Child: start the emulation, seed `rows` redemptions (or codes and their coupons), print
    the endpoint, serve until stdin closes."""

    template = Template(parameters=LOCAL_PARAMETERS)
    os.environ.update(function_environment(template))
    server = EmbeddedAwsServer(template).start()
    table = template.physical_id("OffersTable")
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][LOCAL_REGION]
    began = time.perf_counter()
    items = redemption_items(rows) if exported == "redemption" else [*coupon_items(), *code_items(rows)]
    with MOTO_LOCK:
        for item in items:
            backend.put_item(table, item)
    print(f"SEEDED {rows} {time.perf_counter() - began:.1f}", flush=True)
    print(f"READY {server.endpoint_url}", flush=True)
    sys.stdin.read()
    server.stop()


def start_emulation(rows: int, exported: str = "redemption") -> tuple[subprocess.Popen, str, float]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(rows), "--object", exported],
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


def voucher_plan_task(export_id: str, filters: dict[str, Any] | None = None) -> Any:
    spec = compile_filters(VOUCHERS, filters, columns=VOUCHER_EXPORT_FIELDS)
    ExportStore().create(
        TENANT,
        ExportRecord(
            export_id=export_id,
            type=V1_VOUCHER,
            status=ExportStatus.IN_PROGRESS,
            spec=spec.model_dump(mode="json", exclude_none=True),
            started_at=utc_now(),
            exported_object="voucher",
            parameters={"fields": VOUCHER_EXPORT_FIELDS},
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
    "voucher-plan": lambda arg: voucher_plan_task(arg["exportId"]),
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


def ours(endpoint: str, exported: str = "redemption") -> dict[str, Any]:
    export_id = new_id() if exported == "redemption" else f"exp_{new_id()}"
    plan = run_task(endpoint, "plan" if exported == "redemption" else "voucher-plan", {"exportId": export_id})
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


def ours_csv_seconds(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> float:
    """Our CSV writer over ``rows``: one chunk, one in-memory part, so nothing reaches S3 and
    only rows -> CSV bytes is timed."""
    unbounded = {"max_rows": 1 << 40, "max_bytes": 1 << 40, "part_size": 1 << 40}
    writer = objects.CsvChunkWriter(columns, lambda n: f"unused-{n}", **unbounded)
    began = time.perf_counter()
    writer.write_rows(rows)
    return time.perf_counter() - began


def plain_csv_seconds(columns: Sequence[str], rows: list[list[Any]]) -> float:
    began = time.perf_counter()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    out.getvalue().encode()
    return time.perf_counter() - began


def csv_paths(count: int, repeats: int = 3) -> tuple[float, float, float]:
    """(ours rows/s, ours incl. item->row rows/s, csv.writer rows/s), best of `repeats`."""

    items = [from_item(item) for item in redemption_items(count)]
    rows = [redemption_row(item) for item in items]
    best_ours = min(ours_csv_seconds(REDEMPTION_COLUMNS, rows) for _ in range(repeats))
    best_mapped = min(
        ours_csv_seconds(REDEMPTION_COLUMNS, map(redemption_row, items)) for _ in range(repeats)
    )
    best_plain = min(plain_csv_seconds(REDEMPTION_COLUMNS, rows) for _ in range(repeats))
    return count / best_ours, count / best_mapped, count / best_plain


def voucher_csv_paths(count: int, repeats: int = 5) -> tuple[float, float]:
    """(ours: code item -> Voucherify fields -> CSV, csv.writer over the same rows) in rows/s,
    best of `repeats`, the two measured in turn so a busy machine slows both alike."""
    coupons = {item["id"]: item for item in (from_item(c) for c in coupon_items())}
    items = [from_item(item) for item in code_items(count)]
    rows = [voucher_row_maker(TENANT, VOUCHER_EXPORT_FIELDS, coupons.__getitem__)(item) for item in items]
    ours_best = plain_best = float("inf")
    for _ in range(repeats):
        make_row = voucher_row_maker(TENANT, VOUCHER_EXPORT_FIELDS, coupons.__getitem__)  # fresh caches
        ours_best = min(ours_best, ours_csv_seconds(VOUCHER_EXPORT_FIELDS, map(make_row, items)))
        plain_best = min(plain_best, plain_csv_seconds(VOUCHER_EXPORT_FIELDS, rows))
    return count / ours_best, count / plain_best


def selective_reads(endpoint: str) -> list[tuple[str, int, int]]:
    """In this process: DynamoDB bytes read by the whole voucher export and by exports filtered to
    one campaign, one customer and one code (name, rows, bytes)."""
    use_emulation(endpoint)
    meter = ReadMeter().attach(clients.client("dynamodb"))
    found = []
    cases = [
        ("all codes", None),
        ("one campaign (5%)", {"campaign_id": {"conditions": {"$is": coupon_id(3)}}}),
        ("one customer", {"customer_source_id": {"conditions": {"$is": "user-4"}}}),
        ("one code", {"code": {"conditions": {"$is": "V000000042"}}}),
    ]
    for name, filters in cases:
        export_id = f"exp_{new_id()}"
        segments = voucher_plan_task(export_id, filters)
        meter.reset()  # planning samples keys only; count the rows' reads
        rows = sum(export_engine.run_segment(TENANT, export_id, segment)["rows"] for segment in segments)
        found.append((name, rows, meter.bytes_read))
    return found


def vouchers(sizes: list[int], csv_rows: int) -> None:
    peaks = {}
    for size in sizes:
        child, endpoint, seeded = start_emulation(size, "voucher")
        try:
            mine = ours(endpoint, "voucher")
            reads = selective_reads(endpoint) if size == sizes[0] else []
        finally:
            child.communicate("")
        assert mine["rows"] == size, (mine["rows"], size)
        peaks[size] = mine["peak"]
        print(f"\n{size:,} codes as Voucherify vouchers (seeded in {seeded:.0f} s)")
        rate = mine["rows"] / mine["seconds"]
        print(f"  ours: {mine['seconds']:.1f}s, {rate:,.0f} rows/s, task peak {mib(mine['peak'])}")
        print(f"  {mine['segments']} segments, {mine['chunks']} chunks; per task:")
        for name, seconds, peak in mine["tasks"]:
            print(f"    {name:10} {seconds:7.1f}s {mib(peak):>14}")
        if reads:
            total = reads[0][2]
            for name, rows, read in reads:
                share = f"{read / total:.3f} of all (goal <= 0.1)"
                print(f"  {name:18} {rows:9,} rows {read:13,} bytes read = {share}")
    if len(sizes) >= 2:
        growth = peaks[sizes[-1]] / peaks[sizes[0]]
        sizes_text = f"{sizes[-1]:,} / at {sizes[0]:,}"
        print(f"\nflat memory: voucher task peak at {sizes_text} = {growth:.2f} (goal <= 1.2)")
    ours_rate, plain_rate = voucher_csv_paths(csv_rows)
    print(
        f"row path over {csv_rows:,} codes: csv.writer {plain_rate:,.0f} rows/s; ours (item -> Voucherify"
        f" fields -> CSV) {ours_rate:,.0f} rows/s = {ours_rate / plain_rate:.0%} (goal >= 70%)"
    )


# -- report -----------------------------------------------------------------------------------


def mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--object", choices=("redemption", "voucher"), default="redemption")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--csv-rows", type=int, default=200_000)
    parser.add_argument("--task", choices=sorted(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--arg", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve_seeded(args.serve, args.object)
        return
    if args.task is not None:
        use_emulation(args.endpoint)
        task = TASKS[args.task]
        print(json.dumps(measured(lambda: task(json.loads(args.arg)))))
        return

    os.environ.update(function_environment(Template(parameters=LOCAL_PARAMETERS)))
    if args.object == "voucher":
        vouchers([int(s) for s in args.sizes.split(",")], args.csv_rows)
        return
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
