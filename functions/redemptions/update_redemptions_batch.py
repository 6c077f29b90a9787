"""PUT /redemptions/batch: set many redemptions' status -> {data[], errors[]} per item."""

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.redemptions import RedemptionBatchUpdate
from offers.services import redemptions

app = OffersResolver()


@app.put("/redemptions/batch")
def update_redemptions_batch(body: RedemptionBatchUpdate):
    return ok(redemptions.update_batch(app.tenant_id, body))


lambda_handler = app.lambda_handler
