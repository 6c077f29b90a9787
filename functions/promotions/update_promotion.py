"""PUT /promotions/{id}: replace a promotion's fields."""

from typing import Annotated

from offers.api.answers import answers, example
from offers.api.params import Body
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.promotions import PROMOTION_EXAMPLE, Promotion, PromotionInput
from offers.services import promotions

app = OffersResolver()


@app.put("/promotions/<promotion_id>", responses=answers(200, Promotion, errors=(404, 409)))
def update_promotion(
    promotion_id: str, body: Annotated[PromotionInput, Body(openapi_examples=example(PROMOTION_EXAMPLE))]
):
    return ok(promotions.replace_promotion(app.tenant_id, promotion_id, body))


lambda_handler = app.lambda_handler
