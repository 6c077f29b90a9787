"""Export schedules on moto: CRUD, validation when saved, the EventBridge Scheduler schedule each
one is, runs that are idempotent on (schedule, scheduled time), and tenant walls.

moto stores Scheduler schedules but never fires them, so a firing is what Scheduler would send:
the schedule's own Target.Input with <aws.scheduler.scheduled-time> replaced, to its target."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from local.stack import LocalStack
from local.template import LOCAL_REGION
from offers.store import keys
from tests.support.client import TENANT_A, TENANT_B, ApiClient
from tests.support.factories import iso, wait_until
from tests.support.voucherify import make_app_key, seed_002_request

GROUP = "offers-local-exports"


def schedule_body(**overrides) -> dict:
    body = {
        "name": "Yesterday's redemptions",
        "expression": "cron(30 2 * * ? *)",
        "timezone": "Europe/Berlin",
        "export": {
            "dialect": "fabric",
            "body": {
                "type": "REDEMPTION",
                "filters": [
                    {
                        "field": "redeemedAt",
                        "operator": "GREATER_THAN_OR_EQUAL_TO",
                        "value": "$scheduledDay-P1D",
                    },
                    {"field": "redeemedAt", "operator": "LESS_THAN", "value": "$scheduledDay"},
                ],
            },
        },
    }
    body.update(overrides)
    return body


def create(api: ApiClient, **overrides) -> dict:
    response = api.post("/export-schedules", schedule_body(**overrides))
    assert response.status == 201, response.body
    return response.json()


def aws_schedule(tenant_id: str, schedule_id: str) -> dict:
    scheduler = boto3.client("scheduler", region_name=LOCAL_REGION)
    return scheduler.get_schedule(GroupName=GROUP, Name=keys.scheduler_schedule_name(tenant_id, schedule_id))


def aws_schedule_names() -> list[str]:
    scheduler = boto3.client("scheduler", region_name=LOCAL_REGION)
    return [s["Name"] for s in scheduler.list_schedules(GroupName=GROUP)["Schedules"]]


def fire(stack: LocalStack, tenant_id: str, schedule_id: str, scheduled_time: str) -> dict:
    """What EventBridge Scheduler does at a firing: the target gets the templated Input."""
    definition = aws_schedule(tenant_id, schedule_id)
    event = json.loads(
        definition["Target"]["Input"].replace("<aws.scheduler.scheduled-time>", scheduled_time)
    )
    return stack.functions.invoke("RunScheduleFunction", event)


def exports_of(api: ApiClient) -> list[dict]:
    return api.get("/offers-exports", query={"size": 100}).json()["data"]


# -- create / read ------------------------------------------------------------------------------


def test_given_a_schedule_when_created_then_201_with_next_run_and_a_scheduler_schedule(api: ApiClient):
    before = datetime.now(UTC)
    body = create(api)
    assert {"id", "name", "expression", "timezone", "state", "export", "nextRunAt", "lastRuns"} <= set(body)
    assert (body["state"], body["timezone"], body["lastRuns"]) == ("ENABLED", "Europe/Berlin", [])
    assert body["export"] == schedule_body()["export"]  # stored as given: relative values kept
    next_run = datetime.fromisoformat(body["nextRunAt"].replace("Z", "+00:00"))
    assert before < next_run <= before + timedelta(days=1, hours=1)
    assert next_run.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "02:30"

    definition = aws_schedule(TENANT_A, body["id"])
    assert definition["Name"] == f"{TENANT_A}-{body['id']}"
    assert definition["ScheduleExpression"] == "cron(30 2 * * ? *)"
    assert definition["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert definition["State"] == "ENABLED"
    assert definition["Target"]["Arn"].endswith(":function:offers-local-RunScheduleFunction")
    assert json.loads(definition["Target"]["Input"]) == {
        "tenantId": TENANT_A,
        "scheduleId": body["id"],
        "scheduledTime": "<aws.scheduler.scheduled-time>",
    }
    assert definition["Target"]["RetryPolicy"]["MaximumEventAgeInSeconds"] == 86400
    assert api.get(f"/export-schedules/{body['id']}").json() == body


def test_given_defaults_when_created_then_utc_and_enabled(api: ApiClient):
    request = schedule_body(expression="rate(1 hour)")
    del request["timezone"]
    response = api.post("/export-schedules", request)
    assert response.status == 201, response.body
    body = response.json()
    assert (body["timezone"], body["state"]) == ("UTC", "ENABLED")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"expression": "cron(0 10 * * * *)"}, "expression"),
        ({"expression": "rate(5 weeks)"}, "expression"),
        ({"expression": "whenever"}, "expression"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"export": {"dialect": "fabric", "body": {"type": "COUPONS"}}}, "export.body.type"),
        (
            {
                "export": {
                    "dialect": "fabric",
                    "body": {"type": "REDEMPTION", "filters": [{"field": "color"}]},
                }
            },
            "export.body.filters[0].operator",
        ),
        (
            {
                "export": {
                    "dialect": "fabric",
                    "body": {
                        "type": "REDEMPTION",
                        "filters": [{"field": "redeemedAt", "operator": "LESS_THAN", "value": "$yesterday"}],
                    },
                }
            },
            "export.body.filters[0].value",
        ),
        ({"export": {"dialect": "smoke-signals", "body": {}}}, "export.dialect"),
        ({"startAt": "2030-01-02T00:00:00Z", "endAt": "2030-01-01T00:00:00Z"}, "body"),
        ({"name": ""}, "name"),
        ({"state": "PAUSED"}, "state"),
    ],
)
def test_given_an_invalid_schedule_when_saved_then_400_naming_the_field_and_nothing_saved(
    api: ApiClient, overrides, field
):
    response = api.post("/export-schedules", schedule_body(**overrides))
    assert response.status == 400, response.body
    assert field in [detail["field"] for detail in response.json()["details"]], response.json()
    assert api.get("/export-schedules").json()["data"] == []
    assert aws_schedule_names() == []


def test_given_unknown_id_then_404(api: ApiClient):
    missing = "0" * 24
    assert api.get(f"/export-schedules/{missing}").status == 404
    assert api.put(f"/export-schedules/{missing}", schedule_body()).status == 404
    assert api.delete(f"/export-schedules/{missing}").status == 404
    assert api.post(f"/export-schedules/{missing}/actions/run-now").status == 404


# -- list ---------------------------------------------------------------------------------------


def test_given_three_schedules_when_listed_in_pages_of_two_then_newest_first_with_a_cursor(api: ApiClient):
    ids = [create(api, name=f"schedule {n}")["id"] for n in range(3)]
    first = api.get("/export-schedules", query={"size": 2}).json()
    assert [s["id"] for s in first["data"]] == ids[::-1][:2]
    assert all("nextRunAt" in s for s in first["data"])
    second = api.get(
        "/export-schedules", query={"size": 2, "startCursor": first["query"]["nextCursor"]}
    ).json()
    assert [s["id"] for s in second["data"]] == ids[:1]
    assert "nextCursor" not in second["query"] or second["query"]["nextCursor"] is None
    other = api.as_tenant(TENANT_B).get(
        "/export-schedules", query={"size": 2, "startCursor": first["query"]["nextCursor"]}
    )
    assert other.status == 400


# -- replace / delete ---------------------------------------------------------------------------


def test_given_a_schedule_when_replaced_then_every_field_and_the_scheduler_schedule_change(api: ApiClient):
    schedule = create(api)
    start, end = iso(datetime.now(UTC) + timedelta(days=1)), iso(datetime.now(UTC) + timedelta(days=9))
    response = api.put(
        f"/export-schedules/{schedule['id']}",
        schedule_body(
            name="Hourly",
            expression="rate(1 hour)",
            timezone="UTC",
            state="DISABLED",
            startAt=start,
            endAt=end,
        ),
    )
    assert response.status == 200, response.body
    body = response.json()
    assert (body["name"], body["expression"], body["state"], body["nextRunAt"]) == (
        "Hourly",
        "rate(1 hour)",
        "DISABLED",
        None,
    )
    assert (body["id"], body["createdAt"]) == (schedule["id"], schedule["createdAt"])
    definition = aws_schedule(TENANT_A, schedule["id"])
    assert (definition["ScheduleExpression"], definition["State"]) == ("rate(1 hour)", "DISABLED")
    enabled = api.put(
        f"/export-schedules/{schedule['id']}",
        schedule_body(expression="rate(1 hour)", timezone="UTC", startAt=start, endAt=end),
    ).json()
    assert enabled["nextRunAt"] == start  # a rate runs first at its start


def test_given_an_invalid_replacement_then_400_and_the_schedule_unchanged(api: ApiClient):
    schedule = create(api)
    response = api.put(f"/export-schedules/{schedule['id']}", schedule_body(expression="cron(bad)"))
    assert response.status == 400
    assert api.get(f"/export-schedules/{schedule['id']}").json()["expression"] == schedule["expression"]
    assert aws_schedule(TENANT_A, schedule["id"])["ScheduleExpression"] == schedule["expression"]


def test_given_a_schedule_when_deleted_then_204_and_gone_here_and_in_scheduler(api: ApiClient):
    schedule = create(api)
    assert api.delete(f"/export-schedules/{schedule['id']}").status == 204
    assert api.get(f"/export-schedules/{schedule['id']}").status == 404
    assert aws_schedule_names() == []


# -- runs ---------------------------------------------------------------------------------------


def test_given_a_firing_then_one_export_with_the_schedule_and_its_window_resolved(
    api: ApiClient, stack: LocalStack
):
    schedule = create(api)
    scheduled = "2026-03-30T00:30:00Z"  # 02:30 CEST, the day after spring forward
    result = fire(stack, TENANT_A, schedule["id"], scheduled)
    assert result["trigger"] == "SCHEDULE"
    export = api.get(f"/offers-exports/{result['exportId']}").json()
    assert export["scheduleId"] == schedule["id"]
    assert export["scheduledTime"] == "2026-03-30T00:30:00.000Z"
    assert export["filters"] == [  # yesterday in Berlin: the 23-hour day of the change
        {"field": "redeemedAt", "operator": "GREATER_THAN_OR_EQUAL_TO", "value": "2026-03-28T23:00:00.000Z"},
        {"field": "redeemedAt", "operator": "LESS_THAN", "value": "2026-03-29T22:00:00.000Z"},
    ]
    finished = wait_until(
        lambda: (
            (e := api.get(f"/offers-exports/{result['exportId']}").json())["status"] != "IN_PROGRESS" and e
        ),
        timeout=120,
    )
    assert finished["status"] == "COMPLETED"
    runs = api.get(f"/export-schedules/{schedule['id']}").json()["lastRuns"]
    assert [(r["scheduledTime"], r["exportId"], r["status"]) for r in runs] == [
        ("2026-03-30T00:30:00.000Z", result["exportId"], "COMPLETED")
    ]


def test_given_a_firing_delivered_twice_then_one_export(api: ApiClient, stack: LocalStack):
    schedule = create(api)
    scheduled = iso(datetime.now(UTC).replace(second=0, microsecond=0))
    first = fire(stack, TENANT_A, schedule["id"], scheduled)
    second = fire(stack, TENANT_A, schedule["id"], scheduled)
    assert second["exportId"] == first["exportId"]
    assert [e["exportId"] for e in exports_of(api)] == [first["exportId"]]
    other_time = fire(stack, TENANT_A, schedule["id"], iso(datetime.now(UTC) + timedelta(minutes=1)))
    assert other_time["exportId"] != first["exportId"]
    assert len(exports_of(api)) == 2


def test_given_a_run_record_exists_when_the_export_write_races_then_the_transaction_refuses_a_second(
    api: ApiClient,
):
    """The idempotency rests on one DynamoDB condition: a second export for the same run can't be
    written even when both firings passed every read before either wrote (no read-then-write)."""
    from offers.models.exports import ExportInput
    from offers.models.schedules import RunTrigger
    from offers.services import exports

    schedule = create(api)
    origin = exports.ScheduledOrigin(
        schedule["id"], datetime.now(UTC).replace(microsecond=0), RunTrigger.SCHEDULE
    )
    made = exports.create_export(TENANT_A, ExportInput(type="REDEMPTION"), origin)
    with pytest.raises(exports.RunAlreadyMade) as duplicate:
        exports.create_export(TENANT_A, ExportInput(type="REDEMPTION"), origin)
    assert duplicate.value.run.export_id == made.export_id
    assert len(exports_of(api)) == 1


def test_given_a_disabled_or_deleted_schedule_when_a_late_firing_arrives_then_no_export(
    api: ApiClient, stack: LocalStack
):
    schedule = create(api)
    input_text = aws_schedule(TENANT_A, schedule["id"])["Target"]["Input"]
    api.put(f"/export-schedules/{schedule['id']}", schedule_body(state="DISABLED"))
    fire(stack, TENANT_A, schedule["id"], iso(datetime.now(UTC)))
    api.delete(f"/export-schedules/{schedule['id']}")
    event = json.loads(input_text.replace("<aws.scheduler.scheduled-time>", iso(datetime.now(UTC))))
    assert stack.functions.invoke("RunScheduleFunction", event)["exportId"] is None
    assert exports_of(api) == []


def test_given_run_now_then_201_with_an_export_of_the_schedule(api: ApiClient):
    schedule = create(api, state="DISABLED")
    response = api.post(f"/export-schedules/{schedule['id']}/actions/run-now")
    assert response.status == 201, response.body
    export = response.json()
    assert (export["scheduleId"], export["status"], export["type"]) == (
        schedule["id"],
        "IN_PROGRESS",
        "REDEMPTION",
    )
    runs = api.get(f"/export-schedules/{schedule['id']}").json()["lastRuns"]
    assert [(r["exportId"], r["trigger"]) for r in runs] == [(export["exportId"], "RUN_NOW")]


def voucherify_schedule_body(**overrides) -> dict:
    """Seed 002's request, its created_at window relative to the scheduled time."""
    body = seed_002_request("$scheduledDay-P1D", "$scheduledDay")
    return schedule_body(export={"dialect": "voucherify", "body": body}, **overrides)


