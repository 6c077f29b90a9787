"""DELETE /v1/customers/{customerId} (Voucherify): 204, then 404."""

from offers.api.answers import answers
from offers.api.responses import no_content
from offers.api.voucherify import VoucherifyResolver
from offers.services import customers

app = VoucherifyResolver()


@app.delete("/v1/customers/<customer_id>", responses=answers(204, errors=(404,)))
def delete_customer(customer_id: str):
    customers.delete_customer(app.tenant_id, customer_id)
    return no_content()


lambda_handler = app.lambda_handler
