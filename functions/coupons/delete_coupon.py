"""DELETE /coupons/{id}: delete a coupon and free its codes."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import no_content
from offers.services import coupons

app = OffersResolver()


@app.delete("/coupons/<coupon_id>", responses=answers(204, errors=(404,)))
def delete_coupon(coupon_id: str):
    coupons.delete_coupon(app.tenant_id, coupon_id)
    return no_content()


lambda_handler = app.lambda_handler