def test_given_a_voucherify_body_when_fired_then_a_v1_export_of_the_window_with_the_schedule(
    api: ApiClient, stack: LocalStack
):
    response = api.post("/export-schedules", voucherify_schedule_body())
    assert response.status == 201, response.body
    schedule = response.json()
    result = fire(stack, TENANT_A, schedule["id"], "2026-03-30T00:30:00Z")
    assert result["exportId"].startswith("exp_")
    v1 = make_app_key(api)
    export = v1.request("GET", f"/v1/exports/{result['exportId']}").json()
    assert export["exported_object"] == "redemption"
    assert export["parameters"]["filters"]["created_at"]["conditions"] == {  # Berlin's 23-hour day
        "$after": ["2026-03-28T23:00:00.000Z"],
        "$before": ["2026-03-29T22:00:00.000Z"],
    }
    assert exports_of(api) == []  # a Voucherify export is listed by its own dialect only
    again = fire(stack, TENANT_A, schedule["id"], "2026-03-30T00:30:00Z")
    assert again["exportId"] == result["exportId"]  # a duplicated firing: still one export
    assert v1.request("GET", "/v1/exports").json()["total"] == 1


def test_given_a_voucherify_schedule_when_run_now_then_201_with_the_export_as_v1_shows_it(api: ApiClient):
    schedule = api.post("/export-schedules", voucherify_schedule_body()).json()
    response = api.post(f"/export-schedules/{schedule['id']}/actions/run-now")
    assert response.status == 201, response.body
    export = response.json()
    assert (export["object"], export["status"], export["exported_object"]) == (
        "export",
        "SCHEDULED",
        "redemption",
    )
    runs = api.get(f"/export-schedules/{schedule['id']}").json()["lastRuns"]
    assert [(r["exportId"], r["trigger"]) for r in runs] == [(export["id"], "RUN_NOW")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"exported_object": "order"}, "export.body.exported_object"),
        (
            {"exported_object": "redemption", "parameters": {"fields": ["nope"]}},
            "export.body",  # its message lists the allowed fields
        ),
        (
            seed_002_request("$yesterday", "$scheduledDay"),
            "export.body.parameters.filters.created_at.conditions.$after[0]",
        ),
    ],
)
def test_given_an_invalid_voucherify_body_when_saved_then_400_naming_it_and_nothing_saved(
    api: ApiClient, body, field
):
    response = api.post("/export-schedules", schedule_body(export={"dialect": "voucherify", "body": body}))
    assert response.status == 400, response.body
    assert field in [d["field"] for d in response.json()["details"]]
    assert api.get("/export-schedules").json()["data"] == []


