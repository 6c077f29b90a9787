"""The points expiry job (EventBridge rule; locally the server runs it on a timer): every
tenant's buckets due by the scheduled event's time leave their cards in POINTS_EXPIRATION
transactions."""

from offers.observability import logger
from offers.services import card_expiry


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: object) -> dict:
    return card_expiry.run_expiry(card_expiry.event_time(event))
