"""POST /promotions/{id}/actions/toggle: enable or disable a promotion."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.promotions import Promotion, PromotionToggle
from offers.services import promotions

app = OffersResolver()


@app.post("/promotions/<promotion_id>/actions/toggle", responses=answers(200, Promotion, errors=(404,)))
def toggle_promotion(promotion_id: str, body: PromotionToggle):
    return ok(promotions.set_promotion_enabled(app.tenant_id, promotion_id, body.is_enabled))


lambda_handler = app.lambda_handler
