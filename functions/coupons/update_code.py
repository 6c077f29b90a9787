"""PUT /coupons/{id}/codes/{code}: assign a code to a customer (userId; null unassigns) or
(de)activate it."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.coupons import CodeUpdate, CouponCodeView
from offers.services import coupons

app = OffersResolver()


@app.put("/coupons/<coupon_id>/codes/<code>", responses=answers(200, CouponCodeView, errors=(404, 409)))
def update_code(coupon_id: str, code: str, body: CodeUpdate):
    changes = body.model_dump(by_alias=True, include=body.model_fields_set, mode="json")
    return ok(coupons.update_code(app.tenant_id, coupon_id, code, changes))


lambda_handler = app.lambda_handler
