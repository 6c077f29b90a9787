"""GET /offers-exports/{exportId}: status, totals, progress, and the files once COMPLETED."""

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import exports

app = OffersResolver()


@app.get("/offers-exports/<export_id>")
def get_export(export_id: str):
    return ok(exports.get_export(app.tenant_id, export_id))


lambda_handler = app.lambda_handler
