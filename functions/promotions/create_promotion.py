"""POST /promotions: create a promotion."""

from typing import Annotated

from offers.api.answers import answers, example
from offers.api.params import Body
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.promotions import PROMOTION_EXAMPLE, Promotion, PromotionInput
from offers.services import promotions

app = OffersResolver()


@app.post("/promotions", responses=answers(201, Promotion))
def create_promotion(body: Annotated[PromotionInput, Body(openapi_examples=example(PROMOTION_EXAMPLE))]):
    return created(promotions.create_promotion(app.tenant_id, body))


lambda_handler = app.lambda_handler
