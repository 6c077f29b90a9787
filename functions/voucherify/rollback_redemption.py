"""POST /v1/redemptions/{redemptionId}/rollback?reason=&tracking_id= (Voucherify): give a card
redemption's credits or points back, once."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import card_rollbacks

app = VoucherifyResolver()


@app.post("/v1/redemptions/<redemption_id>/rollback", responses=answers(200, errors=(404, 409)))
def rollback_redemption(redemption_id: str):
    body = app.json_body_or_invalid() if app.current_event.decoded_body else {}
    query = app.current_event.query_string_parameters or {}
    data = card_rollbacks.rollback_input(body, query)
    return ok(card_rollbacks.rollback(app.tenant_id, redemption_id, data))


lambda_handler = app.lambda_handler
