"""POST /v1/campaigns (Voucherify): a gift card or loyalty card program and its cards."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.models.cards import CampaignInput
from offers.services import card_campaigns

app = VoucherifyResolver()


@app.post("/v1/campaigns", responses=answers(200))
def create_campaign(body: CampaignInput):
    return ok(card_campaigns.create_campaign(app.tenant_id, body))


lambda_handler = app.lambda_handler
