"""PUT /coupons/{id}: replace a coupon's fields; added couponCodes are created, removed ones deleted."""

from typing import Annotated

from offers.api.answers import answers, example
from offers.api.params import Body
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.coupons import CouponInput
from offers.models.promotions import COUPON_EXAMPLE, Promotion
from offers.services import coupons

app = OffersResolver()


@app.put("/coupons/<coupon_id>", responses=answers(200, Promotion, errors=(404, 409)))
def update_coupon(
    coupon_id: str, body: Annotated[CouponInput, Body(openapi_examples=example(COUPON_EXAMPLE))]
):
    return ok(coupons.replace_coupon(app.tenant_id, coupon_id, body))


lambda_handler = app.lambda_handler
