"""PUT /redemptions/{id}: set a redemption ACTIVE or INACTIVE (uses given back or taken again)."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.redemptions import Redemption, RedemptionUpdate
from offers.services import redemptions

app = OffersResolver()


@app.put("/redemptions/<redemption_id>", responses=answers(200, Redemption, errors=(404, 409, 422)))
def update_redemption(redemption_id: str, body: RedemptionUpdate):
    return ok(redemptions.set_status(app.tenant_id, redemption_id, body.status))


lambda_handler = app.lambda_handler
