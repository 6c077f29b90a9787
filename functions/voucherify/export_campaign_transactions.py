"""POST /v1/campaigns/{campaignId}/transactions/export (gift card and loyalty programs) and
POST /v1/loyalties/{campaignId}/transactions/export (loyalty programs), by id or name (Voucherify).
The body (``{parameters: {order, fields, filters}}``) is optional; answers 200 SCHEDULED, 403
for a campaign of another type."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import card_exports

app = VoucherifyResolver()


@app.post("/v1/campaigns/<campaign_id>/transactions/export", responses=answers(200, errors=(403, 404)))
def export_campaign_transactions(campaign_id: str):
    return ok(card_exports.export_campaign_transactions(app.tenant_id, campaign_id, app.json_body_or_none()))


@app.post("/v1/loyalties/<campaign_id>/transactions/export", responses=answers(200, errors=(403, 404)))
def export_loyalty_transactions(campaign_id: str):
    return ok(
        card_exports.export_campaign_transactions(
            app.tenant_id, campaign_id, app.json_body_or_none(), loyalty_only=True
        )
    )


lambda_handler = app.lambda_handler
