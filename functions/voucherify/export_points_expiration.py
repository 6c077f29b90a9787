"""POST /v1/loyalties/{campaignId}/points-expiration/export (Voucherify): a loyalty program's
points buckets, active and expired, by expiry. The body (``{parameters: {order, fields,
filters}}``) is optional; answers 200 SCHEDULED, 403 for a program that is not a loyalty one."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import card_exports

app = VoucherifyResolver()


@app.post("/v1/loyalties/<campaign_id>/points-expiration/export", responses=answers(200, errors=(403, 404)))
def export_points_expiration(campaign_id: str):
    return ok(card_exports.export_points_expiration(app.tenant_id, campaign_id, app.json_body_or_none()))


lambda_handler = app.lambda_handler
