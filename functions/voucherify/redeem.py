"""POST /v1/redemptions (Voucherify): spend a gift card's credits or a loyalty card's points
against an order; with an Idempotency-Key header, a retry answers the first spend."""

from offers.api.answers import answers
from offers.api.context import idempotency_key_from
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.models.cards import RedemptionInput
from offers.services import card_redemptions

app = VoucherifyResolver()


@app.post("/v1/redemptions", responses=answers(200, errors=(404, 422)))
def redeem(body: RedemptionInput):
    key = idempotency_key_from(app.current_event.headers or {})
    return ok(card_redemptions.redeem(app.tenant_id, body, key))


lambda_handler = app.lambda_handler
