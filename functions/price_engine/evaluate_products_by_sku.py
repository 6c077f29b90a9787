"""POST /price-engine/actions/evaluate-products-by-sku: prices after promotions for 1-50 items
at now or at `x-fabric-date`; 200, or 207 when some items could not be priced."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import json_response
from offers.models.price_engine import EvaluateBySku
from offers.services import price_engine

app = OffersResolver()


@app.post(
    "/price-engine/actions/evaluate-products-by-sku", responses=answers({200: None, 207: None}, errors=(404,))
)
def evaluate_products_by_sku(body: EvaluateBySku):
    at = price_engine.evaluation_time(app.current_event.headers.get("x-fabric-date"))
    status, answer = price_engine.evaluate_products(app.tenant_id, body, at, app.request_context.channel_id)
    return json_response(status, answer)


lambda_handler = app.lambda_handler
