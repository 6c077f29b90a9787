"""POST /offers-exports: start an export job; answers 201 at once with the export IN_PROGRESS."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.exports import Export, ExportInput
from offers.services import exports

app = OffersResolver()


@app.post("/offers-exports", responses=answers(201, Export))
def create_export(body: ExportInput):
    return created(exports.create_export(app.tenant_id, body))


lambda_handler = app.lambda_handler
