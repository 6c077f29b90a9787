"""Background code jobs (asynchronous invocation): generate a job's codes, purge a deleted
coupon's codes. Resumable, so Lambda's retries and hand-overs never write a code twice."""

from offers.observability import logger
from offers.services import coupons


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: object) -> dict:
    logger.append_keys(tenant_id=event.get("tenantId"), coupon_id=event.get("couponId"))
    return coupons.run_worker_job(event, context.get_remaining_time_in_millis)  # type: ignore[attr-defined]
