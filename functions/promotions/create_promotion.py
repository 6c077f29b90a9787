"""POST /promotions: create a promotion."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.promotions import Promotion, PromotionInput
from offers.services import promotions

app = OffersResolver()


@app.post("/promotions", responses=answers(201, Promotion))
def create_promotion(body: PromotionInput):
    return created(promotions.create_promotion(app.tenant_id, body))


lambda_handler = app.lambda_handler
