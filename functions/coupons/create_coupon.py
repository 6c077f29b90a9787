"""POST /coupons: create a coupon (a promotion applied by code) with its codes."""

from typing import Annotated

from offers.api.answers import answers, example
from offers.api.params import Body
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.coupons import CouponInput
from offers.models.promotions import COUPON_EXAMPLE, Promotion
from offers.services import coupons

app = OffersResolver()


@app.post("/coupons", responses=answers(201, Promotion, errors=(409,)))
def create_coupon(body: Annotated[CouponInput, Body(openapi_examples=example(COUPON_EXAMPLE))]):
    return created(coupons.create_coupon(app.tenant_id, body))


lambda_handler = app.lambda_handler
