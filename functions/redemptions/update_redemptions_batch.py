"""PUT /redemptions/batch: set many redemptions' status -> {data[], errors[]} per item."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.redemptions import RedemptionBatchResult, RedemptionBatchUpdate
from offers.services import redemptions

app = OffersResolver()


@app.put("/redemptions/batch", responses=answers(200, RedemptionBatchResult))
def update_redemptions_batch(body: RedemptionBatchUpdate):
    return ok(redemptions.update_batch(app.tenant_id, body))


lambda_handler = app.lambda_handler
