"""GET /v1/customers/{customerId} (Voucherify): a customer by id or source_id."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import customers

app = VoucherifyResolver()


@app.get("/v1/customers/<customer_id>", responses=answers(200, errors=(404,)))
def get_customer(customer_id: str):
    return ok(customers.get_customer(app.tenant_id, customer_id))


lambda_handler = app.lambda_handler
