"""GET /coupons/{id}: one coupon with its status and code count."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.promotions import Promotion
from offers.services import coupons

app = OffersResolver()


@app.get("/coupons/<coupon_id>", responses=answers(200, Promotion, errors=(404,)))
def get_coupon(coupon_id: str):
    return ok(coupons.get_coupon(app.tenant_id, coupon_id))


lambda_handler = app.lambda_handler
