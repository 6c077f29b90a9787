"""POST /coupons: create a coupon (a promotion applied by code) with its codes."""

from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.coupons import CouponInput
from offers.services import coupons

app = OffersResolver()


@app.post("/coupons")
def create_coupon(body: CouponInput):
    return created(coupons.create_coupon(app.tenant_id, body))


lambda_handler = app.lambda_handler
