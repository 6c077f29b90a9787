"""GET /promotions/{id}: one promotion with its current status."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.promotions import Promotion
from offers.services import promotions

app = OffersResolver()


@app.get("/promotions/<promotion_id>", responses=answers(200, Promotion, errors=(404,)))
def get_promotion(promotion_id: str):
    return ok(promotions.get_promotion(app.tenant_id, promotion_id))


lambda_handler = app.lambda_handler
