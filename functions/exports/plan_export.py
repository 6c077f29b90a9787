"""State machine task: split an export into segments; the plan goes to S3 for the Map state."""

from offers.observability import logger
from offers.services import export_engine


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: object) -> dict:
    logger.append_keys(tenant_id=event["tenantId"], export_id=event["exportId"])
    return export_engine.plan_export(event["tenantId"], event["exportId"])
