"""POST /coupons/actions/generate-codes: sequential or random codes, for a coupon or just to see.

201 with the codes when done within the request, 202 with a job to follow when there are
more than SYNC_CODE_LIMIT, 200 with made-up codes when no couponId is given.
"""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import json_response
from offers.models.coupons import CodeGeneration, CodeGenerationRequest, GeneratedCodes, GenerationStatus
from offers.services import coupons

app = OffersResolver()


@app.post(
    "/coupons/actions/generate-codes",
    responses=answers({201: CodeGeneration, 202: CodeGeneration, 200: GeneratedCodes}, errors=(404, 409)),
)
def generate_codes(body: CodeGenerationRequest):
    result = coupons.generate_codes(app.tenant_id, body)
    if not isinstance(result, CodeGeneration):
        return json_response(200, result)
    return json_response(202 if result.status == GenerationStatus.IN_PROGRESS else 201, result)


lambda_handler = app.lambda_handler
