"""POST /promotions/{id}/actions/end: end a running promotion now."""

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import promotions

app = OffersResolver()


@app.post("/promotions/<promotion_id>/actions/end")
def end_promotion(promotion_id: str):
    return ok(promotions.end_promotion(app.tenant_id, promotion_id))


lambda_handler = app.lambda_handler
