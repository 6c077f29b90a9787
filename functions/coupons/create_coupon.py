"""POST /coupons: create a coupon (a promotion applied by code) with its codes."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.coupons import CouponInput
from offers.models.promotions import Promotion
from offers.services import coupons

app = OffersResolver()


@app.post("/coupons", responses=answers(201, Promotion, errors=(409,)))
def create_coupon(body: CouponInput):
    return created(coupons.create_coupon(app.tenant_id, body))


lambda_handler = app.lambda_handler
