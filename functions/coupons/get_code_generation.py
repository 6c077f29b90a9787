"""GET /coupons/{id}/code-generations/{generationId}: a code generation job's progress."""

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import coupons

app = OffersResolver()


@app.get("/coupons/<coupon_id>/code-generations/<generation_id>")
def get_code_generation(coupon_id: str, generation_id: str):
    return ok(coupons.get_generation(app.tenant_id, coupon_id, generation_id))


lambda_handler = app.lambda_handler
