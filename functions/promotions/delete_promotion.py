"""DELETE /promotions/{id}: delete a promotion."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import no_content
from offers.services import promotions

app = OffersResolver()


@app.delete("/promotions/<promotion_id>", responses=answers(204, errors=(404,)))
def delete_promotion(promotion_id: str):
    promotions.delete_promotion(app.tenant_id, promotion_id)
    return no_content()


lambda_handler = app.lambda_handler
