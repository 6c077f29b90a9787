"""POST /redemptions: record that an order used a promotion or coupon code.

A retry with the same Idempotency-Key (or x-fabric-request-id) and body gets the first
answer again, marked with ``Idempotent-Replayed: true``, and creates nothing.
"""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.redemptions import Redemption, RedemptionInput
from offers.services import redemptions

app = OffersResolver()


@app.post("/redemptions", responses=answers(201, Redemption, errors=(404, 409, 422)))
def create_redemption(body: RedemptionInput):
    result = redemptions.redeem(app.tenant_id, body, app.idempotency_key)
    response = created(result.redemption)
    response.headers["Idempotent-Replayed"] = "true" if result.replayed else "false"
    return response


lambda_handler = app.lambda_handler
