"""GET /v1/vouchers/{code} (Voucherify): a gift card or loyalty card with its current balance."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import cards

app = VoucherifyResolver()


@app.get("/v1/vouchers/<code>", responses=answers(200, errors=(404,)))
def get_voucher(code: str):
    return ok(cards.get_voucher(app.tenant_id, code))


lambda_handler = app.lambda_handler