@pytest.mark.parametrize("code", ["ThrottlingException", "InternalServerException"])
def test_given_scheduler_busy_when_saving_then_503_retry_after_and_nothing_saved(
    api: ApiClient, monkeypatch, code
):
    from botocore.exceptions import ClientError

    from offers.store.clients import client

    def busy(**_):
        raise ClientError({"Error": {"Code": code, "Message": "slow down"}}, "CreateSchedule")

    monkeypatch.setattr(client("scheduler"), "create_schedule", busy)
    response = api.post("/export-schedules", schedule_body())
    assert response.status == 503, response.body
    assert response.headers["retry-after"] == "5"
    assert response.json()["type"] == "SERVICE_UNAVAILABLE"
    assert api.get("/export-schedules").json()["data"] == []
    assert aws_schedule_names() == []


# -- tenancy ------------------------------------------------------------------------------------


def test_given_another_tenants_schedule_then_invisible_and_untouchable(api: ApiClient, stack: LocalStack):
    schedule = create(api)
    other = api.as_tenant(TENANT_B)
    assert other.get(f"/export-schedules/{schedule['id']}").status == 404
    assert other.put(f"/export-schedules/{schedule['id']}", schedule_body()).status == 404
    assert other.delete(f"/export-schedules/{schedule['id']}").status == 404
    assert other.post(f"/export-schedules/{schedule['id']}/actions/run-now").status == 404
    assert other.get("/export-schedules").json()["data"] == []
    # a firing naming tenant B with A's schedule id finds nothing of A's
    event = {"tenantId": TENANT_B, "scheduleId": schedule["id"], "scheduledTime": iso(datetime.now(UTC))}
    assert stack.functions.invoke("RunScheduleFunction", event)["exportId"] is None
    assert exports_of(other) == [] and exports_of(api) == []
    assert api.get(f"/export-schedules/{schedule['id']}").status == 200


