"""GET /export-schedules: the tenant's export schedules, newest first, cursor-paged."""

from typing import Annotated

from offers.api.answers import answers
from offers.api.pagination import cursor_page
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import schedules

app = OffersResolver()


@app.get("/export-schedules", responses=answers(200))
def list_schedules(
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    start_cursor: Annotated[str | None, Query(alias="startCursor", max_length=2048)] = None,
):
    return ok(cursor_page(app.tenant_id, "export-schedules", size, start_cursor, schedules.list_schedules))


lambda_handler = app.lambda_handler
