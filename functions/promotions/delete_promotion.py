"""DELETE /promotions/{id}: delete a promotion."""

from offers.api.resolver import OffersResolver
from offers.api.responses import no_content
from offers.services import promotions

app = OffersResolver()


@app.delete("/promotions/<promotion_id>")
def delete_promotion(promotion_id: str):
    promotions.delete_promotion(app.tenant_id, promotion_id)
    return no_content()


lambda_handler = app.lambda_handler
