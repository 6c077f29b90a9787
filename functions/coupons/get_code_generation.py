"""GET /coupons/{id}/code-generations/{generationId}: a code generation job's progress."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.coupons import CodeGeneration
from offers.services import coupons

app = OffersResolver()


@app.get(
    "/coupons/<coupon_id>/code-generations/<generation_id>",
    responses=answers(200, CodeGeneration, errors=(404,)),
)
def get_code_generation(coupon_id: str, generation_id: str):
    return ok(coupons.get_generation(app.tenant_id, coupon_id, generation_id))


lambda_handler = app.lambda_handler
