"""State machine task (the Catch of every step): mark the export ERROR with readable errors."""

from offers.observability import logger
from offers.services import export_engine


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: object) -> dict:
    logger.append_keys(tenant_id=event["tenantId"], export_id=event["exportId"])
    logger.warning("export failed", error=event.get("error"))
    return export_engine.fail_export(event["tenantId"], event["exportId"], event.get("error") or {})
