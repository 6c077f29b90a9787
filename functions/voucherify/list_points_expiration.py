"""GET /v1/loyalties/{campaignId}/members/{memberId}/points-expiration?limit=&page= (Voucherify): a
loyalty card's points buckets, active (soonest first) then expired."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import cards

app = VoucherifyResolver()


@app.get(
    "/v1/loyalties/<campaign_id>/members/<member_id>/points-expiration", responses=answers(200, errors=(404,))
)
def list_points_expiration(campaign_id: str, member_id: str):
    return ok(
        cards.list_points_expiration(
            app.tenant_id,
            campaign_id,
            member_id,
            limit=app.query_int("limit", 10, 1, 100),
            page=app.query_int("page", 1, 1, 100),
        )
    )


lambda_handler = app.lambda_handler
