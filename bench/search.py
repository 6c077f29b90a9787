"""Promotion search: DynamoDB calls and bytes read per search, at 1,000 and 10,000 promotions.

Seeds one tenant (and, as noise, a second tenant with as many) with realistic promotions on
an in-process moto built from template.yaml: varied names, dates, levels, states, coupons
with codes, several discounts with SKU target lists (full records of ~1-3 KB). Then runs the
typical searches through the same service functions the handlers call, metering every
DynamoDB call with a botocore ``after-call`` hook (local/readmeter.py).

Figures per search: calls (by operation), bytes read (DynamoDB item sizes of every item
GetItem/Query/BatchGetItem returned) as a ratio to the baseline, the total size of that
tenant's full promotion records measured in the same run, and the number of the other
tenant's items read. Goal: ratio <= 0.10 at 10,000 promotions for every typical search, and
no other-tenant item, ever.

Takes a few minutes: moto is far slower than DynamoDB at writes and index queries (only the
counts matter here, not moto's timings).

Usage: python bench/search.py [--sizes 1000 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common" / "python")]

from local.aws import InProcessAws  # noqa: E402
from local.functions import LocalFunctions  # noqa: E402
from local.readmeter import ReadMeter, item_size  # noqa: E402
from local.stack import LOCAL_PARAMETERS  # noqa: E402
from local.template import Template  # noqa: E402

TENANT = "b" * 23 + "1"
OTHER_TENANT = "b" * 23 + "2"
GOAL = 0.10
GOAL_FROM = 10_000  # promotions per tenant: small tenants read little in absolute terms anyway

EVENTS = [
    "Black Friday",
    "Cyber Monday",
    "Spring",
    "Summer",
    "Back to School",
    "Holiday",
    "Clearance",
    "Flash",
    "Weekend",
    "Members",
    "New Year",
    "Valentine's",
    "Easter",
    "Labor Day",
    "Singles Day",
]
CATEGORIES = [
    "Shoes",
    "Coats",
    "Dresses",
    "Jeans",
    "Bags",
    "Watches",
    "Kitchen",
    "Garden",
    "Toys",
    "Beauty",
    "Sports",
    "Outdoor",
    "Lighting",
    "Bedding",
    "Electronics",
    "Books",
]
OFFERS = [
    "10% Off",
    "15% Off",
    "20% Off",
    "25% Off",
    "30% Off",
    "$10 Off",
    "$25 Off",
    "Free Shipping",
    "Buy 2 Get 1",
]
TYPES = ["PRODUCT", "CART", "QUANTITY", "SHIPPING", "BUYGET", "SPEND_GET"]
STACKING = ["STACKABLE", "STACKABLE", "EXCLUSIVE", "TYPE_EXCLUSIVE", "UNIVERSAL"]


def _promotion(rng: random.Random, promo_id: int, now: datetime) -> dict[str, Any]:
    """The fields of one realistic promotion (PromotionRecord keyword arguments)."""
    if rng.random() < 0.2:  # a current campaign: started lately or starting soon
        created = now - timedelta(days=rng.uniform(0, 60))
        start = now + timedelta(days=rng.uniform(-30, 30))
        end = start + timedelta(days=rng.uniform(7, 90))
    else:  # history: three years of campaigns, most of them over
        created = now - timedelta(days=rng.uniform(30, 3 * 365))
        start = created + timedelta(days=rng.uniform(0, 30))
        end = start + timedelta(days=rng.uniform(1, 45))
    open_ended = rng.random() < 0.05
    coupon = rng.random() < 0.2
    codes = [f"{rng.choice(EVENTS)[:4].upper()}{rng.randrange(10**6):06d}" for _ in range(rng.randint(1, 5))]
    discounts = [
        {
            "unit": rng.choice(["PERCENTAGE_OFF", "AMOUNT_OFF", "FIXED"]),
            "value": rng.choice([5, 10, 15, 20, 25, 30]),
            "targets": [
                {
                    "type": "SKU",
                    "operator": "IN",
                    "values": [f"SKU-{rng.randrange(10**7):07d}" for _ in range(rng.randint(5, 40))],
                },
                {"type": "CATEGORY", "operator": "IN", "values": rng.sample(CATEGORIES, rng.randint(1, 3))},
            ],
            "minQuantity": rng.choice([None, 1, 2, 3]),
        }
        for _ in range(rng.randint(1, 3))
    ]
    return {
        "id": f"{int(created.timestamp()):08x}{rng.getrandbits(64):016x}",
        "promo_id": promo_id,
        "name": f"{rng.choice(EVENTS)} {rng.choice(CATEGORIES)} {rng.choice(OFFERS)}",
        "type": rng.choice(TYPES),
        "start_at": start,
        "end_at": None if open_ended else end,
        "level": rng.choice([0, 1, 1, 1, 2, 2, 3, 4, 5]),
        "stacking_type": rng.choice(STACKING),
        "is_implicit": not coupon,
        "is_exclusive": rng.random() < 0.1,
        "is_enabled": rng.random() < 0.9,
        "eligible_price_lists": rng.sample(
            [10000056, 10000057, 10000058, 10000060, 10000061], rng.randint(1, 3)
        ),
        "discounts": discounts,
        "limits": [{"type": "SITE_WIDE", "quantity": rng.choice([100, 1000, 10000])}],
        "additional_attributes": [{"name": "campaign", "values": [f"cmp-{rng.randrange(10**5)}"]}],
        "created_at": created,
        "updated_at": min(now, created + timedelta(days=rng.uniform(0, 20))),
        "coupon_codes": codes if coupon else [],
        "code_count": len(codes) + rng.choice([0, 0, 100, 5000]) if coupon else 0,
    }


@dataclass
class Seeded:
    count: int = 0
    record_bytes: int = 0  # DynamoDB size of the tenant's full promotion items
    names: list[str] = field(default_factory=list)  # of the first promotions: values to search for
    codes: list[str] = field(default_factory=list)


def seed(tenant_id: str, count: int, rng: random.Random, seeded: Seeded, now: datetime) -> None:
    """Add ``count`` promotions (and their coupons' code items) to the tenant, item by item.

    Plain puts: moto copies the whole table for every TransactWriteItems (for rollback), which
    makes bulk transactions quadratic; the promotion counter is then set once.
    """
    from offers.models.promotions import PromotionRecord
    from offers.store import keys
    from offers.store.codec import to_item
    from offers.store.promotions import to_item as promotion_item
    from offers.store.table import Table

    table = Table()
    for n in range(count):
        record = PromotionRecord(**_promotion(rng, 100_001 + seeded.count + n, now))
        item = promotion_item(tenant_id, record)
        seeded.record_bytes += item_size(to_item(item))
        table.put(item)
        for code in record.coupon_codes:
            table.put({**keys.code_key(tenant_id, code), "code": code, "promotionId": record.id})
        if len(seeded.names) < 10:
            seeded.names.append(record.name)
            seeded.codes += record.coupon_codes
    table.update(keys.tenant_stats_key(tenant_id), "ADD promotions :n", values={":n": count})
    seeded.count += count


@dataclass
class Search:
    label: str
    run: Callable[[], Any]
    typical: bool = True


def searches(now: datetime, title: str, code: str) -> list[Search]:
    from offers.models.search_v2 import V2PromoSearchRequest
    from offers.models.search_v3 import PromotionSearchRequest
    from offers.services.search import search_promotions

    def v2(body: dict[str, Any]) -> Callable[[], Any]:
        return lambda: search_promotions(TENANT, V2PromoSearchRequest.model_validate(body))

    def v3(body: dict[str, Any]) -> Callable[[], Any]:
        return lambda: search_promotions(TENANT, PromotionSearchRequest.model_validate(body))

    def day(days: int) -> str:
        return (now + timedelta(days=days)).strftime("%Y-%m-%dT00:00:00Z")

    return [
        Search(
            "v2 title EQUAL",
            v2({"filters": [{"field": "title", "value": title.upper(), "operator": "EQUAL"}]}),
        ),
        Search(
            "v2 state IN ACTIVE,SCHEDULED",
            v2({"filters": [{"field": "state", "value": "ACTIVE,SCHEDULED", "operator": "IN"}]}),
        ),
        Search(
            "v2 startDate in one month",
            v2(
                {
                    "filters": [
                        {"field": "startDate", "value": day(-120), "operator": "GREATER_THAN_OR_EQUAL_TO"},
                        {"field": "startDate", "value": day(-90), "operator": "LESS_THAN"},
                    ]
                }
            ),
        ),
        Search("v2 -updatedAt offset 0", v2({"sort": "-updatedAt", "offset": 0, "limit": 10})),
        Search("v2 -updatedAt offset 500", v2({"sort": "-updatedAt", "offset": 500, "limit": 10})),
        Search(
            "v3 status IN ACTIVE,SCHEDULED +name",
            v3(
                {
                    "sort": "+name",
                    "filters": [{"field": "status", "operator": "IN", "value": ["ACTIVE", "SCHEDULED"]}],
                }
            ),
        ),
        Search(
            "v3 couponCode EQUAL",
            v3({"filters": [{"field": "couponCode", "operator": "EQUAL", "value": code}]}),
        ),
        Search(
            "v3 status EQUAL DISABLED",
            v3({"filters": [{"field": "status", "operator": "EQUAL", "value": "DISABLED"}]}),
        ),
        Search(
            "v3 level EQUAL 2 (1 of 6 levels)",
            v3({"filters": [{"field": "level", "operator": "EQUAL", "value": 2}]}),
            False,
        ),
        Search(
            "v3 type EQUAL CART (not indexed)",
            v3({"filters": [{"field": "type", "operator": "EQUAL", "value": "CART"}]}),
            False,
        ),
    ]


ROW = "{:>10}  {:38} {:>5}  {:>18} {:>12} {:>7} {:>5} {:>6}"
HEADER = ROW.format(
    "promotions", "search", "calls", "Query/Get/BatchGet", "bytes read", "ratio", "other", "count"
)


def measure(size: int, seeded: Seeded, now: datetime, meter: ReadMeter) -> list[str]:
    """Run every search once on the benchmark tenant, print its row; the searches over goal."""
    from offers.store.keys import tenant_prefix

    print(
        f"{size:,} promotions per tenant; baseline: the tenant's full records = {seeded.record_bytes:,} "
        f"bytes ({seeded.record_bytes / size:,.0f} bytes each)"
    )
    print(HEADER)
    over = []
    for search in searches(now, seeded.names[0], seeded.codes[0]):
        meter.reset()
        result = search.run()
        ratio = meter.bytes_read / seeded.record_bytes
        other = meter.items_outside(tenant_prefix(TENANT))
        within = other == 0 and (ratio <= GOAL or not search.typical or size < GOAL_FROM)
        calls = "/".join(str(meter.calls[op]) for op in ("Query", "GetItem", "BatchGetItem"))
        label = search.label if search.typical else f"({search.label})"
        row = ROW.format(
            f"{size:,}",
            label,
            meter.total_calls,
            calls,
            f"{meter.bytes_read:,}",
            f"{ratio:.3f}",
            other,
            result.query.count,
        )
        print(row + ("" if within else "  <-- over goal"))
        if not within:
            over.append(f"{size} {search.label}")
    print()
    return over


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    template = Template(parameters=LOCAL_PARAMETERS)
    InProcessAws(template).start()
    LocalFunctions(template.functions()).apply_environment()  # TABLE_NAME, CURSOR_SECRET, ...
    from offers.store.clients import dynamodb

    now = datetime.now(UTC)
    rng = random.Random(args.seed)
    tenants = {TENANT: Seeded(), OTHER_TENANT: Seeded()}
    meter = ReadMeter().attach(dynamodb())
    print("promotion search: DynamoDB reads per search (moto in process, items sized by DynamoDB's rules)")
    print(
        f"goal: bytes read <= {GOAL:.2f} x the tenant's full promotion records from {GOAL_FROM:,} "
        "promotions on, and never an item of the other tenant\n"
    )
    over = []
    for size in args.sizes:
        started = time.perf_counter()
        for tenant_id, seeded in tenants.items():
            seed(tenant_id, size - seeded.count, rng, seeded, now)
        print(f"(seeded two tenants to {size:,} promotions each in {time.perf_counter() - started:.0f} s)")
        over += measure(size, tenants[TENANT], now, meter)
    print("typical searches: all but the parenthesised ones (shown for what a non-indexed filter costs).")
    print("moto cuts Query pages at 1 MB of full items, DynamoDB at 1 MB of the index's projection, so")
    print("DynamoDB needs no more Query calls than shown. Byte counts do not depend on paging.")
    if over:
        print("over goal: " + ", ".join(over))
        sys.exit(1)


if __name__ == "__main__":
    main()
