"""POST /v1/vouchers/{code} and POST /v1/vouchers (Voucherify): a gift card or a loyalty card,
standalone or in a program; without a code in the path, one is made from code_config."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.models.cards import VoucherInput
from offers.services import cards

app = VoucherifyResolver()


@app.post("/v1/vouchers/<code>", responses=answers(200, errors=(404, 409)))
def create_voucher(code: str, body: VoucherInput):
    return ok(cards.create_voucher(app.tenant_id, body, path_code=code))


@app.post("/v1/vouchers", responses=answers(200, errors=(404, 409)))
def generate_voucher(body: VoucherInput):
    return ok(cards.create_voucher(app.tenant_id, body))


lambda_handler = app.lambda_handler
