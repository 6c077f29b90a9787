"""POST /v1/loyalties/{campaignId}/members/{memberId}/balance and
POST /v1/loyalties/members/{memberId}/balance (Voucherify): add or remove a loyalty card's points
(the member id is the card's code), optionally with their own expiry."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.models.cards import BalanceInput
from offers.services import cards

app = VoucherifyResolver()


@app.post("/v1/loyalties/<campaign_id>/members/<member_id>/balance", responses=answers(200, errors=(404,)))
def update_program_member_balance(campaign_id: str, member_id: str, body: BalanceInput):
    return ok(cards.update_balance(app.tenant_id, member_id, body, campaign_id=campaign_id, points_only=True))


@app.post("/v1/loyalties/members/<member_id>/balance", responses=answers(200, errors=(404,)))
def update_member_balance(member_id: str, body: BalanceInput):
    return ok(cards.update_balance(app.tenant_id, member_id, body, points_only=True))


lambda_handler = app.lambda_handler
