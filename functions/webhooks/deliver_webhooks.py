"""The webhook queue's consumer (SQS event source, partial batch responses): export-end events
from EventBridge fan out to the tenant's webhooks; retry messages make the next attempt.
A message that raises is reported failed and comes back after the visibility timeout."""

import json

from offers.observability import logger
from offers.services import webhooks


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: object) -> dict:
    failures = []
    for record in event.get("Records", []):
        try:
            webhooks.handle_message(json.loads(record["body"]))
        except Exception:  # noqa: BLE001 - one bad message must not fail its whole batch
            logger.exception("webhook message failed", message_id=record.get("messageId"))
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
