"""GET /v1/exports?limit=&page=&order= (Voucherify): this dialect's exports, newest first."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import voucherify_exports

app = VoucherifyResolver()


@app.get("/v1/exports", responses=answers(200))
def list_exports():
    order = app.query_choice("order", voucherify_exports.LIST_ORDERS)
    return ok(
        voucherify_exports.list_exports(
            app.tenant_id,
            limit=app.query_int("limit", 10, 1, 100),
            page=app.query_int("page", 1, 1, 100),
            order=order,
            base_url=app.base_url(),
        )
    )


lambda_handler = app.lambda_handler