def test_given_two_tenants_then_their_scheduler_names_never_collide():
    same_id = "6740e1f2a1b2c3d4e5f60720"
    names = {keys.scheduler_schedule_name(t, same_id) for t in (TENANT_A, TENANT_B, "h.x", "a-b", "a#b")}
    assert len(names) == 5
    assert all(len(n) <= 64 and n.replace("-", "").replace("_", "").replace(".", "").isalnum() for n in names)


def test_given_a_rate_started_days_ago_then_scheduler_gets_its_next_run_as_start(api: ApiClient):
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=2, minutes=7)
    body = create(api, expression="rate(15 minutes)", timezone="UTC", startAt=iso(start))
    next_run = datetime.fromisoformat(body["nextRunAt"].replace("Z", "+00:00"))
    assert datetime.now(UTC) < next_run <= datetime.now(UTC) + timedelta(minutes=15)
    assert (next_run - start) % timedelta(minutes=15) == timedelta(0)  # same cadence as from startAt
    # Scheduler refuses a StartDate over 5 minutes old: it gets the equivalent next run
    assert aws_schedule(TENANT_A, body["id"])["StartDate"] == next_run


def test_given_a_cron_started_in_the_past_then_no_start_date_and_at_is_one_time(api: ApiClient):
    cron = create(api, startAt=iso(datetime.now(UTC) - timedelta(days=3)))
    assert "StartDate" not in aws_schedule(TENANT_A, cron["id"])
    year = datetime.now(UTC).year + 1
    once = create(api, expression=f"at({year}-07-01T09:15:00)")
    assert once["nextRunAt"] == f"{year}-07-01T07:15:00.000Z"  # 09:15 CEST
    assert aws_schedule(TENANT_A, once["id"])["ActionAfterCompletion"] == "NONE"


def test_given_an_end_in_the_past_then_400_naming_end_at(api: ApiClient):
    response = api.post(
        "/export-schedules", schedule_body(endAt=iso(datetime.now(UTC) - timedelta(minutes=1)))
    )
    assert response.status == 400
    assert [d["field"] for d in response.json()["details"]] == ["endAt"]


def test_given_one_firing_delivered_five_times_at_once_then_one_export(api: ApiClient, stack: LocalStack):
    from concurrent.futures import ThreadPoolExecutor

    schedule = create(api)
    scheduled = iso(datetime.now(UTC).replace(second=0, microsecond=0))
    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(lambda _: fire(stack, TENANT_A, schedule["id"], scheduled), range(5)))
    assert len({r["exportId"] for r in results}) == 1
    assert [e["exportId"] for e in exports_of(api)] == [results[0]["exportId"]]
