"""GET /redemptions/{id}: one redemption."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.redemptions import Redemption
from offers.services import redemptions

app = OffersResolver()


@app.get("/redemptions/<redemption_id>", responses=answers(200, Redemption, errors=(404,)))
def get_redemption(redemption_id: str):
    return ok(redemptions.get_redemption(app.tenant_id, redemption_id))


lambda_handler = app.lambda_handler
