"""POST /v1/publications (Voucherify): assign a voucher (or a free code of a campaign) to a customer."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import publications

app = VoucherifyResolver()


@app.post("/v1/publications", responses=answers(200, errors=(404, 409)))
def create_publication():
    return ok(publications.create_publication(app.tenant_id, app.json_body_or_invalid()))


lambda_handler = app.lambda_handler
