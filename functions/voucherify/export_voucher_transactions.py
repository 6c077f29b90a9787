"""POST /v1/vouchers/{code}/transactions/export (Voucherify, seed 004), and a loyalty member's:
POST /v1/loyalties/members/{memberId}/transactions/export and
POST /v1/loyalties/{campaignId}/members/{memberId}/transactions/export (the member id is the
card's code). The body (``{parameters: {order, fields}}``) is optional; answers 200 SCHEDULED."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import card_exports

app = VoucherifyResolver()


@app.post("/v1/vouchers/<code>/transactions/export", responses=answers(200, errors=(404,)))
def export_voucher_transactions(code: str):
    return ok(card_exports.export_voucher_transactions(app.tenant_id, code, app.json_body_or_none()))


@app.post("/v1/loyalties/members/<member_id>/transactions/export", responses=answers(200, errors=(404,)))
def export_member_transactions(member_id: str):
    return ok(
        card_exports.export_voucher_transactions(
            app.tenant_id, member_id, app.json_body_or_none(), loyalty_only=True
        )
    )


@app.post(
    "/v1/loyalties/<campaign_id>/members/<member_id>/transactions/export",
    responses=answers(200, errors=(404,)),
)
def export_program_member_transactions(campaign_id: str, member_id: str):
    return ok(
        card_exports.export_voucher_transactions(
            app.tenant_id, member_id, app.json_body_or_none(), loyalty_campaign=campaign_id, loyalty_only=True
        )
    )


lambda_handler = app.lambda_handler
