"""POST /v1/customers (Voucherify): create or update a customer by source_id (or id)."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.models.customers import CustomerInput
from offers.services import customers

app = VoucherifyResolver()


@app.post("/v1/customers", responses=answers(200, errors=(404,)))
def create_customer(body: CustomerInput):
    return ok(customers.upsert_customer(app.tenant_id, body))


lambda_handler = app.lambda_handler
