"""Lambda authorizer for the /v1 (Voucherify) routes: X-App-Id/X-App-Token or a download token."""

from offers.auth.app_key_authorizer import authorize_app_key
from offers.observability import logger


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: object) -> dict:
    return authorize_app_key(event)
