"""POST /v1/vouchers/{code}/balance (Voucherify): add or remove a card's credits or points
(``amount``, signed; ``points`` too on loyalty cards). A source_id sent again answers the first
change and changes nothing."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.models.cards import BalanceInput
from offers.services import card_views, cards

app = VoucherifyResolver()


@app.post("/v1/vouchers/<code>/balance", responses=answers(200, errors=(404,)))
def update_voucher_balance(code: str, body: BalanceInput):
    return ok(card_views.voucher_balance_view(cards.update_balance(app.tenant_id, code, body)))


lambda_handler = app.lambda_handler
