"""The sample events in events/: loading them, the data they refer to, what they should get.

Shared by `sam local invoke` checks (local/sam_check.py) and the integration tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from local.template import ROOT

EVENTS_DIR = ROOT / "events"
SAMPLE_TENANT_ID = "000000000000000000000001"
SAMPLE_PROMOTION_ID = "6740e1f2a1b2c3d4e5f60718"
SAMPLE_COUPON_ID = "6740e1f2a1b2c3d4e5f60719"
SAMPLE_GENERATION_ID = "6740e1f2a1b2c3d4e5f6071a"
SAMPLE_PENDING_GENERATION_ID = "6740e1f2a1b2c3d4e5f6071b"
SAMPLE_REDEMPTION_ID = "6740e1f2a1b2c3d4e5f6071c"
SAMPLE_EXPORT_ID = "6740e1f2a1b2c3d4e5f6071d"  # COMPLETED, with its files
SAMPLE_RUNNING_EXPORT_ID = "6740e1f2a1b2c3d4e5f6071e"  # IN_PROGRESS, for the plan/segment/fail tasks
SAMPLE_READY_EXPORT_ID = "6740e1f2a1b2c3d4e5f6071f"  # IN_PROGRESS, its one segment done: to finalize
SAMPLE_SCHEDULE_ID = "6740e1f2a1b2c3d4e5f60720"  # yesterday's redemptions, daily at 06:00 Berlin
SAMPLE_WEBHOOK_ID = "6740e1f2a1b2c3d4e5f60721"  # export.completed only (the sample queue event is a failure)
SAMPLE_APP_ID = f"{SAMPLE_TENANT_ID}.5a3b1e0c9d8f7a6b5c4d3e2f"  # the /v1 events' X-App-Id
SAMPLE_APP_TOKEN = "sample-events-app-token-not-for-production"
SAMPLE_REVOKED_APP_ID = f"{SAMPLE_TENANT_ID}.0f1e2d3c4b5a69788796a5b4"  # DeleteAppKey's event revokes it
SAMPLE_V1_EXPORT_ID = "exp_6740e1f2a1b2c3d4e5f60720"  # a DONE Voucherify-dialect export
SAMPLE_V1_DELETED_EXPORT_ID = "exp_6740e1f2a1b2c3d4e5f60721"  # DeleteExport's event deletes it


def load_event(function_id: str) -> dict[str, Any]:
    return json.loads((EVENTS_DIR / f"{function_id}.json").read_text())


def sample_environment() -> dict[str, str]:
    """The variables `sam local invoke --env-vars events/env.json` gives every function."""
    return json.loads((EVENTS_DIR / "env.json").read_text())["Parameters"]


def expected_answers() -> dict[str, Any]:
    """Function -> its documented answer: an HTTP status code, or keys the result must hold."""
    answers = json.loads((EVENTS_DIR / "expected-status.json").read_text())
    return {name: value for name, value in answers.items() if not name.startswith("_")}


def answer_matches(expected: Any, result: Any) -> bool:
    if isinstance(expected, int):
        return isinstance(result, dict) and result.get("statusCode") == expected
    return isinstance(result, dict) and all(result.get(key) == value for key, value in expected.items())


SAMPLE_REDEEMED_AT = datetime(2025, 6, 1, 12, tzinfo=UTC)


def seed_sample_data() -> None:
    """Store what the sample events refer to, overwriting, so every check starts alike:
    a promotion, a coupon with the code SAMPLE10, a finished code generation and a pending
    one (for the code worker's event), an active redemption of the promotion, and three
    exports (completed, running, ready to finalize) with their S3 objects. Uses the table,
    bucket and AWS endpoint of the environment.
    """
    from offers.models.coupons import CodeGeneration, CouponCodeRecord  # noqa: PLC0415 - after the env is set
    from offers.models.promotions import PromotionRecord  # noqa: PLC0415
    from offers.models.redemptions import RedemptionRecord  # noqa: PLC0415
    from offers.store.coupons import PENDING_GENERATIONS, code_item, generation_item  # noqa: PLC0415
    from offers.store.promotions import to_item  # noqa: PLC0415
    from offers.store.redemptions import redemption_item  # noqa: PLC0415
    from offers.store.table import Table  # noqa: PLC0415

    now = datetime.now(UTC)
    table = Table()
    common = {"start_at": datetime(2025, 1, 1, tzinfo=UTC), "created_at": now, "updated_at": now}
    promotion = PromotionRecord(
        id=SAMPLE_PROMOTION_ID,
        promo_id=100001,
        name="Sample promotion",
        type="PRODUCT",
        discounts=[{"unit": "PERCENTAGE_OFF", "value": 10}],
        **common,
    )
    coupon = PromotionRecord(
        id=SAMPLE_COUPON_ID,
        promo_id=100002,
        name="Sample coupon",
        type="CART",
        is_implicit=False,
        discounts=[{"unit": "AMOUNT_OFF", "value": 5}],
        limits=[{"type": "CODE", "quantity": 1}],
        coupon_codes=["SAMPLE10"],
        code_count=1,
        **common,
    )
    generation = {"created_at": now, "updated_at": now, "coupon_id": SAMPLE_COUPON_ID}
    finished = CodeGeneration(
        id=SAMPLE_GENERATION_ID,
        status="COMPLETED",
        spec={"prefix": "DONE", "count": 1},
        requested=1,
        generated=1,
        completed_at=now,
        **generation,
    )
    pending = CodeGeneration(
        id=SAMPLE_PENDING_GENERATION_ID,
        status="IN_PROGRESS",
        spec={"prefix": "WORKER", "count": 5},
        requested=5,
        **generation,
    )
    redemption = RedemptionRecord(
        id=SAMPLE_REDEMPTION_ID,
        order_id="order-1000",
        promotion_id=SAMPLE_PROMOTION_ID,
        promotion_name=promotion.name,
        user_id="customer-42",
        # A fixed moment: the export segment event's window selects exactly this redemption,
        # not the ones other sample events create when they share one emulator (sam-local-check).
        redeemed_at=SAMPLE_REDEEMED_AT,
        created_at=SAMPLE_REDEEMED_AT,
        updated_at=SAMPLE_REDEEMED_AT,
    )
    table.batch_write(
        puts=[
            redemption_item(SAMPLE_TENANT_ID, redemption),
            to_item(SAMPLE_TENANT_ID, promotion),
            {**to_item(SAMPLE_TENANT_ID, coupon), PENDING_GENERATIONS: {SAMPLE_PENDING_GENERATION_ID}},
            code_item(
                SAMPLE_TENANT_ID,
                CouponCodeRecord(
                    code="SAMPLE10", promotion_id=SAMPLE_COUPON_ID, created_at=now, updated_at=now
                ),
            ),
            generation_item(SAMPLE_TENANT_ID, finished),
            generation_item(SAMPLE_TENANT_ID, pending),
        ]
    )
    _seed_exports(now)
    _seed_schedule(now)
    _seed_webhook(now)
    _seed_prices(now)
    _seed_voucherify(now)


def _seed_webhook(now: datetime) -> None:
    from offers.models.webhooks import WebhookRecord  # noqa: PLC0415 - after the env is set
    from offers.store import keys  # noqa: PLC0415
    from offers.store.table import Table  # noqa: PLC0415

    record = WebhookRecord(
        id=SAMPLE_WEBHOOK_ID,
        url="https://93.184.216.34/hooks/offers",
        events=["export.completed"],
        secret="whsec_sample_0123456789abcdef",
        created_at=now,
    )
    body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
    Table().put({**keys.webhook_key(SAMPLE_TENANT_ID, SAMPLE_WEBHOOK_ID), "entity": "WEBHOOK", **body})


def _seed_schedule(now: datetime) -> None:
    """The sample export schedule, in DynamoDB and in EventBridge Scheduler (as its create made it)."""
    from offers.models.schedules import ScheduleRecord  # noqa: PLC0415 - after the env is set
    from offers.store import scheduler  # noqa: PLC0415
    from offers.store.clients import client  # noqa: PLC0415
    from offers.store.schedules import schedule_item  # noqa: PLC0415
    from offers.store.table import Table  # noqa: PLC0415

    body = json.loads(load_event("CreateScheduleFunction")["body"])
    record = ScheduleRecord.model_validate(
        {
            **body,
            "id": SAMPLE_SCHEDULE_ID,
            "createdAt": now,
            "updatedAt": now,
            "anchorAt": now,
            "state": "ENABLED",
        }
    )
    Table().put(schedule_item(SAMPLE_TENANT_ID, record))
    try:
        scheduler.create_schedule(SAMPLE_TENANT_ID, record, None)
    except client("scheduler").exceptions.ConflictException:
        scheduler.update_schedule(SAMPLE_TENANT_ID, record, None)


def _seed_voucherify(now: datetime) -> None:
    """Two app keys of the sample tenant and two Voucherify-dialect exports (DONE)."""
    import hashlib  # noqa: PLC0415

    from offers.models.app_keys import AppKeyRecord  # noqa: PLC0415 - after the env is set
    from offers.models.exports import ExportRecord  # noqa: PLC0415
    from offers.store import keys  # noqa: PLC0415
    from offers.store.exports import export_item  # noqa: PLC0415
    from offers.store.table import Table  # noqa: PLC0415

    token_hash = hashlib.sha256(SAMPLE_APP_TOKEN.encode()).hexdigest()
    app_keys = [
        {
            **keys.app_key_key(SAMPLE_TENANT_ID, app_id),
            "entity": "APP_KEY",
            **AppKeyRecord(app_id=app_id, token_hash=token_hash, created_at=now).model_dump(
                mode="json", by_alias=True, exclude_none=True
            ),
        }
        for app_id in (SAMPLE_APP_ID, SAMPLE_REVOKED_APP_ID)
    ]
    exports = [
        ExportRecord(
            export_id=export_id,
            type="V1_REDEMPTION",
            status="COMPLETED",
            spec={"columns": ["id", "object", "voucher_code", "customer_id", "date", "result"]},
            started_at=now,
            ended_at=now,
            exported_object="redemption",
            parameters={"fields": ["id", "object", "voucher_code", "customer_id", "date", "result"]},
            segments_total=0,
        )
        for export_id in (SAMPLE_V1_EXPORT_ID, SAMPLE_V1_DELETED_EXPORT_ID)
    ]
    Table().batch_write(puts=app_keys + [export_item(SAMPLE_TENANT_ID, record) for record in exports])
    from offers.models.customers import CustomerInput  # noqa: PLC0415
    from offers.services.customers import upsert_customer  # noqa: PLC0415

    for source_id in ("sample-customer", "sample-deleted-customer"):  # Get's and Delete's events
        upsert_customer(SAMPLE_TENANT_ID, CustomerInput(source_id=source_id, name="Sample customer"))
    _seed_cards()


def _seed_cards() -> None:
    """A gift card program and a loyalty program (points expire after 6 months), one card each.
    Seeded once: cards can't be overwritten (their ledger would no longer sum to the balance),
    and `make sam-local-check` seeds before every event."""
    from offers.models.cards import CampaignInput, VoucherInput  # noqa: PLC0415 - after the env is set
    from offers.services.card_campaigns import CampaignNameExists, create_campaign  # noqa: PLC0415
    from offers.services.cards import create_voucher  # noqa: PLC0415

    programs = (
        (
            "sample-gift-cards",
            "GIFT_VOUCHERS",
            {"type": "GIFT_VOUCHER", "gift": {"amount": 10000}},
            "SAMPLE-GIFT",
        ),
        (
            "sample-loyalty",
            "LOYALTY_PROGRAM",
            {
                "type": "LOYALTY_CARD",
                "loyalty_card": {
                    "points": 1000,
                    "expiration_rules": {"period_type": "MONTH", "period_value": 6},
                },
            },
            "SAMPLE-LOYALTY",
        ),
    )
    for name, campaign_type, voucher, code in programs:
        try:
            create_campaign(
                SAMPLE_TENANT_ID, CampaignInput(name=name, campaign_type=campaign_type, voucher=voucher)
            )
        except CampaignNameExists:
            continue  # seeded by an earlier call, its card with it
        create_voucher(SAMPLE_TENANT_ID, VoucherInput(campaign=name), path_code=code)


def _seed_exports(now: datetime) -> None:
    from offers.models.exports import ExportRecord  # noqa: PLC0415 - after the env is set
    from offers.services.export_sources import REDEMPTION_COLUMNS  # noqa: PLC0415
    from offers.store import keys, objects  # noqa: PLC0415
    from offers.store.exports import export_item  # noqa: PLC0415
    from offers.store.table import Table  # noqa: PLC0415

    header = objects.header_bytes(REDEMPTION_COLUMNS)
    stamp = "2026-01-15T09:30:00.000Z"
    fields = [SAMPLE_REDEMPTION_ID, "order-1000", SAMPLE_PROMOTION_ID, "Sample promotion", "", "customer-42"]
    row = ",".join([*fields, "", "", "ACTIVE", stamp, stamp, stamp, ""]).encode() + b"\r\n"
    csv_file = header + row
    chunk = keys.export_chunk_object(SAMPLE_TENANT_ID, SAMPLE_EXPORT_ID, "w00000", 0)
    objects.put_bytes(chunk, csv_file, "text/csv")
    objects.put_bytes(keys.export_file_object(SAMPLE_TENANT_ID, SAMPLE_EXPORT_ID), csv_file, "text/csv")
    objects.put_json(
        keys.export_manifest_object(SAMPLE_TENANT_ID, SAMPLE_EXPORT_ID),
        {
            "exportId": SAMPLE_EXPORT_ID,
            "chunks": [
                {"fileId": f"{SAMPLE_EXPORT_ID}-00000", "key": chunk, "rows": 1, "bytes": len(csv_file)}
            ],
        },
    )
    ready_chunk = keys.export_chunk_object(SAMPLE_TENANT_ID, SAMPLE_READY_EXPORT_ID, "w00000", 0)
    objects.put_bytes(ready_chunk, csv_file, "text/csv")
    common = {
        "type": "REDEMPTION",
        "filters": [],
        "spec": {"equal": {}, "ranges": {"redeemedAt": [None, None], "createdAt": [None, None]}},
        "started_at": now,
    }
    done = ExportRecord(
        export_id=SAMPLE_EXPORT_ID,
        status="COMPLETED",
        ended_at=now,
        total_data_exported=1,
        file_id=SAMPLE_EXPORT_ID,
        chunk_count=1,
        segments_total=1,
        segments_done=1,
        rows_so_far=1,
        **common,
    )
    running = ExportRecord(export_id=SAMPLE_RUNNING_EXPORT_ID, status="IN_PROGRESS", **common)
    ready = ExportRecord(
        export_id=SAMPLE_READY_EXPORT_ID,
        status="IN_PROGRESS",
        segments_total=1,
        segments_done=1,
        rows_so_far=1,
        **common,
    )
    segment = {
        **keys.export_segment_key(SAMPLE_TENANT_ID, SAMPLE_READY_EXPORT_ID, "w00000"),
        "entity": "EXPORT_SEGMENT",
        "segmentId": "w00000",
        "rows": 1,
        "chunks": [{"key": ready_chunk, "rows": 1, "bytes": len(csv_file)}],
        "completedAt": "2026-01-15T10:00:00.000Z",
    }
    Table().batch_write(
        puts=[export_item(SAMPLE_TENANT_ID, record) for record in (done, running, ready)] + [segment],
        deletes=[keys.export_segment_key(SAMPLE_TENANT_ID, SAMPLE_RUNNING_EXPORT_ID, "w00000")],
    )


SAMPLE_PRICE_LIST_ID = 1000001  # the default list; items 1001-1003 (SAMPLE-SKU, -2, -3)
SAMPLE_SPARE_PRICE_LIST_ID = 1000002  # for the delete event


def _seed_prices(now: datetime) -> None:
    from offers.models.prices import PriceListRecord, PriceRecord  # noqa: PLC0415 - after the env is set
    from offers.store import keys  # noqa: PLC0415
    from offers.store.price_lists import to_item as price_list_item  # noqa: PLC0415
    from offers.store.prices import price_items  # noqa: PLC0415
    from offers.store.table import Table  # noqa: PLC0415

    start = datetime(2025, 1, 1, tzinfo=UTC)
    lists = [
        PriceListRecord(
            id=list_id,
            name=name,
            is_default=list_id == SAMPLE_PRICE_LIST_ID,
            currency="USD",
            start_at=start,
            end_at=datetime(2099, 12, 31, 23, 59, 59, 999000, tzinfo=UTC),
            created_at=now,
            updated_at=now,
        )
        for list_id, name in ((SAMPLE_PRICE_LIST_ID, "United States"), (SAMPLE_SPARE_PRICE_LIST_ID, "Outlet"))
    ]
    prices = [
        PriceRecord(
            price_list_id=SAMPLE_PRICE_LIST_ID,
            item_id=1000 + n,
            item_sku="SAMPLE-SKU" if n == 1 else f"SAMPLE-SKU-{n}",
            currency="USD",
            offers=[{"startAt": start, "price": {"base": 49.99, "cost": 20}}],
            categories=["shoes"],
            created_at=now,
            updated_at=now,
        )
        for n in (1, 2, 3)
    ]
    Table().batch_write(
        puts=[price_list_item(SAMPLE_TENANT_ID, record) for record in lists]
        + [{**keys.default_price_list_key(SAMPLE_TENANT_ID), "priceListId": SAMPLE_PRICE_LIST_ID}]
        + [{**keys.price_list_id_counter_key(SAMPLE_TENANT_ID), "value": SAMPLE_SPARE_PRICE_LIST_ID}]
        + [item for record in prices for item in price_items(SAMPLE_TENANT_ID, record)]
    )
