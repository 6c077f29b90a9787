"""State machine task (one Map item): stream one segment's rows into CSV chunks in S3."""

from offers.observability import logger
from offers.services import export_engine


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: object) -> dict:
    logger.append_keys(
        tenant_id=event["tenantId"], export_id=event["exportId"], segment=event["segment"]["id"]
    )
    return export_engine.run_segment(event["tenantId"], event["exportId"], event["segment"])
