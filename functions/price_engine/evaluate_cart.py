"""POST /price-engine/actions/evaluate-cart: a cart's prices with promotions and coupon codes."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.price_engine import EvaluateCart
from offers.services import price_engine

app = OffersResolver()


@app.post("/price-engine/actions/evaluate-cart", responses=answers(200, errors=(404,)))
def evaluate_cart(body: EvaluateCart):
    at = price_engine.evaluation_time(app.current_event.headers.get("x-fabric-date"))
    return ok(price_engine.evaluate_cart(app.tenant_id, body, at))


lambda_handler = app.lambda_handler
