"""GET /promotions: the tenant's promotions, newest first, cursor-paged."""

from typing import Annotated

from offers.api.answers import answers
from offers.api.pagination import cursor_page
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.promotions import PromotionPage
from offers.services import promotions

app = OffersResolver()


@app.get("/promotions", responses=answers(200, PromotionPage))
def list_promotions(
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    start_cursor: Annotated[str | None, Query(alias="startCursor", max_length=2048)] = None,
):
    return ok(cursor_page(app.tenant_id, "promotions", size, start_cursor, promotions.list_promotions))


lambda_handler = app.lambda_handler
