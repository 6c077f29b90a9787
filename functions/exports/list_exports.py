"""GET /offers-exports?size=&offset=: the tenant's exports, newest first."""

from typing import Annotated

from offers.api.answers import answers
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.exports import ExportPage
from offers.services import exports

app = OffersResolver()


@app.get("/offers-exports", responses=answers(200, ExportPage))
def list_exports(
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    return ok(exports.list_exports(app.tenant_id, size, offset))


lambda_handler = app.lambda_handler
