"""GET /v1/campaigns/{campaignId} (Voucherify): a card program by id or name, with its cards'
generation progress."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import card_campaigns

app = VoucherifyResolver()


@app.get("/v1/campaigns/<campaign_id>", responses=answers(200, errors=(404,)))
def get_campaign(campaign_id: str):
    return ok(card_campaigns.get_campaign(app.tenant_id, campaign_id))


lambda_handler = app.lambda_handler
