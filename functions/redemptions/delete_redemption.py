"""DELETE /redemptions/{id}: delete a redemption, giving its uses back -> {id, isDeleted}."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.redemptions import RedemptionDeleted
from offers.services import redemptions

app = OffersResolver()


@app.delete("/redemptions/<redemption_id>", responses=answers(200, RedemptionDeleted, errors=(404, 409)))
def delete_redemption(redemption_id: str):
    return ok(redemptions.delete_redemption(app.tenant_id, redemption_id))


lambda_handler = app.lambda_handler
