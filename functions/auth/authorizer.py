"""Lambda authorizer for the HTTP API: verifies the bearer token, yields the principal's tenant."""

from offers.auth.authorizer import authorize
from offers.observability import logger


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: object) -> dict:
    return authorize(event)
