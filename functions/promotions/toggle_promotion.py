"""POST /promotions/{id}/actions/toggle: enable or disable a promotion."""

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.promotions import PromotionToggle
from offers.services import promotions

app = OffersResolver()


@app.post("/promotions/<promotion_id>/actions/toggle")
def toggle_promotion(promotion_id: str, body: PromotionToggle):
    return ok(promotions.set_promotion_enabled(app.tenant_id, promotion_id, body.is_enabled))


lambda_handler = app.lambda_handler
