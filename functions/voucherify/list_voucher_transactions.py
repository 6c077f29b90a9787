"""GET /v1/vouchers/{code}/transactions?limit=&order=&starting_after_id= (Voucherify): a card's
ledger, newest first unless order=id (or created_at)."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import cards

app = VoucherifyResolver()
# the SDK sends id / -id: a card's transaction ids sort as its ledger, which is creation order
ORDERS = ("-id", "id", "-created_at", "created_at")


@app.get("/v1/vouchers/<code>/transactions", responses=answers(200, errors=(404,)))
def list_voucher_transactions(code: str):
    order = app.query_choice("order", ORDERS, "-id")
    query = app.current_event.query_string_parameters or {}
    return ok(
        cards.list_transactions(
            app.tenant_id,
            code,
            limit=app.query_int("limit", 10, 1, 100),
            starting_after_id=query.get("starting_after_id") or None,
            oldest_first=not order.startswith("-"),
        )
    )


lambda_handler = app.lambda_handler
