"""GET /v1/publications (Voucherify): the tenant's publications, newest first, filtered by
campaign, customer, voucher, source_id, result, voucher_type and is_referral_code as the SDK
sends them."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver, invalid_query
from offers.services import publication_lists as publications

app = VoucherifyResolver()
MAX_VALUE_LENGTH = 500
ORDERS = tuple(f"{sign}{name}" for name in publications.LIST_ORDER_FIELDS for sign in ("", "-"))


@app.get("/v1/publications", responses=answers(200))
def list_publications():
    query = app.current_event.query_string_parameters or {}
    if any(name.startswith("filters") for name in query):
        raise invalid_query(
            "filters", "is not supported: filter with campaign, customer, voucher or source_id"
        )
    for name in ("campaign", "customer", "voucher", "source_id"):
        if len(query.get(name) or "") > MAX_VALUE_LENGTH:  # longer than any key a Query could take
            raise invalid_query(name, f"must be at most {MAX_VALUE_LENGTH} characters")
    referral = app.query_choice("is_referral_code", ("true", "false"))
    filters = publications.PublicationFilters(
        campaign=query.get("campaign") or None,
        customer=query.get("customer") or None,
        voucher=query.get("voucher") or None,
        source_id=query.get("source_id") or None,
        result=app.query_choice("result", ("SUCCESS", "FAILURE")),
        voucher_type=app.query_choice("voucher_type", ("discount", "loyalty")),
        is_referral_code=None if referral is None else referral == "true",
    )
    return ok(
        publications.list_publications(
            app.tenant_id,
            limit=app.query_int("limit", 10, 1, 100),
            page=app.query_int("page", 1, 1, 100),
            order=app.query_choice("order", ORDERS, "-created_at") or "-created_at",
            filters=filters,
        )
    )


lambda_handler = app.lambda_handler
