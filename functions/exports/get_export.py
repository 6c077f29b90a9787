"""GET /offers-exports/{exportId}: status, totals, progress, and the files once COMPLETED."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.exports import Export
from offers.services import exports

app = OffersResolver()


@app.get("/offers-exports/<export_id>", responses=answers(200, Export, errors=(404,)))
def get_export(export_id: str):
    return ok(exports.get_export(app.tenant_id, export_id))


lambda_handler = app.lambda_handler
