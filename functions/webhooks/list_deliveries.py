"""GET /webhooks/{id}/deliveries: each event sent to the webhook, its status and every attempt."""

from functools import partial
from typing import Annotated

from offers.api.answers import answers
from offers.api.pagination import cursor_page
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import webhooks

app = OffersResolver()


@app.get("/webhooks/<webhook_id>/deliveries", responses=answers(200, errors=(404,)))
def list_deliveries(
    webhook_id: str,
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    start_cursor: Annotated[str | None, Query(alias="startCursor", max_length=2048)] = None,
):
    fetch = partial(_deliveries, webhook_id)
    return ok(cursor_page(app.tenant_id, "webhook-deliveries", size, start_cursor, fetch, webhook_id))


def _deliveries(webhook_id: str, tenant_id: str, *, size: int, start_key: dict | None):
    return webhooks.list_deliveries(tenant_id, webhook_id, size, start_key)


lambda_handler = app.lambda_handler
