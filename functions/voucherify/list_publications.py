"""GET /v1/publications?limit=&page=&order= (Voucherify): the tenant's publications, newest first."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import publications

app = VoucherifyResolver()
ORDERS = ("created_at", "-created_at")


@app.get("/v1/publications", responses=answers(200))
def list_publications():
    order = app.query_choice("order", ORDERS, "-created_at")
    return ok(
        publications.list_publications(
            app.tenant_id,
            limit=app.query_int("limit", 10, 1, 100),
            page=app.query_int("page", 1, 1, 100),
            oldest_first=order == "created_at",
        )
    )


lambda_handler = app.lambda_handler
