"""EventBridge Scheduler's target: one firing of an export schedule -> its export, made once.

The input is the schedule's Target.Input with ``<aws.scheduler.scheduled-time>`` replaced:
``{"tenantId", "scheduleId", "scheduledTime"}``. A firing delivered twice answers the first
firing's export. The local server's scheduler invokes this function with the same input.
"""

from offers.clock import parse_timestamp
from offers.observability import logger
from offers.services import schedules


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: object) -> dict:
    logger.append_keys(tenant_id=event["tenantId"], schedule_id=event["scheduleId"])
    run = schedules.run_schedule(
        event["tenantId"], event["scheduleId"], parse_timestamp(event["scheduledTime"])
    )
    if run is None:
        return {"scheduleId": event["scheduleId"], "exportId": None}
    return {
        "scheduleId": event["scheduleId"],
        **run.model_dump(mode="json", by_alias=True, exclude_none=True),
    }
