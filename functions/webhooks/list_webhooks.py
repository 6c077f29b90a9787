"""GET /webhooks: the tenant's webhooks, newest first, cursor-paged (never their secrets)."""

from typing import Annotated

from offers.api.answers import answers
from offers.api.pagination import cursor_page
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import webhooks

app = OffersResolver()


@app.get("/webhooks", responses=answers(200))
def list_webhooks(
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    start_cursor: Annotated[str | None, Query(alias="startCursor", max_length=2048)] = None,
):
    return ok(cursor_page(app.tenant_id, "webhooks", size, start_cursor, webhooks.list_webhooks))


lambda_handler = app.lambda_handler
