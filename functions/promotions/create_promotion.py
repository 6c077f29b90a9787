"""POST /promotions: create a promotion."""

from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.promotions import PromotionInput
from offers.services import promotions

app = OffersResolver()


@app.post("/promotions")
def create_promotion(body: PromotionInput):
    return created(promotions.create_promotion(app.tenant_id, body))


lambda_handler = app.lambda_handler
