"""POST /promotions/{id}/actions/end: end a running promotion now."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.promotions import Promotion
from offers.services import promotions

app = OffersResolver()


@app.post("/promotions/<promotion_id>/actions/end", responses=answers(200, Promotion, errors=(404, 409)))
def end_promotion(promotion_id: str):
    return ok(promotions.end_promotion(app.tenant_id, promotion_id))


lambda_handler = app.lambda_handler
